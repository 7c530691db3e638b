#ifndef TESTS_UNIT_HOST_COMPAT_H
#define TESTS_UNIT_HOST_COMPAT_H

/*
 * Force-included into every unit test and every hypervisor source it
 * links: lib/printf.c then defines hv_snprintf/hv_vsnprintf, so that our
 * formatter is the one under test while libc's stays available to cmocka.
 * Tests that link code calling panic() or WARN_ON_ONCE() add
 * tests/unit/support.c, where a panic fails the running test.
 */
#define snprintf	hv_snprintf
#define vsnprintf	hv_vsnprintf

/*
 * glibc's <sys/cdefs.h> defines __always_inline as well; include it first
 * and let include/lib/compiler.h's (equivalent) definition take over, or
 * whichever header comes second would redefine it and -Werror stops.
 */
#include <sys/cdefs.h>
#undef __always_inline

#endif
