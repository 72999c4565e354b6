/*
 * libFuzzer target for kernel/fs/fat.c: the input is a disk.  Finding and
 * mounting the volume, listing every folder (a few levels down), reading
 * every file, then writing, making a folder and deleting on a copy must
 * never crash, hang or touch memory outside the disk, whatever the bytes.
 *
 *	build/fuzz/fuzz_fat -max_total_time=60 test/fuzz/corpus/fat
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fat.h"

struct fuzz_disk {
	uint8_t *data;
	uint64_t sectors;
};

static int fuzz_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	struct fuzz_disk *d = ctx;

	if (lba > d->sectors || n > d->sectors - lba)
		return -1;
	memcpy(buf, d->data + lba * FAT_SECTOR, (size_t)n * FAT_SECTOR);
	return 0;
}

static int fuzz_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	struct fuzz_disk *d = ctx;

	if (lba > d->sectors || n > d->sectors - lba)
		return -1;
	memcpy(d->data + lba * FAT_SECTOR, buf, (size_t)n * FAT_SECTOR);
	return 0;
}

static struct fat_vol vol;
static uint8_t filebuf[1 << 16];
static int nvisits;

static void fuzz_walk(const char *dir);

static int fuzz_entry(void *arg, const char *name, int is_dir, uint64_t size)
{
	const char *dir = arg;
	char path[1024];

	if (++nvisits > 200)
		return 1;
	if (strlen(name) == 0 || strlen(name) > 765 || strchr(name, '/'))
		abort();	/* a name must be one path component */
	snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", name);
	if (is_dir) {
		if (strlen(path) < 300)
			fuzz_walk(path);
	} else {
		int64_t n = fat_read(&vol, path, 0, filebuf, sizeof(filebuf));

		/* Not compared with size: a damaged folder may hold two entries
		 * with one name, and the lookup finds the first. */
		if (n > (int64_t)sizeof(filebuf))
			abort();
	}
	return 0;
}

static void fuzz_walk(const char *dir)
{
	static int level;

	if (level >= 3)
		return;
	level++;
	fat_list(&vol, dir, fuzz_entry, (void *)dir);
	level--;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_disk d;
	struct fat_io io = { &d, fuzz_read, fuzz_write, NULL, NULL };
	uint64_t start, count;
	char why[128];
	static const char text[] = "fuzz wrote this";

	if (size < FAT_SECTOR || size > (4u << 20))
		return 0;
	d.sectors = size / FAT_SECTOR;
	d.data = malloc(d.sectors * FAT_SECTOR);
	memcpy(d.data, data, d.sectors * FAT_SECTOR);
	nvisits = 0;
	if (fat_find(&io, d.sectors, &start, &count, why, sizeof(why)) == 0 &&
	    fat_mount(&vol, &io, start, count, 0, why, sizeof(why)) == 0) {
		fuzz_walk("/");
		/* On the copy, read-write. */
		if (fat_mount(&vol, &io, start, count, 1, why, sizeof(why)) == 0) {
			fat_write(&vol, "/fomos/data/fuzz/A long file name.txt", 100, text,
			    sizeof(text), FAT_CREATE | FAT_PARENTS);
			fat_write(&vol, "/A.TXT", 0, text, sizeof(text), FAT_CREATE | FAT_TRUNCATE);
			/* Batched writes (the file service's way): the cache holds the
			 * FAT and entry changes until the sync. */
			for (int i = 0; i < 4; i++)
				fat_write(&vol, "/fomos/state/slot0.snap", (uint64_t)i * sizeof(text), text,
				    sizeof(text), FAT_CREATE | FAT_PARENTS | FAT_NOSYNC);
			fat_sync(&vol);
			fat_mkdir(&vol, "/new folder", 0);
			fat_truncate(&vol, "/A.TXT", 3);
			fat_delete(&vol, "/fomos/data/fuzz/A long file name.txt");
			nvisits = 0;
			fuzz_walk("/");
		}
	} else if (why[0] == 0) {
		abort();	/* a refusal always says why */
	}
	free(d.data);
	return 0;
}
