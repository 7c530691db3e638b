#ifndef LIB_PANIC_H
#define LIB_PANIC_H

#include <lib/compiler.h>

/*
 * panic() is provided by core/ (it prints, stops the other CPUs and the
 * machine) and by the unit tests (where it fails the test), which is why
 * lib/ may call it without knowing anything else.
 */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);
void warn_once_report(const char *file, int line, const char *cond);

#define BUG_ON(cond)							\
	do {								\
		if (unlikely(cond))					\
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#define BUG()	panic("BUG at %s:%d", __FILE__, __LINE__)

/*
 * For invariants whose violation is a hypervisor bug that the system can
 * survive: report it once per site and go on. Evaluates to the condition,
 * so the caller can take the safe way out.
 */
#define WARN_ON_ONCE(cond)						\
	({								\
		static bool __warned;					\
		bool __c = !!(cond);					\
		if (unlikely(__c) && !__warned) {			\
			__warned = true;				\
			warn_once_report(__FILE__, __LINE__, #cond);	\
		}							\
		__c;							\
	})

#endif
