/*
 * <stdio.h> of the Fomos C runtime: formatting into memory, and printf to
 * the app's log.  There are no files here (ctx->file does those).
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %% with the flags - 0 + space #,
 * width and precision (both may be '*') and the length modifiers hh h l ll
 * z j t.  No floating point: %f, %e, %g, %a print as they are written.  %p
 * is always "0x" and 16 digits; %s of NULL prints "(null)".  The kernel
 * formats its own log with the same code (sdk/libfomos/fmt.c).
 */
#ifndef FOMOS_STDIO_H
#define FOMOS_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define FOMOS_PRINTF(f, a)	__attribute__((format(printf, f, a)))

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) FOMOS_PRINTF(3, 4);

/* One log line (ctx->log) per call: a trailing newline is dropped, text
 * past FOMOS_PRINTF_MAX bytes cut.  Return what C's would. */
#define FOMOS_PRINTF_MAX	512
int vprintf(const char *fmt, va_list ap);
int printf(const char *fmt, ...) FOMOS_PRINTF(1, 2);
int puts(const char *s);

#endif
