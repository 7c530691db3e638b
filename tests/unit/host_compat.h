/*
 * Force-included into every host unit test translation unit. The
 * hypervisor's printf family has libc's names; on the host they become
 * hv_* so that the tests exercise ours and libc keeps its own.
 */
#ifndef TESTS_HOST_COMPAT_H
#define TESTS_HOST_COMPAT_H

#define snprintf hv_snprintf
#define vsnprintf hv_vsnprintf

#endif
