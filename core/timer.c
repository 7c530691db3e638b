#include <core/arch.h>
#include <core/percpu.h>
#include <core/timer.h>
#include <lib/panic.h>

/* Sorted by deadline; only this CPU touches its list. */
static struct list_head timer_lists[MAX_CPUS];
static bool timer_lists_ready[MAX_CPUS];

static struct list_head *this_list(void)
{
	unsigned int cpu = cpu_id();

	if (!timer_lists_ready[cpu]) {
		list_init(&timer_lists[cpu]);
		timer_lists_ready[cpu] = true;
	}
	return &timer_lists[cpu];
}

void timer_init(struct timer *t, void (*fn)(struct timer *t))
{
	list_init(&t->node);
	t->fn = fn;
	t->armed = false;
	t->deadline = 0;
}

static void reprogram(struct list_head *l)
{
	arch_timer_program(list_empty(l) ? 0 : list_entry(l->next, struct timer, node)->deadline);
}

void timer_arm(struct timer *t, u64 deadline_ns)
{
	struct list_head *l = this_list(), *pos;

	/* Moving a timer between CPUs would race with its old CPU's list. */
	if (t->armed) {
		BUG_ON(t->cpu != cpu_id());
		list_del(&t->node);
	}
	t->deadline = deadline_ns ? deadline_ns : 1;
	t->cpu = cpu_id();
	t->armed = true;
	list_for_each(pos, l)
		if (list_entry(pos, struct timer, node)->deadline > t->deadline)
			break;
	list_add_tail(&t->node, pos);
	reprogram(l);
}

void timer_cancel(struct timer *t)
{
	if (!t->armed)
		return;
	BUG_ON(t->cpu != cpu_id());
	list_del(&t->node);
	t->armed = false;
	reprogram(this_list());
}

void timer_run_expired(void)
{
	struct list_head *l = this_list();
	u64 now;

	/* The run loop calls this before every entry: most of the time nothing is armed. */
	if (list_empty(l)) {
		arch_timer_program(0);
		return;
	}
	now = arch_time_ns();

	while (!list_empty(l)) {
		struct timer *t = list_entry(l->next, struct timer, node);

		if (t->deadline > now)
			break;
		list_del(&t->node);
		t->armed = false;
		/* The callback may re-arm @t (periodic timers). */
		t->fn(t);
		now = arch_time_ns();
	}
	reprogram(l);
}

u64 timer_next_deadline(void)
{
	struct list_head *l = this_list();

	return list_empty(l) ? 0 : list_entry(l->next, struct timer, node)->deadline;
}
