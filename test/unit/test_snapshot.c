/*
 * snapshot: what `save` writes comes back byte for byte; anything short of
 * a complete snapshot (cut, flipped, torn by a power cut) is refused with a
 * reason; and the slot choice never overwrites the only good snapshot.
 * The "disk" is a growable buffer behind the writer's sink.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lib.h"
#include "snapshot.h"
#include "unit.h"

/* A file the sink writes into.  With `budget` armed, the disk takes that
 * many more bytes and then loses power: the rest of that write and every
 * later one never lands. */
struct disk {
	uint8_t *data;
	uint64_t size, cap;
	int armed;
	uint64_t budget;
	uint32_t writes;
};

static int disk_sink(void *arg, uint64_t off, const void *src, uint64_t len)
{
	struct disk *d = arg;
	int lost = 0;

	d->writes++;
	if (d->armed) {
		if (len > d->budget) {
			len = d->budget;
			lost = 1;
		}
		d->budget -= len;
	}
	if (off + len > d->cap) {
		d->cap = (off + len) * 2;
		d->data = realloc(d->data, d->cap);
	}
	if (off > d->size)
		memset(d->data + d->size, 0, off - d->size);
	memcpy(d->data + off, src, len);
	if (off + len > d->size)
		d->size = off + len;
	return lost ? -1 : 0;
}

static void disk_free(struct disk *d)
{
	free(d->data);
	memset(d, 0, sizeof(*d));
}

/* Deterministic bytes, different for every seed. */
static void fill(uint8_t *p, uint64_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (uint64_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

/* What make_app gives as an app's input count (0: none, as version 2). */
static uint64_t test_input_base = 1000000;

static void make_app(struct snapshot_app *a, uint32_t slot, const char *name, uint64_t pid)
{
	uint64_t home = exec_home(slot), arena = home + EXEC_ARENA_OFFSET;

	memset(a, 0, sizeof(*a));
	a->pid = pid;
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->path, sizeof(a->path), "/fomos/apps/%s.app", name);
	a->slot = slot;
	a->flags = SNAPSHOT_APP_FOCUSED;
	app_opts_default(&a->opts);
	a->opts.trace = slot & 1;
	a->opts.restart = 1;
	a->opts.budget_ms = 250 + slot;
	a->opts.nosys = !(slot & 1);
	a->opts.admin = slot & 1;
	a->opts.disk = slot ? (uint64_t)slot << 20 : 0;
	a->opts.spawn = slot + 1;
	a->opts.quota = (16ull << 20) + slot * 4096ull;
	a->store = arena + 0x20;
	a->input_seen = test_input_base ? test_input_base + slot : 0;
	a->win_x = -40 - (int32_t)slot;
	a->win_y = 300;
	a->win_width = 640;
	a->win_height = 480;
	a->win_flags = 3;
	a->win_z = slot;
	a->file_size = 12345 + slot;
	a->file_hash = snapshot_hash_bytes(name, strlen(name));
	a->arena_mapped = 128 << 10;
	a->heap_free_list = arena + 0x1000;
	a->heap_used = 0x1000;
	a->heap_size = 128 << 10;
	a->heap_region_count = 2;
	a->heap_regions[0].start = arena;
	a->heap_regions[0].end = arena + (64 << 10);
	a->heap_regions[1].start = arena + (64 << 10);
	a->heap_regions[1].end = arena + (128 << 10);
}

/* What the test apps hold: per app, a few regions in their home. */
struct region_spec {
	uint64_t offset, len;
};

static const struct region_spec big_regions[] = {
	{ 0, 0x3000 + 13 },				/* image, an odd length */
	{ EXEC_SURFACE_OFFSET, 3 * 4096 },		/* surface */
	{ EXEC_ARENA_OFFSET, 4096 },			/* arena, two page runs */
	{ EXEC_ARENA_OFFSET + 3 * 4096, 2 * 4096 },
	{ EXEC_ARENA_OFFSET + 9 * 4096, 1 },
};

static const struct region_spec small_regions[] = {
	{ 0, 7 }, { 16, 8 }, { EXEC_ARENA_OFFSET, 1 },
};

static const uint32_t test_slots[] = { 0, 7, 300 };
static const char *const test_names[] = { "counter", "painter.v2", "a-b_c" };

/* Writes a snapshot of `napps` apps into d and returns its length. */
static uint64_t write_snapshot(struct disk *d, uint64_t seq, uint32_t napps, int small)
{
	const struct region_spec *r = small ? small_regions : big_regions;
	uint32_t nr = small ? ARRAY_LEN(small_regions) : ARRAY_LEN(big_regions);
	struct snapshot_writer *w = calloc(1, sizeof(*w));
	struct snapshot_app a;
	uint8_t *buf = malloc(64 << 10);
	uint64_t len;
	int failed = 0;

	/* A disk losing power (d->armed) makes some call fail: that is the
	 * point there; anywhere else every call must succeed. */
	snapshot_begin(w, seq, seq * 1000000007ull, disk_sink, d);
	for (uint32_t i = 0; i < napps; i++) {
		make_app(&a, test_slots[i], test_names[i], 10 + i);
		failed |= snapshot_app(w, &a) != 0;
		for (uint32_t j = 0; j < nr; j++) {
			fill(buf, r[j].len, i * 100 + j + (uint32_t)seq);
			failed |= snapshot_region(w, exec_home(a.slot) + r[j].offset, buf, r[j].len) != 0;
		}
	}
	failed |= snapshot_end(w) != 0;
	if (failed && !d->armed)
		unit_fail(__FILE__, __LINE__, "writer: %s", w->why);
	len = w->pos;
	free(w);
	free(buf);
	return len;
}

void snapshot_round_trip_gives_back_every_app_field_and_region_byte(void)
{
	struct disk d = { 0 };
	struct snapshot_info info;
	struct snapshot_iter *it = calloc(1, sizeof(*it));
	struct snapshot_app got, want;
	uint8_t *expect = malloc(64 << 10);
	char why[128] = "";
	uint64_t total = write_snapshot(&d, 42, 3, 0), va, len;
	const uint8_t *data;
	uint32_t n = 0, j;
	int r;

	CHECK_EQ_U64(total, d.size);
	if (snapshot_check(d.data, d.size, &info, why, sizeof(why)) != 0)
		unit_fail(__FILE__, __LINE__, "refused: %s", why);
	CHECK_EQ_U64(info.sequence, 42);
	CHECK_EQ_U64(info.time_ns, 42 * 1000000007ull);
	CHECK_EQ_U64(info.app_count, 3);
	CHECK_EQ_U64(info.total_len, total);

	snapshot_iter_init(it, d.data, &info);
	while ((r = snapshot_next_app(it, &got)) == 1) {
		make_app(&want, test_slots[n], test_names[n], 10 + n);
		CHECK_EQ_U64(got.pid, want.pid);
		CHECK_STR(got.name, want.name);
		CHECK_STR(got.path, want.path);
		CHECK_EQ_U64(got.slot, want.slot);
		CHECK_EQ_U64(got.flags, want.flags);
		CHECK_EQ_U64(got.opts.trace, want.opts.trace);
		CHECK_EQ_U64(got.opts.nofb, want.opts.nofb);
		CHECK_EQ_U64(got.opts.restart, want.opts.restart);
		CHECK_EQ_U64(got.opts.budget_ms, want.opts.budget_ms);
		CHECK_EQ_U64(got.opts.quota, want.opts.quota);
		CHECK_EQ_U64(got.opts.nosys, want.opts.nosys);
		CHECK_EQ_U64(got.opts.admin, want.opts.admin);
		CHECK_EQ_U64(got.opts.disk, want.opts.disk);
		CHECK_EQ_U64(got.opts.spawn, want.opts.spawn);
		CHECK_EQ_U64(got.store, want.store);
		CHECK_EQ_U64(got.input_seen, want.input_seen);
		CHECK(got.input_seen > 0);
		CHECK_EQ_U64(got.win_x, want.win_x);
		CHECK(got.win_x < 0);
		CHECK_EQ_U64(got.win_y, want.win_y);
		CHECK_EQ_U64(got.win_width, want.win_width);
		CHECK_EQ_U64(got.win_height, want.win_height);
		CHECK_EQ_U64(got.win_flags, want.win_flags);
		CHECK_EQ_U64(got.win_z, want.win_z);
		CHECK_EQ_U64(got.file_size, want.file_size);
		CHECK_EQ_U64(got.file_hash, want.file_hash);
		CHECK_EQ_U64(got.arena_mapped, want.arena_mapped);
		CHECK_EQ_U64(got.heap_free_list, want.heap_free_list);
		CHECK_EQ_U64(got.heap_used, want.heap_used);
		CHECK_EQ_U64(got.heap_size, want.heap_size);
		CHECK_EQ_U64(got.heap_region_count, want.heap_region_count);
		CHECK(memcmp(got.heap_regions, want.heap_regions, sizeof(want.heap_regions)) == 0);
		for (j = 0; (r = snapshot_next_region(it, &va, &data, &len)) == 1; j++) {
			if (j >= ARRAY_LEN(big_regions))
				break;
			CHECK_EQ_U64(va, exec_home(got.slot) + big_regions[j].offset);
			CHECK_EQ_U64(len, big_regions[j].len);
			fill(expect, len, n * 100 + j + 42);
			CHECK(memcmp(data, expect, len) == 0);
			CHECK(data >= d.data && data + len <= d.data + total);
		}
		CHECK_EQ_U64(r, 0);
		CHECK_EQ_U64(j, ARRAY_LEN(big_regions));
		n++;
	}
	CHECK_EQ_U64(r, 0);
	CHECK_EQ_U64(n, 3);

	/* next_app skips the regions nobody asked for. */
	snapshot_iter_init(it, d.data, &info);
	for (n = 0; snapshot_next_app(it, &got) == 1; n++)
		CHECK_STR(got.name, test_names[n]);
	CHECK_EQ_U64(n, 3);
	CHECK(!it->failed);

	/* No apps at all is a valid (empty) snapshot. */
	disk_free(&d);
	total = write_snapshot(&d, 1, 0, 0);
	CHECK_EQ_U64(total, SNAPSHOT_HEADER_SIZE);
	CHECK(snapshot_check(d.data, d.size, &info, why, sizeof(why)) == 0);
	CHECK_EQ_U64(info.app_count, 0);
	disk_free(&d);
	free(it);
	free(expect);
}

void snapshot_sum_is_the_same_however_the_bytes_are_split(void)
{
	uint8_t buf[1000];
	struct snapshot_hash s;
	uint64_t whole;
	uint32_t x = 1;

	fill(buf, sizeof(buf), 9);
	whole = snapshot_hash_bytes(buf, sizeof(buf));
	for (int round = 0; round < 200; round++) {
		uint64_t at = 0;

		snapshot_hash_init(&s);
		while (at < sizeof(buf)) {
			uint64_t n;

			x = x * 1103515245u + 12345u;
			n = MIN((x >> 16) % 20, sizeof(buf) - at);
			snapshot_hash_update(&s, buf + at, n);
			at += n;
		}
		CHECK_EQ_U64(snapshot_hash_final(&s), whole);
	}
	/* A trailing zero byte, or one byte changed, is another file. */
	CHECK(snapshot_hash_bytes(buf, 999) != snapshot_hash_bytes(buf, 1000));
	buf[500] ^= 0x10;
	CHECK(snapshot_hash_bytes(buf, 1000) != whole);
	CHECK(snapshot_hash_bytes("", 0) != snapshot_hash_bytes("\0", 1));
	CHECK(snapshot_hash_bytes("ab", 2) != snapshot_hash_bytes("ab\0", 3));
	memset(buf, 0, 16);
	CHECK(snapshot_hash_bytes(buf, 7) != snapshot_hash_bytes(buf, 8));
	CHECK(snapshot_hash_bytes(buf, 8) != snapshot_hash_bytes(buf, 16));
}

void snapshot_cut_at_every_length_is_refused_as_truncated(void)
{
	struct disk d = { 0 };
	struct snapshot_info info;
	uint64_t total = write_snapshot(&d, 5, 3, 0), n, refused = 0, named = 0;
	char why[128], want[64];

	for (n = 0; n < total; n++) {
		why[0] = '\0';
		if (snapshot_check(d.data, n, &info, why, sizeof(why)) != 0)
			refused++;
		snprintf(want, sizeof(want), "truncated at byte %llu", (unsigned long long)n);
		if (strstr(why, want))
			named++;
	}
	CHECK_EQ_U64(refused, total);
	CHECK_EQ_U64(named, total);
	CHECK(snapshot_check(d.data, total, &info, why, sizeof(why)) == 0);
	disk_free(&d);
}

void snapshot_every_single_bit_flip_is_refused(void)
{
	struct disk d = { 0 };
	struct snapshot_info info;
	uint64_t total = write_snapshot(&d, 77, 2, 1), bit, accepted = 0;
	char why[128];

	CHECK(total < 4096);
	CHECK(snapshot_check(d.data, total, &info, why, sizeof(why)) == 0);
	for (bit = 0; bit < total * 8; bit++) {
		d.data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		why[0] = '\0';
		if (snapshot_check(d.data, total, &info, why, sizeof(why)) == 0) {
			if (accepted++ < 5)
				unit_fail(__FILE__, __LINE__, "flip of bit %llu accepted", (unsigned long long)bit);
		} else if (why[0] == '\0') {
			unit_fail(__FILE__, __LINE__, "flip of bit %llu refused without a reason",
			    (unsigned long long)bit);
		}
		d.data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CHECK_EQ_U64(accepted, 0);
	CHECK(snapshot_check(d.data, total, &info, why, sizeof(why)) == 0);
	disk_free(&d);
}

static void check_reason(const uint8_t *buf, uint64_t size, const char *want, int line)
{
	struct snapshot_info info;
	char why[128] = "";

	if (snapshot_check(buf, size, &info, why, sizeof(why)) == 0)
		unit_fail(__FILE__, line, "accepted, wanted \"%s\"", want);
	else if (!strstr(why, want))
		unit_fail(__FILE__, line, "reason \"%s\" lacks \"%s\"", why, want);
}

void snapshot_refusals_say_what_is_wrong(void)
{
	struct disk d = { 0 };
	uint64_t total = write_snapshot(&d, 3, 2, 0);
	uint8_t *copy = malloc(total);
	uint64_t region0 = SNAPSHOT_HEADER_SIZE + SNAPSHOT_APP_CHUNK;	/* app 1's first region */

#define DAMAGED(off, val, want) do {				\
	memcpy(copy, d.data, total);				\
	copy[off] ^= (val);					\
	check_reason(copy, total, want, __LINE__);		\
} while (0)
	DAMAGED(0, 1, "bad magic");
	DAMAGED(8, 4, "format version 7 (this kernel reads 1 to 3)");
	DAMAGED(20, 1, "header checksum mismatch");
	DAMAGED(region0 + SNAPSHOT_REGION_HEAD + 100, 4, "app 1 (counter) at byte");
	DAMAGED(region0 + SNAPSHOT_REGION_HEAD + 100, 4, "checksum mismatch");
	DAMAGED(SNAPSHOT_HEADER_SIZE + 16, 0x40, "app 1 (?) at byte 64: name");
	memcpy(copy, d.data, total);
	check_reason(copy, total - 1, "truncated at byte", __LINE__);
	check_reason(copy, 3, "truncated at byte 3", __LINE__);
#undef DAMAGED
	free(copy);
	disk_free(&d);
}

/* Expects the writer to refuse `a` (or its regions) with `want`. */
static void writer_refuses(const struct snapshot_app *a, uint64_t va, uint64_t len, const char *want,
    int line)
{
	struct disk d = { 0 };
	struct snapshot_writer *w = calloc(1, sizeof(*w));
	static uint8_t bytes[64];
	int r;

	snapshot_begin(w, 1, 0, disk_sink, &d);
	r = snapshot_app(w, a);
	if (r == 0 && len)
		r = snapshot_region(w, va, bytes, len);
	if (r == 0 && len)		/* the same again: overlaps */
		r = snapshot_region(w, va, bytes, len);
	if (r == 0)
		r = snapshot_end(w);
	if (r == 0)
		unit_fail(__FILE__, line, "writer accepted, wanted \"%s\"", want);
	else if (!strstr(w->why, want))
		unit_fail(__FILE__, line, "writer said \"%s\", wanted \"%s\"", w->why, want);
	CHECK(snapshot_end(w) == -1);		/* failed stays failed */
	free(w);
	disk_free(&d);
}

void snapshot_writer_refuses_apps_and_regions_the_reader_would_refuse(void)
{
	struct snapshot_app a;
	uint64_t home = exec_home(3);
	struct disk d = { 0 };
	struct snapshot_writer *w = calloc(1, sizeof(*w));

	make_app(&a, 3, "ok", 1);
	strcpy(a.name, "bad name");
	writer_refuses(&a, 0, 0, "name", __LINE__);
	make_app(&a, 3, "ok", 1);
	memset(a.name, 'x', sizeof(a.name));		/* no NUL */
	writer_refuses(&a, 0, 0, "name", __LINE__);
	make_app(&a, 3, "ok", 1);
	strcpy(a.path, "/fomos/../x.app");
	writer_refuses(&a, 0, 0, "path", __LINE__);
	make_app(&a, 3, "ok", 1);
	a.store = exec_home(4);
	writer_refuses(&a, 0, 0, "store", __LINE__);
	make_app(&a, 3, "ok", 1);
	a.slot = EXEC_MAX_SLOTS;
	writer_refuses(&a, 0, 0, "slot", __LINE__);
	make_app(&a, 3, "ok", 1);
	a.opts.quota = APP_QUOTA_MAX + 1;
	writer_refuses(&a, 0, 0, "options", __LINE__);
	make_app(&a, 3, "ok", 1);
	a.opts.disk = APP_DISK_MAX + 1;
	writer_refuses(&a, 0, 0, "options", __LINE__);
	make_app(&a, 3, "ok", 1);
	a.opts.spawn = APP_SPAWN_MAX + 1;
	writer_refuses(&a, 0, 0, "options", __LINE__);
	make_app(&a, 3, "ok", 1);
	a.arena_mapped = a.opts.quota + 4096;
	writer_refuses(&a, 0, 0, "quota", __LINE__);
	make_app(&a, 3, "ok", 1);
	a.heap_regions[1].end += 1 << 20;
	writer_refuses(&a, 0, 0, "outside the arena", __LINE__);
	make_app(&a, 3, "ok", 1);
	writer_refuses(&a, home - 1, 8, "outside its home", __LINE__);
	writer_refuses(&a, home + EXEC_HOME_SIZE - 4, 8, "outside its home", __LINE__);
	writer_refuses(&a, home + 100, 8, "overlap", __LINE__);	/* same va twice */

	/* Two apps in one home; a region before any app; a failing disk. */
	snapshot_begin(w, 1, 0, disk_sink, &d);
	CHECK(snapshot_app(w, &a) == 0);
	CHECK(snapshot_app(w, &a) == -1);
	CHECK(strstr(w->why, "two apps in one home") != NULL);
	snapshot_begin(w, 1, 0, disk_sink, &d);
	CHECK(snapshot_region(w, home, "x", 1) == -1);
	d.armed = 1;
	d.budget = 100;
	snapshot_begin(w, 1, 0, disk_sink, &d);
	CHECK(snapshot_app(w, &a) == -1);
	CHECK(strstr(w->why, "failed") != NULL);
	CHECK(snapshot_end(w) == -1);
	free(w);
	disk_free(&d);
}

void snapshot_load_takes_the_newest_valid_slot_and_save_the_other_even_across_wrap(void)
{
	struct snapshot_info a = { 0 }, b = { 0 };
	uint64_t seq = 0;

	/* Nothing valid: resume nothing, save slot 0 as number 1. */
	CHECK_EQ_U64(snapshot_pick_load(NULL, NULL), (uint64_t)-1);
	CHECK_EQ_U64(snapshot_pick_save(NULL, NULL, &seq), 0);
	CHECK_EQ_U64(seq, 1);
	/* One valid: load it, save over the other. */
	a.sequence = 8;
	CHECK_EQ_U64(snapshot_pick_load(&a, NULL), 0);
	CHECK_EQ_U64(snapshot_pick_save(&a, NULL, &seq), 1);
	CHECK_EQ_U64(seq, 9);
	CHECK_EQ_U64(snapshot_pick_load(NULL, &a), 1);
	CHECK_EQ_U64(snapshot_pick_save(NULL, &a, &seq), 0);
	CHECK_EQ_U64(seq, 9);
	/* Two valid: the higher number wins, the save replaces the older. */
	b.sequence = 9;
	CHECK_EQ_U64(snapshot_pick_load(&a, &b), 1);
	CHECK_EQ_U64(snapshot_pick_save(&a, &b, &seq), 0);
	CHECK_EQ_U64(seq, 10);
	CHECK_EQ_U64(snapshot_pick_load(&b, &a), 0);
	CHECK_EQ_U64(snapshot_pick_save(&b, &a, &seq), 1);
	CHECK_EQ_U64(seq, 10);
	/* Across the wrap, 0 follows UINT64_MAX. */
	a.sequence = UINT64_MAX;
	b.sequence = 0;
	CHECK_EQ_U64(snapshot_pick_load(&a, &b), 1);
	CHECK_EQ_U64(snapshot_pick_save(&a, &b, &seq), 0);
	CHECK_EQ_U64(seq, 1);
	CHECK_EQ_U64(snapshot_pick_save(&a, NULL, &seq), 1);
	CHECK_EQ_U64(seq, 0);
	/* Equal numbers (never written so): slot 0, and the save goes to 1. */
	b.sequence = a.sequence;
	CHECK_EQ_U64(snapshot_pick_load(&a, &b), 0);
	CHECK_EQ_U64(snapshot_pick_save(&a, &b, &seq), 1);
}

/* Loads the way the kernel will: check both slots, pick the newest valid. */
static int load_slot(struct disk *slot0, struct disk *slot1, struct snapshot_info *got)
{
	struct snapshot_info i0, i1;
	char why[128];
	int ok0 = snapshot_check(slot0->data, slot0->size, &i0, why, sizeof(why)) == 0;
	int ok1 = snapshot_check(slot1->data, slot1->size, &i1, why, sizeof(why)) == 0;
	int pick = snapshot_pick_load(ok0 ? &i0 : NULL, ok1 ? &i1 : NULL);

	if (pick >= 0)
		*got = pick ? i1 : i0;
	return pick;
}

void snapshot_power_cut_during_a_save_leaves_the_previous_snapshot_loadable(void)
{
	struct disk slot0 = { 0 }, slot1 = { 0 }, fresh = { 0 };
	struct snapshot_info got;
	uint8_t *old0;
	uint64_t old_size, new_size, cut, newer = 0, older = 0;

	/* slot0 holds number 1 (3 apps), slot1 number 2, the newest.  Save 3
	 * goes to slot0, over the old bytes; its body is smaller (1 app), so
	 * the old file's tail stays behind it on the disk. */
	old_size = write_snapshot(&slot0, 1, 3, 0);
	write_snapshot(&slot1, 2, 2, 0);
	new_size = write_snapshot(&fresh, 3, 1, 0);
	CHECK(new_size < old_size);
	CHECK_EQ_U64(load_slot(&slot0, &slot1, &got), 1);
	CHECK_EQ_U64(got.sequence, 2);
	old0 = malloc(old_size);
	memcpy(old0, slot0.data, old_size);

	/* The power goes after every possible number of bytes: each step of
	 * 7 bytes through the body, and every byte of the header. */
	for (cut = 0; cut <= new_size; cut += (cut >= new_size - SNAPSHOT_HEADER_SIZE ? 1 : 7)) {
		memcpy(slot0.data, old0, old_size);
		slot0.size = old_size;
		slot0.armed = 1;
		slot0.budget = cut;
		write_snapshot(&slot0, 3, 1, 0);
		slot0.armed = 0;
		if (load_slot(&slot0, &slot1, &got) < 0) {
			unit_fail(__FILE__, __LINE__, "cut at %llu: nothing loadable", (unsigned long long)cut);
			continue;
		}
		if (got.sequence == 3) {
			/* Only a save that got all the way through counts. */
			CHECK_EQ_U64(cut, new_size);
			CHECK_EQ_U64(got.app_count, 1);
			newer++;
		} else {
			CHECK_EQ_U64(got.sequence, 2);
			CHECK_EQ_U64(got.app_count, 2);
			older++;
		}
	}
	CHECK_EQ_U64(newer, 1);
	CHECK(older > 100);

	/* The saved slot0 (number 3) is newest now; the old tail past its
	 * total length is ignored. */
	CHECK(slot0.size == old_size);
	CHECK_EQ_U64(load_slot(&slot0, &slot1, &got), 0);
	CHECK_EQ_U64(got.total_len, new_size);
	free(old0);
	disk_free(&slot0);
	disk_free(&slot1);
	disk_free(&fresh);
}

/* --- version 1: snapshots saved before the OPTS record ---------------------- */

static void le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* x86: little-endian already */
}

static void le64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* One app, "notes" (slot 5, pid 42), with one region, laid out by hand as
 * snapshot.h describes version 1.  Returns the file's length. */
static uint64_t write_v1(uint8_t *f)
{
	static const char msg[] = "saved by version 1";
	uint64_t arena = exec_home(5) + EXEC_ARENA_OFFSET;
	uint8_t *app = f + SNAPSHOT_HEADER_SIZE, *reg = app + SNAPSHOT_APP_CHUNK_V1, *end = reg + 24 + 24;
	struct snapshot_hash body;
	uint64_t len = (uint64_t)(end + SNAPSHOT_END_CHUNK - f);

	memset(f, 0, len);
	le32(app, 0x31505041);			/* "APP1" */
	le32(app + 4, SNAPSHOT_APP_CHUNK_V1);
	le64(app + 8, 42);
	memcpy(app + 16, "notes", 5);
	memcpy(app + 48, "/fomos/apps/notes.app", 21);
	le32(app + 144, 5);
	le32(app + 148, SNAPSHOT_APP_FOCUSED);
	app[152] = 1;				/* trace */
	app[154] = 1;				/* restart */
	le32(app + 156, 250);			/* budget_ms */
	le64(app + 160, 16ull << 20);		/* quota */
	le64(app + 168, arena + 0x20);		/* store */
	le32(app + 176, (uint32_t)-3);
	le32(app + 180, 40);
	le32(app + 184, 320);
	le32(app + 188, 200);
	le32(app + 192, 1);
	le32(app + 196, 2);
	le64(app + 200, 8192);
	le64(app + 208, snapshot_hash_bytes("notes", 5));
	le64(app + 216, 64 << 10);		/* arena mapped */
	le64(app + 224, arena + 0x40);		/* free list */
	le64(app + 232, 0x40);
	le64(app + 240, 64 << 10);
	le32(app + 248, 1);
	le64(app + 256, arena);
	le64(app + 264, arena + (64 << 10));
	le32(reg, 0x4e474552);			/* "REGN" */
	le64(reg + 8, arena + 0x20);
	le64(reg + 16, sizeof(msg));		/* 19 bytes, zeros to 24 */
	memcpy(reg + 24, msg, sizeof(msg));
	le32(end, 0x444e4541);			/* "AEND" */
	le32(end + 4, 1);
	le64(end + 8, sizeof(msg));
	le64(end + 16, snapshot_hash_bytes(app, (uint64_t)(end + 16 - app)));
	snapshot_hash_init(&body);
	snapshot_hash_update(&body, end + 16, 8);
	le64(f, SNAPSHOT_MAGIC);
	le32(f + 8, 1);
	le32(f + 12, SNAPSHOT_HEADER_SIZE);
	le64(f + 16, 9);			/* sequence */
	le32(f + 24, 1);			/* apps */
	le64(f + 32, len);
	le64(f + 40, snapshot_hash_final(&body));
	le64(f + 48, 123456789);		/* time_ns */
	le64(f + 56, snapshot_hash_bytes(f, 56));
	return len;
}

void snapshot_saved_by_version_1_still_resumes_with_default_new_options(void)
{
	uint64_t base = exec_home_base, len, va, n, bit, accepted = 0;
	struct snapshot_iter *it = calloc(1, sizeof(*it));
	struct snapshot_info info;
	struct snapshot_app a;
	const uint8_t *data;
	uint8_t f[1024];
	char why[128] = "";

	/* The homes where version 1's writer put them when it wrote the
	 * file this one is checked against. */
	exec_home_base = EXEC_HOME_BASE;
	len = write_v1(f);
	CHECK_EQ_U64(len, 904);
	/* Byte for byte what version 1's own writer (commit e2aea4e) wrote. */
	CHECK_EQ_U64(snapshot_hash_bytes(f, len), 0x24d048d6fb62051full);

	if (snapshot_check(f, len, &info, why, sizeof(why)) != 0)
		unit_fail(__FILE__, __LINE__, "refused: %s", why);
	CHECK_EQ_U64(info.sequence, 9);
	CHECK_EQ_U64(info.time_ns, 123456789);
	CHECK_EQ_U64(info.app_count, 1);
	snapshot_iter_init(it, f, &info);
	CHECK_EQ_U64(snapshot_next_app(it, &a), 1);
	CHECK_EQ_U64(a.pid, 42);
	CHECK_STR(a.name, "notes");
	CHECK_STR(a.path, "/fomos/apps/notes.app");
	CHECK_EQ_U64(a.slot, 5);
	CHECK_EQ_U64(a.store, exec_home(5) + EXEC_ARENA_OFFSET + 0x20);
	CHECK_EQ_U64(a.win_x, (uint64_t)-3);
	CHECK_EQ_U64(a.heap_region_count, 1);
	/* What version 1 saved... */
	CHECK_EQ_U64(a.opts.trace, 1);
	CHECK_EQ_U64(a.opts.nofb, 0);
	CHECK_EQ_U64(a.opts.restart, 1);
	CHECK_EQ_U64(a.opts.budget_ms, 250);
	CHECK_EQ_U64(a.opts.quota, 16ull << 20);
	/* ...and the least privilege for what it did not. */
	CHECK_EQ_U64(a.opts.nosys, 0);
	CHECK_EQ_U64(a.opts.admin, 0);
	CHECK_EQ_U64(a.opts.disk, APP_DISK_DEFAULT);
	CHECK_EQ_U64(a.opts.spawn, APP_SPAWN_DEFAULT);
	CHECK_EQ_U64(snapshot_next_region(it, &va, &data, &n), 1);
	CHECK_EQ_U64(va, exec_home(5) + EXEC_ARENA_OFFSET + 0x20);
	CHECK_EQ_U64(n, 19);
	CHECK(memcmp(data, "saved by version 1", 19) == 0);
	CHECK_EQ_U64(snapshot_next_region(it, &va, &data, &n), 0);
	CHECK_EQ_U64(snapshot_next_app(it, &a), 0);
	CHECK(!it->failed);

	/* An old snapshot is checked as closely as a new one. */
	for (bit = 0; bit < len * 8; bit++) {
		f[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (snapshot_check(f, len, &info, why, sizeof(why)) == 0 && accepted++ < 5)
			unit_fail(__FILE__, __LINE__, "flip of bit %llu accepted", (unsigned long long)bit);
		f[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	CHECK_EQ_U64(accepted, 0);
	/* Records of one version under the header of the other are refused. */
	le32(f + 8, 2);
	le64(f + 56, snapshot_hash_bytes(f, 56));
	check_reason(f, len, "not an app record", __LINE__);
	exec_home_base = base;
	free(it);
}

void snapshot_header_version_must_match_its_records(void)
{
	struct disk d = { 0 };
	uint64_t total = write_snapshot(&d, 4, 1, 1), sum;

	d.data[8] = 1;
	sum = snapshot_hash_bytes(d.data, 56);
	memcpy(d.data + 56, &sum, 8);
	check_reason(d.data, total, "not an app record", __LINE__);
	d.data[8] = 0;
	sum = snapshot_hash_bytes(d.data, 56);
	memcpy(d.data + 56, &sum, 8);
	check_reason(d.data, total, "format version 0 (this kernel reads 1 to 3)", __LINE__);
	disk_free(&d);
}

/* Version 2 wrote zeros where version 3 keeps the apps' input counts: the
 * same bytes under a version-2 header read as count 0; a count there is
 * refused, since version 2 never wrote one. */
void snapshot_version_2_reads_as_input_count_0_and_refuses_a_count(void)
{
	struct snapshot_iter *it = calloc(1, sizeof(*it));
	struct snapshot_info info;
	struct snapshot_app a;
	char why[128] = "";
	struct disk d = { 0 }, e = { 0 };
	uint64_t total, sum;

	test_input_base = 0;
	total = write_snapshot(&d, 5, 2, 1);
	test_input_base = 1000000;
	CHECK_EQ_U64(d.data[8], 3);
	d.data[8] = 2;
	sum = snapshot_hash_bytes(d.data, 56);
	memcpy(d.data + 56, &sum, 8);
	if (snapshot_check(d.data, total, &info, why, sizeof(why)) != 0)
		unit_fail(__FILE__, __LINE__, "refused: %s", why);
	snapshot_iter_init(it, d.data, &info);
	CHECK_EQ_U64(snapshot_next_app(it, &a), 1);
	CHECK_EQ_U64(a.input_seen, 0);

	total = write_snapshot(&e, 5, 2, 1);
	e.data[8] = 2;
	sum = snapshot_hash_bytes(e.data, 56);
	memcpy(e.data + 56, &sum, 8);
	check_reason(e.data, total, "bad init options", __LINE__);
	disk_free(&d);
	disk_free(&e);
	free(it);
}
