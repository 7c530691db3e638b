#include <core/arch.h>
#include <core/console.h>
#include <lib/printf.h>
#include <lib/spinlock.h>

/* Serialises whole messages, so that lines from different CPUs never mix. */
static spinlock_t console_lock = SPINLOCK_INIT;

/*
 * A CPU that panics may have died holding the lock; after this many
 * attempts the panic path writes without it rather than hang silently.
 */
#define CONSOLE_LOCK_TRIES	(1u << 22)

static bool console_lock_bounded(void)
{
	u32 i;

	for (i = 0; i < CONSOLE_LOCK_TRIES; i++) {
		if (spin_trylock(&console_lock))
			return true;
		cpu_relax();
	}
	return false;
}

void console_write(const char *s, size_t n)
{
	bool locked = console_lock_bounded();

	arch_console_write(s, n);
	if (locked)
		spin_unlock(&console_lock);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	/* A message cut short still ends its line. */
	if ((size_t)n >= sizeof(buf))
		buf[len - 1] = '\n';
	console_write(buf, len);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
