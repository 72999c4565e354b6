/*
 * lwIP's platform header for the kernel: a freestanding x86-64, built
 * for an LLP64 target (long is 32 bits: lwIP's own types are fixed-width
 * anyway), little-endian, no threads (NO_SYS=1: everything runs in the
 * executor's loop, never in an interrupt handler).
 */
#ifndef FOMOS_LWIP_CC_H
#define FOMOS_LWIP_CC_H

#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_LIMITS_H	1
#define LWIP_NO_CTYPE_H		1
#define X8_F	"02x"
#define U16_F	"u"
#define S16_F	"d"
#define X16_F	"x"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"llu"

#ifndef BYTE_ORDER
#define BYTE_ORDER	LITTLE_ENDIAN
#endif
#define lwip_htons(x)	__builtin_bswap16(x)
#define lwip_htonl(x)	__builtin_bswap32(x)

typedef uintptr_t mem_ptr_t;

/* The kernel's log and panic (kernel/lib), declared here so that lwIP's
 * sources need no kernel header. */
void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define LWIP_PLATFORM_DIAG(x)	do { klog x; } while (0)
/* An lwIP assertion is a broken invariant of the stack itself, never bad
 * input from the network (lwIP checks that with ordinary code). */
#define LWIP_PLATFORM_ASSERT(x)	panic("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__)

uint32_t net_random(void);
#define LWIP_RAND()	net_random()

#endif
