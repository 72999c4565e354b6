/*
 * kernel/fs/fat.c and kernel/fs/fpath.c on images in memory.  The images come
 * from test_mkfs() below, a minimal FAT32 formatter written here (not from
 * mkfs.fat, so the unit tests need no tools); test/test_fat.py checks the
 * same code against mkfs.fat, fsck.fat and mtools.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fat.h"
#include "fomos.h"
#include "fpath.h"
#include "unit.h"

struct mem_disk {
	uint8_t *data;
	uint64_t sectors;
	/* Every write, in order, for the write-order test; with log_flushes,
	 * device flushes too, as LOG_FLUSH. */
	uint64_t log[4096];
	uint32_t nlog;
	int fail_reads, log_flushes;
	uint64_t sectors_read;
};

#define LOG_FLUSH	(~0ull)

static int mem_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	struct mem_disk *d = ctx;

	if (d->fail_reads || lba + n > d->sectors)
		return -1;
	memcpy(buf, d->data + lba * 512, (size_t)n * 512);
	d->sectors_read += n;
	return 0;
}

static int mem_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	struct mem_disk *d = ctx;
	uint32_t i;

	if (lba + n > d->sectors)
		return -1;
	memcpy(d->data + lba * 512, buf, (size_t)n * 512);
	for (i = 0; i < n && d->nlog < 4096; i++)
		d->log[d->nlog++] = lba + i;
	return 0;
}

static int mem_flush(void *ctx)
{
	struct mem_disk *d = ctx;

	if (d->log_flushes && d->nlog < 4096)
		d->log[d->nlog++] = LOG_FLUSH;
	return 0;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* A FAT32 volume of `sectors` sectors at `base` of the disk: 32 reserved
 * sectors, FSInfo at 1, two FATs, root at cluster 2. */
static void test_mkfs(uint8_t *disk, uint64_t base, uint32_t sectors, uint32_t spc)
{
	uint8_t *b = disk + base * 512, *fs = b + 512;
	uint32_t fatsz = 1, clusters, i;

	memset(b, 0, (size_t)sectors * 512);
	for (;;) {
		clusters = (sectors - 32 - 2 * fatsz) / spc;
		if ((clusters + 2) * 4 <= fatsz * 512)
			break;
		fatsz++;
	}
	b[0] = 0xEB; b[1] = 0x58; b[2] = 0x90;
	memcpy(b + 3, "FOMOSTST", 8);
	put16(b + 11, 512);
	b[13] = (uint8_t)spc;
	put16(b + 14, 32);
	b[16] = 2;
	b[21] = 0xF8;
	put32(b + 32, sectors);
	put32(b + 36, fatsz);
	put32(b + 44, 2);
	put16(b + 48, 1);
	put16(b + 50, 6);
	b[66] = 0x29;
	memcpy(b + 71, "UNITVOL    ", 11);
	memcpy(b + 82, "FAT32   ", 8);
	b[510] = 0x55; b[511] = 0xAA;
	put32(fs, 0x41615252);
	put32(fs + 484, 0x61417272);
	put32(fs + 488, 0xFFFFFFFF);
	put32(fs + 492, 0xFFFFFFFF);
	put32(fs + 508, 0xAA550000);
	for (i = 0; i < 2; i++) {
		uint8_t *fat = b + (32 + (uint64_t)i * fatsz) * 512;

		put32(fat, 0x0FFFFFF8);
		put32(fat + 4, 0x0FFFFFFF);
		put32(fat + 8, 0x0FFFFFFF);
	}
}

static struct mem_disk *disk_new(uint32_t sectors)
{
	struct mem_disk *d = calloc(1, sizeof(*d));

	d->data = calloc(sectors, 512);
	d->sectors = sectors;
	return d;
}

static void disk_free(struct mem_disk *d)
{
	free(d->data);
	free(d);
}

static struct fat_io disk_io(struct mem_disk *d)
{
	struct fat_io io = { d, mem_read, mem_write, mem_flush, NULL };

	return io;
}

/* A fresh 4 MiB volume, mounted read-write. */
static struct fat_vol *fresh(struct mem_disk **dp, uint32_t spc)
{
	struct fat_vol *v = calloc(1, sizeof(*v));
	struct mem_disk *d = disk_new(8192);
	struct fat_io io = disk_io(d);
	char why[96];

	test_mkfs(d->data, 0, 8192, spc);
	CHECK(fat_mount(v, &io, 0, 8192, 1, why, sizeof(why)) == 0);
	*dp = d;
	return v;
}

static int count_fn(void *arg, const char *name, int is_dir, uint64_t size)
{
	(*(int *)arg)++;
	return 0;
}

void fat_mounts_a_fresh_volume_and_counts_its_free_space(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 1);
	struct fat_stat st;
	int n = 0;

	CHECK_STR(v->label, "UNITVOL");
	CHECK_EQ_U64(v->free_count, v->clusters - 1);	/* the root holds one */
	CHECK(fat_stat(v, "/", &st) == 0 && st.is_dir);
	CHECK(fat_list(v, "/", count_fn, &n) == 0);
	CHECK_EQ_U64(n, 0);
	CHECK_EQ_U64(fat_stat(v, "/nothing", &st), FAT_ENOTFOUND);
	CHECK_EQ_U64(fat_stat(v, "relative", &st), FAT_EPATH);
	CHECK_EQ_U64(fat_stat(v, "/a/../b", &st), FAT_EPATH);
	free(v);
	disk_free(d);
}

/* The raw 32-byte entries of the root's first sector. */
static const uint8_t *root_entry(struct fat_vol *v, struct mem_disk *d, uint32_t i)
{
	return d->data + v->data_start * 512 + i * 32;
}

void fat_long_names_round_trip_with_checksum_and_a_unique_short_name(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 1);
	const uint8_t *e;
	char buf[32];
	uint8_t sum = 0;
	int i;

	CHECK(fat_write(v, "/Hello World.txt", 0, "one", 3, FAT_CREATE) == 3);
	CHECK(fat_write(v, "/Hello Wonderful.txt", 0, "two", 3, FAT_CREATE) == 3);
	CHECK(fat_write(v, "/PLAIN.TXT", 0, "three", 5, FAT_CREATE) == 5);
	/* "Hello World.txt": 15 characters, two LFN entries, then HELLOW~1TXT. */
	e = root_entry(v, d, 0);
	CHECK_EQ_U64(e[0], 0x42);
	CHECK_EQ_U64(e[11], 0x0F);
	CHECK_EQ_U64(root_entry(v, d, 1)[0], 0x01);
	e = root_entry(v, d, 2);
	CHECK(memcmp(e, "HELLOW~1TXT", 11) == 0);
	for (i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + e[i]);
	CHECK_EQ_U64(root_entry(v, d, 0)[13], sum);
	CHECK(memcmp(root_entry(v, d, 5), "HELLOW~2TXT", 11) == 0);
	/* An upper-case 8.3 name is one entry, no LFN. */
	CHECK(memcmp(root_entry(v, d, 6), "PLAIN   TXT", 11) == 0);
	CHECK_EQ_U64(root_entry(v, d, 7)[0], 0);
	/* Found by its long name, in any case, and by its short name. */
	memset(buf, 0, sizeof(buf));
	CHECK(fat_read(v, "/hello world.TXT", 0, buf, sizeof(buf)) == 3);
	CHECK_STR(buf, "one");
	CHECK(fat_read(v, "/HELLOW~2.TXT", 0, buf, sizeof(buf)) == 3);
	CHECK_STR(buf, "two");
	/* After a remount, from the disk alone. */
	{
		struct fat_io io = disk_io(d);
		char why[96];

		CHECK(fat_mount(v, &io, 0, d->sectors, 1, why, sizeof(why)) == 0);
		CHECK(fat_read(v, "/Hello Wonderful.txt", 0, buf, sizeof(buf)) == 3);
		CHECK_STR(buf, "two");
	}
	free(v);
	disk_free(d);
}

struct names {
	int n, dirs;
	char last[300];
};

static int names_fn(void *arg, const char *name, int is_dir, uint64_t size)
{
	struct names *s = arg;

	s->n++;
	s->dirs += is_dir;
	snprintf(s->last, sizeof(s->last), "%s", name);
	return 0;
}

void fat_folder_grows_past_one_cluster_with_many_files(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 1);	/* 512-byte clusters: 16 entries each */
	struct names s = { 0 };
	char path[96], buf[16];
	int i;

	CHECK(fat_mkdir(v, "/fomos/data/many", FAT_PARENTS) == 0);
	for (i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "/fomos/data/many/a file called number %d.txt", i);
		CHECK(fat_write(v, path, 0, path + 31, strlen(path + 31), FAT_CREATE) > 0);
	}
	CHECK(fat_list(v, "/fomos/data/many", names_fn, &s) == 0);
	CHECK_EQ_U64(s.n, 200);
	CHECK_STR(s.last, "a file called number 199.txt");
	memset(buf, 0, sizeof(buf));
	CHECK(fat_read(v, "/fomos/data/many/A FILE CALLED NUMBER 123.TXT", 0, buf, 15) > 0);
	CHECK_STR(buf, "number 123.txt");
	s.n = 0;
	CHECK(fat_list(v, "/fomos/data", names_fn, &s) == 0);
	CHECK(s.n == 1 && s.dirs == 1);
	free(v);
	disk_free(d);
}

void fat_file_grows_over_many_clusters_and_reads_back(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 2);
	uint32_t n = 1000 * 1000 + 123, i, free0 = 0;
	uint8_t *data = malloc(n), *back = malloc(n);
	struct fat_stat st;

	for (i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	free0 = v->free_count;
	/* In uneven pieces, each growing the file. */
	for (i = 0; i < n; i += 77777)
		CHECK(fat_write(v, "/big.bin", i, data + i, i + 77777 > n ? n - i : 77777, FAT_CREATE) > 0);
	CHECK(fat_stat(v, "/big.bin", &st) == 0);
	CHECK_EQ_U64(st.size, n);
	CHECK_EQ_U64(free0 - v->free_count, (n + 1023) / 1024);
	CHECK(fat_read(v, "/big.bin", 0, back, n) == (int64_t)n);
	CHECK(memcmp(data, back, n) == 0);
	CHECK(fat_read(v, "/big.bin", n - 10, back, 100) == 10);
	CHECK(memcmp(back, data + n - 10, 10) == 0);
	/* A write past the end leaves zeros in the gap. */
	CHECK(fat_write(v, "/gap", 3000, "x", 1, FAT_CREATE) == 1);
	CHECK(fat_read(v, "/gap", 0, back, 5000) == 3001);
	CHECK(back[0] == 0 && back[2999] == 0 && back[3000] == 'x');
	/* Shrinking frees clusters. */
	CHECK(fat_truncate(v, "/big.bin", 5000) == 0);
	CHECK(fat_read(v, "/big.bin", 0, back, n) == 5000);
	CHECK(memcmp(back, data, 5000) == 0);
	CHECK_EQ_U64(free0 - v->free_count, 5 + 3);
	free(data);
	free(back);
	free(v);
	disk_free(d);
}

void fat_delete_frees_clusters_for_reuse_and_refuses_full_folders(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 1);
	uint32_t free0 = v->free_count;
	static uint8_t data[20000];
	struct fat_stat st;

	CHECK(fat_write(v, "/d/e/f.bin", 0, data, sizeof(data), FAT_CREATE) == FAT_ENOTFOUND);
	CHECK(fat_write(v, "/d/e/f.bin", 0, data, sizeof(data), FAT_CREATE | FAT_PARENTS) > 0);
	CHECK(fat_delete(v, "/d/e") == FAT_ENOTEMPTY);
	CHECK(fat_delete(v, "/") == FAT_EINVAL);
	CHECK(fat_mkdir(v, "/d/e", 0) == FAT_EEXIST);
	CHECK(fat_write(v, "/d/e", 0, "x", 1, FAT_CREATE) == FAT_EISDIR);
	CHECK(fat_write(v, "/d/e/f.bin/g", 0, "x", 1, FAT_CREATE | FAT_PARENTS) == FAT_ENOTDIR);
	CHECK(fat_delete(v, "/d/e/f.bin") == 0);
	CHECK(fat_delete(v, "/d/e") == 0);
	CHECK(fat_delete(v, "/D") == 0);
	CHECK_EQ_U64(v->free_count, free0);
	CHECK_EQ_U64(fat_stat(v, "/d", &st), FAT_ENOTFOUND);
	/* The freed clusters and slots are used again. */
	CHECK(fat_write(v, "/again.bin", 0, data, sizeof(data), FAT_CREATE) > 0);
	CHECK_EQ_U64(root_entry(v, d, 0)[0] == 0xE5 || root_entry(v, d, 0)[11] == 0x0F, 1);
	CHECK_EQ_U64(free0 - v->free_count, 40);
	/* Filling the disk: refused before anything is written. */
	{
		uint32_t big = (v->free_count + 1) * 512;
		uint8_t *p = calloc(1, big);

		CHECK(fat_write(v, "/huge", 0, p, big, FAT_CREATE) == FAT_ENOSPC);
		CHECK(fat_write(v, "/huge", 0, p, big - 1024, FAT_CREATE) == (int64_t)(big - 1024));
		free(p);
	}
	free(v);
	disk_free(d);
}

void fat_writes_data_then_fat_then_folder_entries(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 1);
	static uint8_t data[4096];
	uint32_t i, last_data = 0, first_fat = ~0u, last_fat = 0, first_dir = ~0u;

	CHECK(fat_write(v, "/x.bin", 0, "a", 1, FAT_CREATE) == 1);
	d->nlog = 0;
	CHECK(fat_write(v, "/x.bin", 1, data, sizeof(data), 0) == sizeof(data));
	for (i = 0; i < d->nlog; i++) {
		uint64_t s = d->log[i];

		if (s >= 32 && s < v->data_start)
			first_fat = first_fat == ~0u ? i : first_fat, last_fat = i;
		else if (s == v->data_start)		/* the root's entries */
			first_dir = first_dir == ~0u ? i : first_dir;
		else if (s > v->data_start)
			last_data = i;
	}
	CHECK(first_fat != ~0u && first_dir != ~0u);
	CHECK(last_data < first_fat);
	CHECK(last_fat < first_dir);
	/* Both FAT copies hold the same. */
	CHECK(memcmp(d->data + 32 * 512, d->data + (32 + v->fat_sectors) * 512,
	    (size_t)v->fat_sectors * 512) == 0);
	/* FSInfo has the real free count. */
	CHECK_EQ_U64(get32(d->data + 512 + 488), v->free_count);
	free(v);
	disk_free(d);
}

/* Mounts a copy of d's bytes as they are now: the disk after a power cut. */
static struct fat_vol *after_power_cut(struct mem_disk *d, struct mem_disk **copy)
{
	struct fat_vol *v = calloc(1, sizeof(*v));
	struct mem_disk *c = disk_new((uint32_t)d->sectors);
	struct fat_io io = disk_io(c);
	char why[96];

	memcpy(c->data, d->data, d->sectors * 512);
	CHECK(fat_mount(v, &io, 0, c->sectors, 1, why, sizeof(why)) == 0);
	*copy = c;
	return v;
}

void fat_nosync_writes_batch_into_one_ordered_sync(void)
{
	struct mem_disk *d, *c;
	struct fat_vol *v = fresh(&d, 1), *cv;
	static uint8_t data[4096], back[10 * 4096];
	uint32_t i, free0 = v->free_count, flushes = 0, fat_at = 0, dir_at = 0;
	struct fat_stat st;

	d->log_flushes = 1;
	d->nlog = 0;
	for (i = 0; i < 10; i++) {
		memset(data, 'a' + (int)i, sizeof(data));
		CHECK(fat_write(v, "/f/x.bin", i * 4096ull, data, sizeof(data),
		    FAT_CREATE | FAT_PARENTS | FAT_NOSYNC) == sizeof(data));
	}
	/* Only data went out: no flush, no FAT, no folder sector. */
	for (i = 0; i < d->nlog; i++)
		CHECK(d->log[i] != LOG_FLUSH && d->log[i] >= v->data_start);
	CHECK(fat_read(v, "/f/x.bin", 0, back, sizeof(back)) == (int64_t)sizeof(back));
	CHECK(back[0] == 'a' && back[sizeof(back) - 1] == 'j');
	/* A power cut now: the file is not there and nothing is lost. */
	cv = after_power_cut(d, &c);
	CHECK_EQ_U64(fat_stat(cv, "/f", &st), FAT_ENOTFOUND);
	CHECK_EQ_U64(cv->free_count, free0);
	free(cv);
	disk_free(c);
	/* The sync: data, flush, FAT (both copies), flush, folders, flush. */
	i = d->nlog;
	CHECK(fat_sync(v) == 0);
	CHECK(d->log[i] == LOG_FLUSH);
	for (i++; i < d->nlog; i++) {
		if (d->log[i] == LOG_FLUSH) {
			flushes++;
		} else if (d->log[i] >= 32 && d->log[i] < v->data_start) {
			CHECK(flushes == 0);
			fat_at++;
		} else {
			CHECK(flushes == 1);
			dir_at++;
		}
	}
	CHECK(fat_at >= 2 && dir_at >= 1 && flushes == 2);
	cv = after_power_cut(d, &c);
	CHECK(fat_stat(cv, "/f/x.bin", &st) == 0);
	CHECK_EQ_U64(st.size, sizeof(back));
	memset(back, 0, sizeof(back));
	CHECK(fat_read(cv, "/f/x.bin", 0, back, sizeof(back)) == (int64_t)sizeof(back));
	CHECK(back[0] == 'a' && back[4096] == 'b' && back[sizeof(back) - 1] == 'j');
	CHECK_EQ_U64(cv->free_count, v->free_count);
	CHECK(v->free_count < free0);
	free(cv);
	disk_free(c);
	free(v);
	disk_free(d);
}

void fat_freed_clusters_are_reused_only_once_the_fat_frees_them_on_disk(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 1);
	static uint8_t data[8192];
	uint32_t first, i, fat_written = 0, flushed = 0, reused = 0;
	uint64_t lba;

	CHECK(fat_write(v, "/A.BIN", 0, data, sizeof(data), FAT_CREATE) == sizeof(data));
	first = (uint32_t)root_entry(v, d, 0)[26] | (uint32_t)root_entry(v, d, 0)[27] << 8;
	CHECK(first >= 3);
	/* Make the allocator look at the file's clusters first: a replace
	 * frees them and would take them straight back. */
	v->next_free = first;
	d->log_flushes = 1;
	d->nlog = 0;
	memset(data, 'z', sizeof(data));
	CHECK(fat_write(v, "/A.BIN", 0, data, sizeof(data), FAT_TRUNCATE | FAT_NOSYNC) == sizeof(data));
	for (i = 0; i < d->nlog; i++) {
		lba = d->log[i];
		if (lba == LOG_FLUSH) {
			flushed = fat_written;
		} else if (lba == 32 || lba == 32 + v->fat_sectors) {
			fat_written = 1;
			flushed = 0;
		} else if (lba >= v->data_start + (first - 2) &&
		    lba < v->data_start + (first - 2) + sizeof(data) / 512) {
			/* Data into an old cluster: its freeing is on the disk. */
			CHECK(flushed);
			reused = 1;
		}
	}
	CHECK(reused);
	CHECK(fat_sync(v) == 0);
	CHECK(fat_read(v, "/A.BIN", 0, data, sizeof(data)) == sizeof(data));
	CHECK(data[0] == 'z' && data[sizeof(data) - 1] == 'z');
	free(v);
	disk_free(d);
}

void fat_appends_in_many_calls_do_not_walk_the_chain_again(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 1);
	static uint8_t data[64 * 1024];
	uint32_t i, calls = 48;	/* 3 MiB: 6144 clusters, 48 FAT sectors, more than the cache */
	struct fat_stat st;

	memset(data, 7, sizeof(data));
	d->sectors_read = 0;
	for (i = 0; i < calls; i++)
		CHECK(fat_write(v, "/big", i * (uint64_t)sizeof(data), data, sizeof(data),
		    FAT_CREATE | FAT_NOSYNC) == sizeof(data));
	CHECK(fat_sync(v) == 0);
	/* Each FAT sector read about once, not the whole chain per call
	 * (which reads over a thousand). */
	CHECK(d->sectors_read < 150);
	CHECK(fat_stat(v, "/big", &st) == 0);
	CHECK_EQ_U64(st.size, calls * (uint64_t)sizeof(data));
	free(v);
	disk_free(d);
}

void fat_corrupt_boot_sectors_are_refused_with_a_reason(void)
{
	static const struct { uint32_t off, size, value; const char *why; } cases[] = {
		{ 510, 1, 0, "signature" },
		{ 11, 2, 1024, "sector size 1024" },
		{ 13, 1, 3, "sectors per cluster 3" },
		{ 13, 1, 0, "sectors per cluster 0" },
		{ 14, 2, 0, "no reserved" },
		{ 16, 1, 0, "FAT count 0" },
		{ 17, 2, 512, "not FAT32" },
		{ 22, 2, 9, "not FAT32" },
		{ 36, 4, 0, "not FAT32" },
		{ 36, 4, 1, "too small" },
		{ 36, 4, 0x7FFFFFFF, "past the end" },
		{ 32, 4, 100000, "larger than" },
		{ 44, 4, 1, "root cluster 1" },
		{ 44, 4, 0x0FFFFFFF, "root cluster" },
		{ 42, 2, 1, "version" },
		{ 40, 2, 0x80, "mirroring" },
	};
	struct mem_disk *d = disk_new(8192);
	struct fat_io io = disk_io(d);
	struct fat_vol *v = calloc(1, sizeof(*v));
	char why[96];
	uint32_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_mkfs(d->data, 0, 8192, 1);
		memcpy(d->data + cases[i].off, &cases[i].value, cases[i].size);
		why[0] = 0;
		CHECK(fat_mount(v, &io, 0, 8192, 1, why, sizeof(why)) < 0);
		if (!strstr(why, cases[i].why))
			unit_fail(__FILE__, __LINE__, "case %u: \"%s\" lacks \"%s\"", i, why, cases[i].why);
	}
	d->fail_reads = 1;
	CHECK_EQ_U64(fat_mount(v, &io, 0, 8192, 1, why, sizeof(why)), FAT_EIO);
	free(v);
	disk_free(d);
}

void fat_chain_loops_and_wild_clusters_are_reported_not_followed(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 1);
	struct fat_io io = disk_io(d);
	static uint8_t data[3000], back[3000];
	uint8_t *fat;
	char why[96];
	struct names s = { 0 };
	uint32_t first;

	CHECK(fat_write(v, "/LOOP.BIN", 0, data, sizeof(data), FAT_CREATE) > 0);
	CHECK(fat_write(v, "/WILD.BIN", 0, data, sizeof(data), FAT_CREATE) > 0);
	CHECK(fat_mkdir(v, "/DIR", 0) == 0);
	fat = d->data + 32 * 512;
	first = root_entry(v, d, 0)[26] | root_entry(v, d, 0)[27] << 8;
	put32(fat + (first + 2) * 4, first);		/* the third cluster points back to the first */
	first = root_entry(v, d, 1)[26] | root_entry(v, d, 1)[27] << 8;
	put32(fat + (first + 1) * 4, 0x0FFFFFF0);	/* out of range */
	first = root_entry(v, d, 2)[26] | root_entry(v, d, 2)[27] << 8;
	put32(fat + first * 4, first);			/* a folder that is its own next cluster */
	CHECK(fat_mount(v, &io, 0, 8192, 1, why, sizeof(why)) == 0);
	CHECK(fat_read(v, "/LOOP.BIN", 0, back, sizeof(back)) == sizeof(back));	/* within its size */
	/* Growing it cuts the chain at its size, so no walk goes round; what is
	 * left is shorter than the size, which the write or a read reports. */
	{
		int64_t w = fat_write(v, "/LOOP.BIN", 5000, "x", 1, 0);
		int64_t r = fat_read(v, "/LOOP.BIN", 0, back, sizeof(back));
		int del;

		CHECK(w == 1 || w == FAT_ECORRUPT);
		CHECK(r == sizeof(back) || r == FAT_ECORRUPT);
		del = fat_delete(v, "/LOOP.BIN");
		CHECK(del == 0 || del == FAT_ECORRUPT);
	}
	CHECK_EQ_U64(fat_read(v, "/WILD.BIN", 0, back, sizeof(back)), FAT_ECORRUPT);
	CHECK_EQ_U64(fat_truncate(v, "/WILD.BIN", 9000), FAT_ECORRUPT);
	/* The looping folder ends at the 65536-entry limit, not never. */
	CHECK(fat_list(v, "/DIR", names_fn, &s) == 0);
	CHECK(s.n == 0);
	/* Empty, so it goes; freeing its chain stops at the loop and says so. */
	CHECK_EQ_U64(fat_delete(v, "/DIR"), FAT_ECORRUPT);
	CHECK_EQ_U64(fat_stat(v, "/DIR", (struct fat_stat *)back), FAT_ENOTFOUND);
	free(v);
	disk_free(d);
}

static void mbr_entry(uint8_t *disk, int i, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *p = disk + 446 + 16 * i;

	p[4] = type;
	put32(p + 8, start);
	put32(p + 12, count);
	disk[510] = 0x55;
	disk[511] = 0xAA;
}

void fat_finds_volumes_raw_and_in_mbr_and_gpt_partitions(void)
{
	static const uint8_t esp[16] = { 0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11,
	    0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B };
	struct mem_disk *d = disk_new(12288);
	struct fat_io io = disk_io(d);
	struct fat_vol *v = calloc(1, sizeof(*v));
	uint64_t start = 0, count = 0;
	char why[96];

	test_mkfs(d->data, 0, 12288, 1);
	CHECK(fat_find(&io, d->sectors, &start, &count, why, sizeof(why)) == 0);
	CHECK(start == 0 && count == 12288);
	/* MBR: a Linux partition, then FAT32 LBA at 2048. */
	memset(d->data, 0, 512);
	test_mkfs(d->data, 2048, 8192, 1);
	mbr_entry(d->data, 0, 0x83, 100, 100);
	mbr_entry(d->data, 1, 0x0C, 2048, 8192);
	CHECK(fat_find(&io, d->sectors, &start, &count, why, sizeof(why)) == 0);
	CHECK(start == 2048 && count == 8192);
	CHECK(fat_mount(v, &io, start, count, 1, why, sizeof(why)) == 0);
	CHECK(fat_write(v, "/in partition", 0, "p", 1, FAT_CREATE) == 1);
	/* A partition past the disk's end is not taken. */
	mbr_entry(d->data, 1, 0x0C, 2048, 20000);
	CHECK(fat_find(&io, d->sectors, &start, &count, why, sizeof(why)) == FAT_ENOTFOUND);
	/* GPT: protective MBR, header at 1, entries at 2, the ESP second. */
	memset(d->data, 0, 3 * 512);
	mbr_entry(d->data, 0, 0xEE, 1, 12287);
	memcpy(d->data + 512, "EFI PART", 8);
	put32(d->data + 512 + 72, 2);
	put32(d->data + 512 + 80, 128);
	put32(d->data + 512 + 84, 128);
	memcpy(d->data + 1024 + 128, esp, 16);
	put32(d->data + 1024 + 128 + 32, 2048);
	put32(d->data + 1024 + 128 + 40, 2048 + 8191);
	CHECK(fat_find(&io, d->sectors, &start, &count, why, sizeof(why)) == 0);
	CHECK(start == 2048 && count == 8192);
	CHECK(fat_mount(v, &io, start, count, 1, why, sizeof(why)) == 0);
	CHECK(fat_read(v, "/IN PARTITION", 0, why, 1) == 1 && why[0] == 'p');
	/* No table at all. */
	memset(d->data, 0, 512);
	CHECK(fat_find(&io, d->sectors, &start, &count, why, sizeof(why)) == FAT_ENOTFOUND);
	CHECK(strstr(why, "no FAT32") != NULL);
	free(v);
	disk_free(d);
}

void fat_read_only_volume_reads_but_refuses_writes(void)
{
	struct mem_disk *d;
	struct fat_vol *v = fresh(&d, 1);
	struct fat_io io = disk_io(d);
	char why[96], buf[4];

	CHECK(fat_write(v, "/A", 0, "abc", 3, FAT_CREATE) == 3);
	CHECK(fat_mount(v, &io, 0, d->sectors, 0, why, sizeof(why)) == 0);
	d->nlog = 0;
	CHECK_EQ_U64(fat_write(v, "/A", 0, "x", 1, 0), FAT_EROFS);
	CHECK_EQ_U64(fat_mkdir(v, "/B", 0), FAT_EROFS);
	CHECK_EQ_U64(fat_delete(v, "/A"), FAT_EROFS);
	CHECK_EQ_U64(fat_truncate(v, "/A", 0), FAT_EROFS);
	CHECK_EQ_U64(fat_sync(v), 0);
	CHECK_EQ_U64(d->nlog, 0);
	CHECK(fat_read(v, "/A", 0, buf, 3) == 3 && memcmp(buf, "abc", 3) == 0);
	free(v);
	disk_free(d);
}

void fpath_turns_app_paths_into_their_data_folder(void)
{
	char out[256];

	CHECK(fpath_app("notes", "a.txt", out, sizeof(out)) == 0);
	CHECK_STR(out, "/fomos/data/notes/a.txt");
	CHECK(fpath_app("notes", "sub dir/b.c.d", out, sizeof(out)) == 0);
	CHECK_STR(out, "/fomos/data/notes/sub dir/b.c.d");
	CHECK(fpath_app("notes", "", out, sizeof(out)) == 0);
	CHECK_STR(out, "/fomos/data/notes");
	CHECK(fpath_app("notes", ".hidden", out, sizeof(out)) == 0);
	CHECK(fpath_app("notes", "caf\xc3\xa9", out, sizeof(out)) == 0);
	CHECK_EQ_U64(fpath_app("notes", "a.txt", out, 23), FOMOS_E_PATH);	/* no room for the NUL */
	CHECK(fpath_app("notes", "a.txt", out, 24) == 0);
}

void fpath_refuses_escapes_and_names_fat_forbids(void)
{
	static const char *bad[] = {
		"..", ".", "../x", "a/../../x", "a/./b", "/etc", "a//b", "a/", "a\\b", "a:b",
		"a*", "a?", "a<b", "a>b", "a|b", "a\"b", "tab\there", "nl\n", "del\x7f",
		"trailing.", "trailing ", "a/b./c",
	};
	char out[256], longname[300];
	uint32_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (fpath_app("app", bad[i], out, sizeof(out)) != FOMOS_E_PATH)
			unit_fail(__FILE__, __LINE__, "\"%s\" was accepted", bad[i]);
	memset(longname, 'x', sizeof(longname));
	longname[128] = 0;
	CHECK_EQ_U64(fpath_app("app", longname, out, sizeof(out)), FOMOS_E_PATH);
	longname[127] = 0;
	CHECK_EQ_U64(fpath_app("app", longname, out, sizeof(out)), 0);
	CHECK_EQ_U64(fpath_app("../app", "x", out, sizeof(out)), FOMOS_E_PATH);
	CHECK_EQ_U64(fpath_app("", "x", out, sizeof(out)), FOMOS_E_PATH);
	CHECK_EQ_U64(fpath_app("a/b", "x", out, sizeof(out)), FOMOS_E_PATH);
	CHECK_EQ_U64(fpath_app("..", "x", out, sizeof(out)), FOMOS_E_PATH);
}
