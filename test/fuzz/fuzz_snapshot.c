/*
 * libFuzzer target for snapshot files (/fomos/state/slot*.snap).
 *
 * Random bytes almost never carry the right sums, which would keep the
 * fuzzer at "checksum mismatch".  So each input is checked twice: as it
 * is, and "resealed" (this file walks the chunks leniently and rewrites
 * every app sum, the body sum and the header sum), which lets mutations
 * reach the field checks behind the sums.
 *
 * Whatever snapshot_check accepts must iterate to the end without an
 * error, keep every region inside its app's home and inside the buffer,
 * and be the writer's canonical output: writing the decoded apps and
 * regions again gives back exactly the same bytes.  (An older version's
 * file is written again in the current one: that must be accepted too,
 * with the same apps, and as long as the bigger APP chunks make it.)
 *
 *	build/fuzz/fuzz_snapshot -max_total_time=60 test/fuzz/corpus/snapshot
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "snapshot.h"

#define TAG_REGION	0x4e474552u	/* "REGN" */
#define TAG_END		0x444e4541u	/* "AEND" */

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Rewrites the sums of buf[0..size) so that only the fields can be wrong. */
static void reseal(uint8_t *buf, uint64_t size)
{
	struct snapshot_hash body;
	uint64_t pos = SNAPSHOT_HEADER_SIZE, end, sum, chunk;

	if (size < SNAPSHOT_HEADER_SIZE)
		return;
	end = rd64(buf + 32) < size ? rd64(buf + 32) : size;
	if (end < pos)
		end = pos;
	chunk = rd32(buf + 8) == 1 ? SNAPSHOT_APP_CHUNK_V1 : SNAPSHOT_APP_CHUNK;
	snapshot_hash_init(&body);
	while (end - pos >= chunk) {	/* pos <= end throughout */
		uint64_t start = pos;

		pos += chunk;
		while (end - pos >= 24 && rd32(buf + pos) == TAG_REGION) {
			uint64_t len = rd64(buf + pos + 16);

			if (len > end - pos - 24 || (len + 7) / 8 * 8 > end - pos - 24)
				return;
			pos += 24 + (len + 7) / 8 * 8;
		}
		if (end - pos < 24 || rd32(buf + pos) != TAG_END)
			break;
		sum = snapshot_hash_bytes(buf + start, pos + 16 - start);
		memcpy(buf + pos + 16, &sum, 8);
		snapshot_hash_update(&body, buf + pos + 16, 8);
		pos += 24;
	}
	sum = snapshot_hash_final(&body);
	memcpy(buf + 40, &sum, 8);
	sum = snapshot_hash_bytes(buf, 56);
	memcpy(buf + 56, &sum, 8);
}

struct copy {
	uint8_t *data;
	uint64_t size;
};

static int copy_sink(void *arg, uint64_t off, const void *src, uint64_t len)
{
	struct copy *c = arg;

	if (off + len > c->size)
		abort();	/* the writer wrote past what it read */
	memcpy(c->data + off, src, len);
	return 0;
}

/* An accepted snapshot: walk it, check what the kernel will rely on, and
 * write it again. */
static void accepted(const uint8_t *buf, const struct snapshot_info *info)
{
	static struct snapshot_iter it;
	static struct snapshot_writer w;
	struct snapshot_app app;
	int old = rd32(buf + 8) != SNAPSHOT_VERSION;
	/* Version 1's app records are shorter; version 2's are as long. */
	uint64_t size = info->total_len + (rd32(buf + 8) == 1 ?
	    (uint64_t)(SNAPSHOT_APP_CHUNK - SNAPSHOT_APP_CHUNK_V1) * info->app_count : 0);
	struct copy c = { calloc(1, size), size };
	struct snapshot_info again;
	const uint8_t *data;
	uint64_t va, len;
	uint32_t apps = 0;
	char why[96];
	int r, q;

	snapshot_begin(&w, info->sequence, info->time_ns, copy_sink, &c);
	snapshot_iter_init(&it, buf, info);
	while ((r = snapshot_next_app(&it, &app)) == 1) {
		uint64_t home = exec_home(app.slot);

		apps++;
		if (app.slot >= EXEC_MAX_SLOTS || memchr(app.name, 0, APP_NAME_MAX) == NULL ||
		    memchr(app.path, 0, SNAPSHOT_PATH_MAX) == NULL || snapshot_app(&w, &app) != 0)
			abort();
		while ((q = snapshot_next_region(&it, &va, &data, &len)) == 1) {
			if (va < home || va + len > home + EXEC_HOME_SIZE || len == 0 ||
			    data < buf + SNAPSHOT_HEADER_SIZE || data + len > buf + info->total_len ||
			    snapshot_region(&w, va, data, len) != 0)
				abort();
		}
		if (q != 0)
			abort();
	}
	if (r != 0 || apps != info->app_count || snapshot_end(&w) != 0 || w.pos != size)
		abort();
	if (!old && memcmp(c.data, buf, size) != 0)
		abort();
	if (old && (snapshot_check(c.data, size, &again, why, sizeof(why)) != 0 ||
	    again.app_count != info->app_count || again.sequence != info->sequence))
		abort();
	free(c.data);
}

static void check(const uint8_t *buf, uint64_t size)
{
	struct snapshot_info info;
	char why[96];

	why[0] = '\0';
	memset(why + 1, 'x', sizeof(why) - 1);
	if (snapshot_check(buf, size, &info, why, sizeof(why)) == 0) {
		if (info.total_len > size)
			abort();
		accepted(buf, &info);
	} else if (why[0] == '\0' || memchr(why, 0, sizeof(why)) == NULL) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);	/* exactly size: ASan sees overreads */

	memcpy(copy, data, size);
	check(copy, size);
	reseal(copy, size);
	check(copy, size);
	free(copy);
	return 0;
}
