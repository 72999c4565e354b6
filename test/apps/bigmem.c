/* bigmem: a lot of memory whose every page says which call wrote it, for
 * test/boot/test_snapshot_kill.py and the snapshot figures of `ninja bench`.
 *
 * It allocates BIGMEM_MIB MiB in its arena, CHUNK_MIB at a time with
 * ctx->calloc, a few chunks per call so that no call comes near the 100 ms
 * budget even under TCG on a busy machine, and fills each page with a
 * pattern of its own (so no page is all zero and every one is saved).
 * Then, at every call, it checks that the first word of every 4 KiB page
 * holds the same generation g (the one the previous call wrote) and that
 * the second still holds the page's pattern, and writes g + 1 into every
 * page.  Saves happen between calls, so a snapshot holds one generation in
 * every page: a resume that brought back some pages of one save and some
 * of another would show as "consistent=no" (sticky: it stays in the store).
 *
 * Logs "bigmem: allocated N MiB in P pages" once, then
 * "bigmem: g=G pages=P consistent=yes|no" whenever g is a multiple of 10:
 * after a resume the first such line says that the snapshot held a g in
 * [G - 10, G - 1].
 *
 * Two builds of this file: bigmem.app (48 MiB) and bigmem64.app (64 MiB;
 * give it quota=80M, the heap's headers need a little more than 64 MiB). */
#include <stdio.h>
#include <fomos.h>

#ifndef BIGMEM_MIB
#define BIGMEM_MIB	48
#endif

#define CHUNK_MIB	1
#define CHUNKS		(BIGMEM_MIB / CHUNK_MIB)
#define CHUNKS_PER_CALL	4
#define PAGE		4096u
#define CHUNK_PAGES	(CHUNK_MIB * (1u << 20) / PAGE)
#define PAGES		(CHUNKS * CHUNK_PAGES)

struct bigmem {
	uint64_t g;			/* 0 while allocating; then the generation in every page */
	uint32_t allocated;		/* chunks so far */
	uint32_t bad;			/* calls that found a page off (sticky) */
	uint64_t bad_page, bad_value;	/* the first one found */
	uint64_t *chunk[CHUNKS];
};

/* A page's pattern: never zero, different for every page. */
static uint64_t bigmem_pattern(uint64_t page)
{
	return (page + 1) * 0x9e3779b97f4a7c15ull | 1;
}

static void bigmem_fill(uint64_t *c, uint32_t index)
{
	for (uint32_t p = 0; p < CHUNK_PAGES; p++) {
		uint64_t *w = c + (uint64_t)p * (PAGE / 8);
		uint64_t pat = bigmem_pattern((uint64_t)index * CHUNK_PAGES + p);

		for (uint32_t i = 0; i < PAGE / 8; i++)
			w[i] = pat ^ i;
		w[0] = 0;		/* generation 0 */
	}
}

/* Checks that every page holds generation g and its pattern, then writes
 * g + 1.  Returns the pages that did not. */
static uint32_t bigmem_step(struct bigmem *b)
{
	uint32_t off = 0;

	for (uint32_t c = 0; c < CHUNKS; c++)
		for (uint32_t p = 0; p < CHUNK_PAGES; p++) {
			uint64_t *w = b->chunk[c] + (uint64_t)p * (PAGE / 8);
			uint64_t page = (uint64_t)c * CHUNK_PAGES + p;

			if (w[0] != b->g || w[1] != (bigmem_pattern(page) ^ 1)) {
				if (!off && !b->bad) {
					b->bad_page = page;
					b->bad_value = w[0];
				}
				off++;
			}
			w[0] = b->g + 1;
		}
	b->g++;
	return off;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct bigmem *b = fomos_state(ctx, sizeof(*b));

	if (!b)
		return -1;
	if (b->allocated < CHUNKS) {
		for (uint32_t n = 0; n < CHUNKS_PER_CALL && b->allocated < CHUNKS; n++) {
			uint64_t *c = ctx->calloc(1, CHUNK_MIB << 20);

			if (!c) {
				printf("bigmem: out of memory after %u MiB (give it a bigger quota)", b->allocated);
				return -1;
			}
			bigmem_fill(c, b->allocated);
			b->chunk[b->allocated++] = c;
		}
		if (b->allocated == CHUNKS) {
			printf("bigmem: allocated %u MiB in %u pages", (uint32_t)BIGMEM_MIB, (uint32_t)PAGES);
		}
		return 0;
	}
	if (bigmem_step(b) && !b->bad++) {
		printf("bigmem: page %lu held g=%lu, not %lu", b->bad_page, b->bad_value, b->g - 1);
	}
	if (b->g % 10 == 0) {
		printf("bigmem: g=%lu pages=%u consistent=%s", b->g, (uint32_t)PAGES, b->bad ? "no" : "yes");
	}
	return 20;
}
