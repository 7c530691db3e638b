/*
 * The platform under core/ on the host: CPU identity (a thread-local
 * fake_cpu), time, waits and kicks, the heap and page allocator on libc,
 * and a console the tests can read. Shared by fake_arch.h (a scripted
 * arch) and fake_arm64.h (the real vGIC over a fake ICH layer).
 */
#ifndef TESTS_FAKE_PLATFORM_H
#define TESTS_FAKE_PLATFORM_H

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <core/arch.h>
#include <core/heap.h>
#include <core/page_alloc.h>
#include <core/percpu.h>
#include <core/timer.h>

static __thread unsigned int fake_cpu;
struct percpu percpu_data[MAX_CPUS];
u32 nr_cpus_possible = 1;

unsigned int cpu_id(void)
{
	return fake_cpu;
}

struct percpu *this_cpu(void)
{
	return &percpu_data[fake_cpu];
}

u64 arch_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

void arch_cpu_wait(void)
{
	sched_yield();
}

/* Kicks sent to each physical CPU, for the tests that check who was woken. */
static unsigned int fake_kicks[MAX_CPUS];

void arch_cpu_kick(unsigned int cpu)
{
	if (cpu < MAX_CPUS)
		__atomic_fetch_add(&fake_kicks[cpu], 1, __ATOMIC_RELAXED);
}

void timer_run_expired(void)
{
}

/* What the tests "type" on the hypervisor's console: arch_console_getc() hands it out. */
static const char *fake_console_input;

int arch_console_getc(void)
{
	if (!fake_console_input || !*fake_console_input)
		return -1;
	return (u8)*fake_console_input++;
}

void *kzalloc(size_t size)
{
	return calloc(1, size);
}

void kfree(void *p)
{
	free(p);
}

void *page_alloc_contig(size_t npages, u64 align)
{
	void *p;

	if (posix_memalign(&p, align < 4096 ? 4096 : align, npages * 4096))
		return NULL;
	return memset(p, 0, npages * 4096);
}

void page_free_contig(void *p, size_t npages)
{
	free(p);
}

/* Single pages, as npt.c takes them for L0's NPT (the nested NPT tests build one). */
void *page_alloc(void)
{
	return page_alloc_contig(1, 4096);
}

void page_free(void *p)
{
	page_free_contig(p, 1);
}

/* Everything core prints, kept for the tests to look at (and echoed). */
static char fake_console[16384];
static size_t fake_console_len;

static pthread_mutex_t fake_console_lock = PTHREAD_MUTEX_INITIALIZER;
/* Set by tests that provoke thousands of messages: kept, not echoed. */
static bool fake_console_quiet;

/* Serialised: the stress tests print from several threads. */
int printk(const char *fmt, ...)
{
	size_t room;
	va_list ap;
	int n;

	pthread_mutex_lock(&fake_console_lock);
	room = sizeof(fake_console) - fake_console_len;
	va_start(ap, fmt);
	n = vsnprintf(fake_console + fake_console_len, room, fmt, ap);
	va_end(ap);
	if (!fake_console_quiet)
		fputs(fake_console + fake_console_len, stdout);
	fake_console_len += MIN((size_t)n, room - 1);
	pthread_mutex_unlock(&fake_console_lock);
	return n;
}

static inline void fake_console_clear(void)
{
	fake_console_len = 0;
	fake_console[0] = '\0';
}

#endif
