/* fmt: compared against the host's vsnprintf wherever C defines the output. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "fmt.h"
#include "unit.h"

/* Formats with both ours and libc's and checks text and return value. */
static void same_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
same_at(const char *file, int line, const char *fmt, ...)
{
	char ours[256], libc[256];
	va_list a, b;
	int r_ours, r_libc;

	va_start(a, fmt);
	va_copy(b, a);
	r_ours = fmt_vsnprintf(ours, sizeof(ours), fmt, a);
	r_libc = vsnprintf(libc, sizeof(libc), fmt, b);
	va_end(b);
	va_end(a);
	if (r_ours != r_libc || strcmp(ours, libc) != 0)
		unit_fail(file, line, "format \"%s\": got \"%s\" (%d), libc \"%s\" (%d)",
		    fmt, ours, r_ours, libc, r_libc);
}

#define SAME(...)	same_at(__FILE__, __LINE__, __VA_ARGS__)

void
fmt_matches_libc_for_integers_flags_width_and_precision(void)
{
	SAME("plain text, no conversions");
	SAME("%d %i %u", 42, -42, 42u);
	SAME("%d|%d|%d", 0, INT32_MAX, INT32_MIN);
	SAME("%u|%x|%X|%o", UINT32_MAX, 0xdeadbeefu, 0xdeadbeefu, 0777u);
	SAME("[%5d][%-5d][%05d][%+d][% d][%+d]", 42, 42, 42, 42, 42, -42);
	SAME("[%05d][%+05d][% 05d]", -42, 42, 42);
	/* C defines these, though -Wformat frowns on them. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
	SAME("[%-05d][%05s]", -42, "ab");	/* '-' beats '0'; '0' is numeric only */
#pragma clang diagnostic pop
	SAME("[%.3d][%.0d][%.0d][%5.0d][%-5.3d]", 7, 0, 1, 0, -7);
	SAME("[%08.3d][%08.3x][%.10u]", 5, 0xabu, 12345u);
	SAME("[%#x][%#X][%#o][%#x][%#o][%#.0o]", 255u, 255u, 8u, 0u, 0u, 0u);
	SAME("[%#010x][%#-10x][%#5o]", 0x10u, 0x10u, 8u);
	SAME("[%1d][%2d][%10d]", 12345, 12345, 12345);
}

void
fmt_length_modifiers_read_the_right_argument_size(void)
{
	/* An int that does not fit is converted to the modifier's type. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
	SAME("%hhd %hhu %hhx %hhd", 300, 300, -1, 200);
	SAME("%hd %hu %hx %hd", 70000, 70000, -1, 40000);
	SAME("%hhd|%lld|%d|%zu|%hd|%llx", 1, 2LL, 3, (size_t)4, 5, 6ULL);
#pragma clang diagnostic pop
	SAME("%ld %lu %lx", -5L, 5UL, (unsigned long)-1);
	SAME("%lld %llu %llx %llo", (long long)INT64_MIN, (unsigned long long)UINT64_MAX,
	    0x123456789abcdefULL, (unsigned long long)UINT64_MAX);
	SAME("%lld %lld", (long long)INT64_MAX, -1LL);
	SAME("%zu %zx %zd", (size_t)-1, (size_t)4096, (ptrdiff_t)-3);
	SAME("%jd %ju", (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX);
	SAME("%td %tx", (ptrdiff_t)-77, (ptrdiff_t)255);
	/* Mixed sizes: a wrong va_arg width would shift every later value. */
	SAME("%lld|%d|%zu|%jx|%llx|%s", 2LL, 3, (size_t)4, (uintmax_t)5, 6ULL, "end");
}

void
fmt_prints_strings_chars_and_percent(void)
{
	const char unterminated[3] = { 'a', 'b', 'c' };
	char buf[32];

	SAME("%s|%5s|%-5s|%.2s|%5.1s|%%|%c|%3c|%-3c|", "hi", "hi", "hi", "hello",
	    "xyz", 'A', 'B', 'C');
	SAME("%s%s", "", "x");
	/* With a precision, %s must not read past it: ASan would catch it. */
	fmt_snprintf(buf, sizeof(buf), "%.3s", unterminated);
	CHECK_STR(buf, "abc");
	fmt_snprintf(buf, sizeof(buf), "[%s]", (char *)NULL);
	CHECK_STR(buf, "[(null)]");
}

void
fmt_pointer_prints_0x_and_16_hex_digits(void)
{
	char buf[64];

	CHECK_EQ_U64(fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x1234), 18);
	CHECK_STR(buf, "0x0000000000001234");
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)NULL);
	CHECK_STR(buf, "0x0000000000000000");
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)UINTPTR_MAX);
	CHECK_STR(buf, "0xffffffffffffffff");
	fmt_snprintf(buf, sizeof(buf), "[%20p][%-20p]", (void *)0xab, (void *)0xab);
	CHECK_STR(buf, "[  0x00000000000000ab][0x00000000000000ab  ]");
}

void
fmt_star_width_and_precision_follow_c_rules(void)
{
	SAME("[%*d][%-*d][%.*d][%*.*d]", 6, 42, 6, 42, 4, 42, 8, 5, -42);
	/* A negative width is '-' plus the width; a negative precision is none. */
	SAME("[%*d][%.*d][%.*s]", -6, 42, -1, 42, -1, "whole");
	SAME("[%*s][%.*s]", 3, "abcdef", 3, "abcdef");
}

void
fmt_truncates_and_returns_the_full_length(void)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	CHECK_EQ_U64(fmt_snprintf(buf, 5, "%s-%d", "abc", 12345), 9);
	CHECK_STR(buf, "abc-");
	CHECK(buf[5] == 'X');		/* nothing written past n */

	memset(buf, 'X', sizeof(buf));
	CHECK_EQ_U64(fmt_snprintf(buf, 1, "hello"), 5);
	CHECK(buf[0] == '\0' && buf[1] == 'X');

	CHECK_EQ_U64(fmt_snprintf(NULL, 0, "%d%s", 1234, "xy"), 6);
	memset(buf, 'X', sizeof(buf));
	CHECK_EQ_U64(fmt_snprintf(buf, 0, "hello"), 5);
	CHECK(buf[0] == 'X');

	CHECK_EQ_U64(fmt_snprintf(buf, sizeof(buf), "1234567"), 7);
	CHECK_STR(buf, "1234567");
	CHECK_EQ_U64(fmt_snprintf(buf, sizeof(buf), "12345678"), 8);
	CHECK_STR(buf, "1234567");
}

void
fmt_unknown_conversion_is_shown_not_skipped(void)
{
	/* Not literals, so that -Wformat does not refuse them at compile time. */
	const char *unknown = "a%qb", *trailing = "50%";
	char buf[32];

	CHECK_EQ_U64(fmt_snprintf(buf, sizeof(buf), unknown, 1), 4);
	CHECK_STR(buf, "a%qb");
	CHECK_EQ_U64(fmt_snprintf(buf, sizeof(buf), trailing, 1), 3);
	CHECK_STR(buf, "50%");
}
