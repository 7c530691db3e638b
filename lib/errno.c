#include <lib/compiler.h>
#include <lib/errno.h>

static const char *const errno_names[] = {
	[EPERM] = "EPERM",	[ENOENT] = "ENOENT",	[EINTR] = "EINTR",
	[EIO] = "EIO",		[E2BIG] = "E2BIG",	[ENOEXEC] = "ENOEXEC",
	[EAGAIN] = "EAGAIN",	[ENOMEM] = "ENOMEM",	[EFAULT] = "EFAULT",
	[EBUSY] = "EBUSY",	[EEXIST] = "EEXIST",	[ENODEV] = "ENODEV",
	[EINVAL] = "EINVAL",	[ENOSPC] = "ENOSPC",	[ERANGE] = "ERANGE",
	[ENOSYS] = "ENOSYS",	[EBADMSG] = "EBADMSG",	[EOVERFLOW] = "EOVERFLOW",
	[EOPNOTSUPP] = "EOPNOTSUPP", [ETIMEDOUT] = "ETIMEDOUT",
	[EALREADY] = "EALREADY", [EHWPOISON] = "EHWPOISON", [ENXIO] = "ENXIO",
	[EPIPE] = "EPIPE",
};

const char *errno_name(int err)
{
	if (err < 0)
		err = -err;
	if ((size_t)err < ARRAY_SIZE(errno_names) && errno_names[err])
		return errno_names[err];
	return "E?";
}
