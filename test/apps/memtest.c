/* memtest: checks ctx->calloc and ctx->free from the app's side: memory is
 * zeroed and 16-byte aligned, blocks don't overlap, free(NULL) is harmless,
 * the quota holds, and freed memory can be had again.  Run it with a small
 * quota (quota=8M) to see the limit. */
#include <stdio.h>
#include <fomos.h>

#define CHUNK	(1u << 20)
#define MAXBLK	64

static int memtest_zeroed(const uint8_t *p, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	uint8_t *blocks[MAXBLK];
	uint32_t n = 0, again = 0, i;
	int ok = 1;

	ctx->free(0);
	while (n < MAXBLK && (blocks[n] = ctx->calloc(1, CHUNK))) {
		ok &= ((uint64_t)blocks[n] & 15) == 0 && memtest_zeroed(blocks[n], CHUNK);
		for (i = 0; i < CHUNK; i++)
			blocks[n][i] = (uint8_t)(n + 1);
		n++;
	}
	for (i = 0; i < n; i++)
		ok &= blocks[i][0] == (uint8_t)(i + 1) && blocks[i][CHUNK - 1] == (uint8_t)(i + 1);
	printf("memtest: quota reached after %u MiB", n);
	ok &= ctx->calloc(1ull << 40, 1ull << 40) == 0;	/* overflow */
	for (i = 0; i < n; i++)
		ctx->free(blocks[i]);
	while (again < MAXBLK && (blocks[again] = ctx->calloc(1, CHUNK))) {
		ok &= memtest_zeroed(blocks[again], CHUNK);
		again++;
	}
	puts(again == n ? "memtest: reuse ok" : "memtest: reuse FAILED");
	puts(ok ? "memtest: all checks passed" : "memtest: a check FAILED");
	return -1;
}
