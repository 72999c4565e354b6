/*
 * <stdio.h>: printf logs.  snprintf and vsnprintf are the kernel's own
 * formatter under C's names (fmt.c, built with FMT_LIBC_NAMES).
 */
#include <stdio.h>
#include <string.h>
#include "fmt.h"
#include "libfomos.h"

static void log_line(const char *s, size_t len)
{
	while (len && s[len - 1] == '\n')
		len--;
	libfomos_ctx->log(s, (uint32_t)len);
}

int vprintf(const char *fmt, va_list ap)
{
	char line[FOMOS_PRINTF_MAX];
	int r = fmt_vsnprintf(line, sizeof(line), fmt, ap);

	log_line(line, strlen(line));
	return r;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vprintf(fmt, ap);
	va_end(ap);
	return r;
}

/* C's puts adds the newline; a log line has one already. */
int puts(const char *s)
{
	size_t len = strnlen(s, FOMOS_PRINTF_MAX);

	log_line(s, len);
	return (int)len + 1;
}
