/*
 * stdlib.h for stb_image.h inside the background app: only what it uses.
 * The allocator is the app's context (decode.c routes it); there is no libc.
 */
#ifndef BG_SHIM_STDLIB_H
#define BG_SHIM_STDLIB_H

#include <stddef.h>

void *bg_malloc(size_t size);
void *bg_realloc(void *ptr, size_t size);
void bg_free(void *ptr);

static inline int abs(int v)
{
	return v < 0 ? -v : v;
}

#endif
