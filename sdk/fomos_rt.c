/*
 * The few functions clang may call by itself in freestanding code (struct
 * copies, zeroing large arrays).  fomos-cc links this into every app, so an
 * app needs nothing from the system but its context.
 */
#include <stddef.h>
#include <stdint.h>

#define FOMOS_RT __attribute__((visibility("hidden")))

FOMOS_RT void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

FOMOS_RT void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d < s)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

FOMOS_RT void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

FOMOS_RT int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
