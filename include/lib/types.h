#ifndef LIB_TYPES_H
#define LIB_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
/*
 * long long, not uint64_t (unsigned long on LP64 targets): core formats
 * u64 with %llx/%llu, which -Wformat accepts only for long long.
 */
typedef unsigned long long u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;

/* A physical address; the hypervisor identity-maps RAM, so it is also a VA. */
typedef u64 paddr_t;

#endif
