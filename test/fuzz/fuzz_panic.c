/*
 * panic() for the fuzzers.  Bad input must never panic (style.md rule 7),
 * so a panic is a finding: abort and let libFuzzer save the input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "panic.h"

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}
