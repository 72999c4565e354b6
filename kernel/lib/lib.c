/*
 * memcpy and friends.  clang emits calls to memcpy/memset for struct copies
 * and zeroing even in freestanding code, so these must exist.  rep movsb /
 * stosb are fast on every CPU with ERMS and short enough to read at a glance.
 * The string functions are the apps' C runtime's, sdk/libfomos/string.c,
 * which build.ninja compiles into the kernel too.
 */
#include "lib.h"

/* Eight bytes per step, then the tail: one rep movsq iteration is one
 * emulated step under QEMU's TCG, where rep movsb would be eight. */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) :: "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r) :: "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy backwards. */
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(v) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
