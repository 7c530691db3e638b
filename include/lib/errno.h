#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

/*
 * Linux's numbers, so that an error printed by the hypervisor reads the
 * same as one from KVM. Host unit tests include libc's errno.h as well;
 * the values agree, hence the guards.
 */
#ifndef EPERM
#define EPERM		1
#define ENOENT		2
#define EINTR		4
#define EIO		5
#define ENXIO		6
#define E2BIG		7
#define ENOEXEC		8
#define EAGAIN		11
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define ENODEV		19
#define EINVAL		22
#define ENOSPC		28
#define EPIPE		32
#define ERANGE		34
#define ENOSYS		38
#define EBADMSG		74
#define EOVERFLOW	75
#define EOPNOTSUPP	95
#define ETIMEDOUT	110
#define EALREADY	114
#define EHWPOISON	133
#endif

const char *errno_name(int err);

#endif
