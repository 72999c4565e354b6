/*
 * <stdlib.h> but memory (malloc.c): sorting, numbers from text, abs.
 *
 * There is no errno: strtol and strtoul saturate on overflow, as C's do,
 * and say nothing more.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>

static void swap(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Moves element root down the heap of count elements until it is no
 * smaller than its children. */
static void sift(char *base, size_t root, size_t count, size_t size,
    int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= count)
			return;
		if (child + 1 < count && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
		root = child;
	}
}

/* Heapsort: O(n log n) at worst and no recursion (an app's stack is
 * 64 KiB); not stable, which C does not ask of qsort. */
void qsort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base;
	size_t i;

	if (count < 2 || !size)
		return;
	for (i = count / 2; i-- > 0;)
		sift(b, i, count, size, cmp);
	for (i = count - 1; i > 0; i--) {
		swap(b, b + i * size, size);
		sift(b, 0, i, size, cmp);
	}
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

/* What strtol and strtoul share (C11 7.22.1.4): space, a sign, the base's
 * prefix ("0x" only if a hex digit follows, as glibc reads it), digits.
 * Returns the magnitude; *over is set if it passed ULONG_MAX. */
static unsigned long parse(const char *s, char **end, int base, int *neg, int *over)
{
	const char *p = s;
	unsigned long v = 0;
	int any = 0, d;

	*neg = *over = 0;
	if (end)
		*end = (char *)s;
	if (base < 0 || base == 1 || base > 36)
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    isxdigit((unsigned char)p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	for (; (d = digit_value(*p)) < base; p++) {
		any = 1;
		if (v > (ULONG_MAX - (unsigned long)d) / (unsigned long)base)
			*over = 1;
		else
			v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end && any)
		*end = (char *)p;
	return v;
}

long strtol(const char *s, char **end, int base)
{
	int neg, over;
	unsigned long v = parse(s, end, base, &neg, &over);

	if (!neg && (over || v > LONG_MAX))
		return LONG_MAX;
	if (neg && (over || v > (unsigned long)LONG_MAX + 1))
		return LONG_MIN;
	return neg ? (long)(0ul - v) : (long)v;
}

/* C: a '-' negates the value as an unsigned long ("-1" is ULONG_MAX). */
unsigned long strtoul(const char *s, char **end, int base)
{
	int neg, over;
	unsigned long v = parse(s, end, base, &neg, &over);

	if (over)
		return ULONG_MAX;
	return neg ? 0ul - v : v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

int abs(int v)
{
	return v < 0 ? -v : v;
}

long labs(long v)
{
	return v < 0 ? -v : v;
}
