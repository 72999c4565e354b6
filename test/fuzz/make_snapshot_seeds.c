/*
 * Writes the snapshot seeds in corpus/snapshot/ with the real writer (run
 * once; the files are committed): small valid snapshots of 0, 1 and 3 apps,
 * so the fuzzer starts from every kind of record instead of "bad magic".
 * The *_v2.snap seeds are version 2's; empty.snap, one_app.snap and
 * three_apps.snap were written by version 1's writer and stay, so the
 * fuzzer keeps reaching the reader of the old format.
 *
 *	clang -std=c11 -Ikernel/lib -Isdk/libfomos -Ikernel/exec -Isdk test/fuzz/make_snapshot_seeds.c \
 *	    kernel/exec/snapshot.c kernel/exec/home.c sdk/libfomos/fmt.c test/fuzz/fuzz_panic.c -o /tmp/seeds &&
 *	    /tmp/seeds test/fuzz/corpus/snapshot
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "snapshot.h"

static uint8_t file[64 << 10];
static uint64_t file_len;

static int sink(void *arg, uint64_t off, const void *data, uint64_t len)
{
	if (off + len > sizeof(file))
		return -1;
	memcpy(file + off, data, len);
	if (off + len > file_len)
		file_len = off + len;
	return 0;
}

static void app(struct snapshot_app *a, uint32_t slot, const char *name)
{
	uint64_t arena = exec_home(slot) + EXEC_ARENA_OFFSET;

	memset(a, 0, sizeof(*a));
	a->pid = slot + 1;
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->path, sizeof(a->path), "/fomos/apps/%s.app", name);
	a->slot = slot;
	app_opts_default(&a->opts);
	a->opts.admin = slot == 5;
	a->opts.nosys = slot == 10;
	a->opts.disk = slot ? 1ull << 20 : 0;
	a->opts.spawn = slot;
	a->store = arena + 16;
	a->win_width = 320;
	a->win_height = 200;
	a->file_size = 8192;
	a->file_hash = snapshot_hash_bytes(name, strlen(name));
	a->arena_mapped = 64 << 10;
	a->heap_free_list = arena + 64;
	a->heap_used = 64;
	a->heap_size = 64 << 10;
	a->heap_region_count = 1;
	a->heap_regions[0].start = arena;
	a->heap_regions[0].end = arena + (64 << 10);
}

static void write_seed(const char *dir, const char *name, uint32_t napps, uint64_t seq)
{
	static const char *const names[] = { "counter", "painter", "console" };
	static struct snapshot_writer w;
	struct snapshot_app a;
	uint8_t bytes[100];
	char path[256];
	FILE *f;

	for (uint32_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 7);
	file_len = 0;
	snapshot_begin(&w, seq, seq * 3000000000ull, sink, NULL);
	for (uint32_t i = 0; i < napps; i++) {
		uint64_t home = exec_home(i * 5);

		app(&a, i * 5, names[i]);
		snapshot_app(&w, &a);
		snapshot_region(&w, home, bytes, 13 + i);
		snapshot_region(&w, home + EXEC_SURFACE_OFFSET, bytes, 64);
		snapshot_region(&w, home + EXEC_ARENA_OFFSET, bytes, sizeof(bytes));
	}
	if (snapshot_end(&w) != 0) {
		fprintf(stderr, "%s: %s\n", name, w.why);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(file, 1, file_len, f) != file_len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	write_seed(argv[1], "empty_v2.snap", 0, 2);
	write_seed(argv[1], "one_app_v2.snap", 1, 8);
	write_seed(argv[1], "three_apps_v2.snap", 3, UINT64_MAX - 1);
	return 0;
}
