/*
 * malloc, calloc, realloc and free over the context's calloc and free.
 *
 * A block is MALLOC_HEADER bytes of header, its size, then the bytes the
 * app gets.  ctx->calloc's blocks are 16-byte aligned, and so, with a
 * 16-byte header, are ours.  realloc needs the size to know what to copy;
 * fomos_block_size() reads it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "libfomos.h"

struct fomos_ctx *libfomos_ctx;

#define MALLOC_HEADER	16

/* Far beyond any app's quota (2 GiB), and far from overflowing size_t. */
#define MALLOC_MAX	((size_t)1 << 40)

static uint64_t *header(const void *ptr)
{
	return (uint64_t *)((uintptr_t)ptr - MALLOC_HEADER);
}

void *malloc(size_t size)
{
	/* Called through a copy of the pointer: the runtime's host tests
	 * rename malloc and friends, and this spelling names the member. */
	void *(FOMOS_CALL *ctx_calloc)(uint64_t, uint64_t) = libfomos_ctx->calloc;
	uint8_t *p;

	if (size > MALLOC_MAX)
		return NULL;
	p = ctx_calloc(1, size + MALLOC_HEADER);
	if (!p)
		return NULL;
	*(uint64_t *)p = size;
	return p + MALLOC_HEADER;
}

void *calloc(size_t count, size_t size)
{
	/* ctx->calloc zeroes already. */
	if (size && count > MALLOC_MAX / size)
		return NULL;
	return malloc(count * size);
}

void free(void *ptr)
{
	void (FOMOS_CALL *ctx_free)(void *) = libfomos_ctx->free;

	if (ptr)
		ctx_free(header(ptr));
}

size_t fomos_block_size(const void *ptr)
{
	return ptr ? *header(ptr) : 0;
}

/* Shrinking keeps the block (and its size says the new one); growing moves
 * it.  realloc(p, 0) frees p and returns NULL, as glibc's does. */
void *realloc(void *ptr, size_t size)
{
	uint64_t old;
	void *p;

	if (!ptr)
		return malloc(size);
	if (!size) {
		free(ptr);
		return NULL;
	}
	old = *header(ptr);
	if (size <= old) {
		*header(ptr) = size;
		return ptr;
	}
	p = malloc(size);
	if (!p)
		return NULL;	/* C: the old block stays as it was */
	memcpy(p, ptr, old);
	free(ptr);
	return p;
}
