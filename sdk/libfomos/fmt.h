/*
 * printf-style formatting, the only one the kernel has, and the one behind
 * the apps' snprintf (sdk/libfomos/stdio.c): one source for both.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with flags '-', '0', '+', ' ',
 * a width and a precision (both may be '*'), and the length modifiers
 * hh h l ll z j t.  The kernel is built for an LLP64 target where long is
 * 32 bits, apps for LP64 where it is 64: 'l' reads a long, whatever its
 * size; print uint64_t with %llu / %llx on both.
 */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

#define FMT_PRINTF(f, a)	__attribute__((format(printf, f, a)))

/* Like C's vsnprintf: writes at most n bytes including the NUL (nothing if
 * n == 0) and returns the length the whole output would have had. */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) FMT_PRINTF(3, 4);

#endif
