#include <core/arch.h>
#include <core/percpu.h>
#include <core/smp.h>
#include <lib/errno.h>
#include <lib/spinlock.h>

/*
 * A mailbox per CPU. A caller holds the mailbox lock from posting until
 * the target has taken the request, so there is at most one request in
 * flight per CPU and the target never sees a half-written one.
 */
struct cpu_mailbox {
	spinlock_t lock;
	void (*fn)(void *arg);
	void *arg;
	u32 posted;		/* written by the caller (release) */
	u32 taken;		/* written by the target (release) */
	u32 done;		/* written by the target (release) */
};

static struct cpu_mailbox mailboxes[MAX_CPUS];

int smp_call(unsigned int cpu, void (*fn)(void *), void *arg, bool wait)
{
	struct cpu_mailbox *mb;
	u32 seq;

	if (cpu >= MAX_CPUS || !__atomic_load_n(&percpu_data[cpu].online, __ATOMIC_ACQUIRE))
		return -ENODEV;
	if (cpu == cpu_id())
		return -EINVAL;
	mb = &mailboxes[cpu];
	spin_lock(&mb->lock);
	mb->fn = fn;
	mb->arg = arg;
	seq = mb->posted + 1;
	__atomic_store_n(&mb->posted, seq, __ATOMIC_RELEASE);
	arch_cpu_kick(cpu);
	while (__atomic_load_n(&mb->taken, __ATOMIC_ACQUIRE) != seq)
		cpu_relax();
	spin_unlock(&mb->lock);
	while (wait && (s32)(__atomic_load_n(&mb->done, __ATOMIC_ACQUIRE) - seq) < 0)
		cpu_relax();
	return 0;
}

/* Runs the posted request, if any; returns whether there was one. */
static bool mailbox_service(struct cpu_mailbox *mb)
{
	u32 seq = __atomic_load_n(&mb->posted, __ATOMIC_ACQUIRE);
	void (*fn)(void *);
	void *arg;

	if (seq == __atomic_load_n(&mb->taken, __ATOMIC_RELAXED))
		return false;
	fn = mb->fn;
	arg = mb->arg;
	__atomic_store_n(&mb->taken, seq, __ATOMIC_RELEASE);
	fn(arg);
	__atomic_store_n(&mb->done, seq, __ATOMIC_RELEASE);
	return true;
}

__noreturn void cpu_idle_loop(void)
{
	struct cpu_mailbox *mb = &mailboxes[cpu_id()];

	for (;;) {
		if (!mailbox_service(mb))
			arch_cpu_wait();
	}
}
