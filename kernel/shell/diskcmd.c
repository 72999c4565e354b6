/*
 * The `disk` command: lists the disks (drivers/blk.h), reads a range with
 * many requests in flight and prints its CRC-32 (`disk sum`, the same as
 * `crc32` on the host), or writes a pattern over a scratch disk and reads
 * it back (`disk wtest`, refused on any disk holding a FAT volume or a
 * partition table).  Kernel only.
 */
#include "blk.h"
#include "cmd.h"
#include "kcmds.h"
#include "lib.h"
#include "pmm.h"
#include "timer.h"

#define DISK_WTEST_MAX	32768ull	/* sectors wtest writes at most: 16 MiB */
#define DISK_CHUNK	128		/* sectors per request: 64 KiB */
#define DISK_DEPTH	32		/* requests in flight */

static uint32_t disk_crc_table[256];

/* CRC-32 as zlib computes it (reflected, polynomial 0xedb88320). */
static uint32_t disk_crc32(uint32_t crc, const uint8_t *p, uint64_t n)
{
	if (!disk_crc_table[1]) {
		uint32_t i, j, c;

		for (i = 0; i < 256; i++) {
			for (c = i, j = 0; j < 8; j++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			disk_crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (n--)
		crc = disk_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static int disk_crc_consume(void *arg, uint64_t sector, uint32_t count, const uint8_t *buf)
{
	uint32_t *crc = arg;

	*crc = disk_crc32(*crc, buf, (uint64_t)count * BLK_SECTOR);
	return 0;
}

/* wtest's pattern: every 8-byte word names its sector and place. */
static uint64_t disk_pattern(uint64_t sector, uint32_t word)
{
	return 0x466f6d6f00000000ull | sector << 6 | word;	/* "omoF" on top */
}

static void disk_fill(void *arg, uint64_t sector, uint32_t count, uint8_t *buf)
{
	uint64_t *w = (uint64_t *)buf;
	uint32_t s, i;

	for (s = 0; s < count; s++)
		for (i = 0; i < BLK_SECTOR / 8; i++)
			*w++ = disk_pattern(sector + s, i);
}

static int disk_check(void *arg, uint64_t sector, uint32_t count, const uint8_t *buf)
{
	const uint64_t *w = (const uint64_t *)buf;
	uint64_t *bad = arg;
	uint32_t s, i;

	for (s = 0; s < count; s++)
		for (i = 0; i < BLK_SECTOR / 8; i++)
			if (*w++ != disk_pattern(sector + s, i)) {
				*bad = sector + s;
				return 1;
			}
	return 0;
}

/* Splits arg at spaces into at most `max` words of fewer than 24 bytes;
 * returns how many, or -1 if there are more or one is longer. */
static int disk_words(const char *arg, char (*w)[24], int max)
{
	int n = 0;

	for (;;) {
		uint32_t len = 0;

		while (*arg == ' ')
			arg++;
		if (!*arg)
			return n;
		if (n == max)
			return -1;
		while (*arg && *arg != ' ') {
			if (len == 23)
				return -1;
			w[n][len++] = *arg++;
		}
		w[n++][len] = 0;
	}
}

static int disk_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000000000000ull)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 1;
}

/* "12.3" MB/s (10^6 bytes per second). */
static void disk_rate(char *buf, uint64_t bytes, uint64_t ns)
{
	uint64_t tenths = bytes * 10000 / MAX(ns, 1);

	fmt_snprintf(buf, 24, "%llu.%llu", tenths / 10, tenths % 10);
}

static void disk_list(struct cmd_out *o)
{
	uint32_t i;

	if (!blk_count())
		cmd_printf(o, "no disks\n");
	for (i = 0; i < blk_count(); i++) {
		struct blk_dev *d = blk_get(i);

		cmd_printf(o, "%s: %llu sectors (%llu MiB), %s, queue depth %u, %u KiB per request%s\n",
		    d->name, d->sectors, d->sectors >> 11, d->read_only ? "ro" : "rw", d->queue_depth,
		    d->max_count / 2, d->dead ? ", given up" : "");
	}
}

static void disk_sum(struct cmd_out *o, struct blk_dev *d, uint64_t first, uint64_t count)
{
	struct blk_pipe p = { 0 };
	uint32_t crc = 0;
	uint64_t t0, ns, where = 0;
	char rate[24];
	int err;

	if (first > d->sectors || count > d->sectors - first || !count) {
		cmd_printf(o, "disk sum: %s has %llu sectors; %llu from %llu is not inside it\n",
		    d->name, d->sectors, count, first);
		return;
	}
	p.d = d;
	p.op = BLK_READ;
	p.depth = DISK_DEPTH;
	p.chunk = DISK_CHUNK;
	p.first = first;
	p.count = count;
	p.consume = disk_crc_consume;
	p.arg = &crc;
	t0 = timer_ns();
	err = blk_pipe_run(&p, &where);
	ns = timer_ns() - t0;
	if (err) {
		cmd_printf(o, "disk sum: %s: read at sector %llu failed: %s\n", d->name, where, blk_strerror(err));
		return;
	}
	disk_rate(rate, count * BLK_SECTOR, ns);
	cmd_printf(o, "disk sum: %s sectors %llu-%llu: crc32 %08x, %s MB/s\n", d->name, first,
	    first + count - 1, crc, rate);
}

/* A FAT boot sector or a partition table (MBR or GPT) in the first two
 * sectors: something a person would not want overwritten. */
static int disk_has_volume(const uint8_t *s)
{
	return (s[510] == 0x55 && s[511] == 0xaa) || !memcmp(s + 512, "EFI PART", 8) ||
	    !memcmp(s + 0x36, "FAT", 3) || !memcmp(s + 0x52, "FAT", 3);
}

static void disk_wtest(struct cmd_out *o, struct blk_dev *d)
{
	struct blk_pipe p = { 0 };
	uint64_t count = MIN(d->sectors, DISK_WTEST_MAX), bad = 0, where = 0, t0, wns, rns;
	uint8_t *head;
	char wrate[24], rrate[24];
	int err;

	if (d->sectors < 2) {
		cmd_printf(o, "disk wtest: %s is too small\n", d->name);
		return;
	}
	head = (uint8_t *)(uintptr_t)pmm_alloc(1);
	if (!head) {
		cmd_printf(o, "disk wtest: out of memory\n");
		return;
	}
	err = blk_read(d, 0, 2, head);
	if (!err && disk_has_volume(head)) {
		cmd_printf(o, "disk wtest: %s holds a FAT volume or a partition table: refused\n", d->name);
		pmm_free((uint64_t)(uintptr_t)head, 1);
		return;
	}
	pmm_free((uint64_t)(uintptr_t)head, 1);
	if (err) {
		cmd_printf(o, "disk wtest: %s: read at sector 0 failed: %s\n", d->name, blk_strerror(err));
		return;
	}
	p.d = d;
	p.op = BLK_WRITE;
	p.depth = DISK_DEPTH;
	p.chunk = DISK_CHUNK;
	p.count = count;
	p.fill = disk_fill;
	t0 = timer_ns();
	if ((err = blk_pipe_run(&p, &where))) {
		cmd_printf(o, "disk wtest: %s: write at sector %llu failed: %s\n", d->name, where, blk_strerror(err));
		return;
	}
	if ((err = blk_flush(d))) {
		cmd_printf(o, "disk wtest: %s: flush failed: %s\n", d->name, blk_strerror(err));
		return;
	}
	wns = timer_ns() - t0;
	p.op = BLK_READ;
	p.fill = NULL;
	p.consume = disk_check;
	p.arg = &bad;
	t0 = timer_ns();
	err = blk_pipe_run(&p, &where);
	rns = timer_ns() - t0;
	if (err == BLK_ECHECK) {
		cmd_printf(o, "disk wtest: %s: sector %llu reads back wrong\n", d->name, bad);
		return;
	}
	if (err) {
		cmd_printf(o, "disk wtest: %s: read at sector %llu failed: %s\n", d->name, where, blk_strerror(err));
		return;
	}
	disk_rate(wrate, count * BLK_SECTOR, wns);
	disk_rate(rrate, count * BLK_SECTOR, rns);
	cmd_printf(o, "disk wtest: %s sectors 0-%llu written, flushed and read back: ok (write %s MB/s, read %s MB/s)\n",
	    d->name, count - 1, wrate, rrate);
}

void disk_cmd(struct cmd_out *o, const char *arg)
{
	char w[4][24];
	int n = disk_words(arg, w, 4);
	struct blk_dev *d;
	uint64_t first = 0, count;

	if (n == 0) {
		disk_list(o);
		return;
	}
	if (n < 2 || (strcmp(w[0], "sum") && strcmp(w[0], "wtest")) ||
	    (!strcmp(w[0], "wtest") && n != 2) || n == 3) {
		cmd_printf(o, "usage: disk [sum NAME [FIRST COUNT] | wtest NAME]\n");
		return;
	}
	if (!(d = blk_find(w[1]))) {
		cmd_printf(o, "disk: no disk named '%s' (try 'disk')\n", w[1]);
		return;
	}
	if (!strcmp(w[0], "wtest")) {
		disk_wtest(o, d);
		return;
	}
	count = d->sectors;
	if (n == 4 && (!disk_number(w[2], &first) || !disk_number(w[3], &count))) {
		cmd_printf(o, "usage: disk sum NAME [FIRST COUNT] (sectors, decimal)\n");
		return;
	}
	disk_sum(o, d, first, count);
}
