/*
 * Disk reads through our driver next to the same reads through OVMF's
 * BlockIo, timed by efi/efi_diskbench.c before ExitBootServices: sequential
 * 1 MiB requests over the first 32 MiB, and 1000 random 4 KiB reads (the
 * same offsets: bench_disk_next with the same seed).  BlockIo has one
 * request in flight; we show queue depth 1 (the like-for-like figure) and
 * what keeping many requests in flight adds.  The host has just read the
 * same bytes for the firmware, so both sides read from its page cache.
 *
 * Then writes through the file service, as the snapshot writer does them:
 * a 16 MiB file in 64 KiB files_write_at calls and one files_flush, first
 * as a new file (its clusters allocated as it grows), then rewritten in
 * place, then read back with files_read_at for comparison.
 *
 * A USB stick (QEMU's usb-storage, a copy of the same image) gets the same
 * reads, next to OVMF's USB BlockIo on it; then both disks get raw writes
 * over their last 16 MiB, sequential and random: the benchmark boots
 * throwaway copies of the ESP, and a FAT volume this empty keeps nothing
 * there.
 */
#include "bench_disk.h"
#include "blk.h"
#include "files.h"
#include "fmt.h"
#include "fomos.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "timer.h"

static const struct boot_diskbench *bench_fw, *bench_fw_usb;

void bench_disk_ovmf(const struct boot_diskbench *f, const struct boot_diskbench *usb)
{
	bench_fw = f;
	bench_fw_usb = usb;
}

struct bench_rand {
	uint64_t state, blocks;
	uint64_t first;		/* sector the blocks count from */
};

static uint64_t bench_disk_where(void *arg, uint64_t i)
{
	struct bench_rand *r = arg;

	return r->first + bench_disk_next(&r->state, r->blocks) * (BENCH_DISK_RAND_REQ / BLK_SECTOR);
}

/* ns for a pipeline over d, 0 on an error (logged). */
static uint64_t bench_disk_run(struct blk_pipe *p, const char *what)
{
	uint64_t t0 = timer_ns(), where = 0;
	int err = blk_pipe_run(p, &where);

	if (err) {
		klog("bench: disk %s: %s at sector %llu failed: %s\n", what, p->op == BLK_READ ? "read" : "write",
		    where, blk_strerror(err));
		return 0;
	}
	return MAX(timer_ns() - t0, 1);
}

static uint64_t bench_disk_seq(struct blk_dev *d, uint64_t bytes, uint32_t depth)
{
	struct blk_pipe p = { 0 };

	p.d = d;
	p.op = BLK_READ;
	p.depth = depth;
	p.chunk = BENCH_DISK_SEQ_REQ / BLK_SECTOR;
	p.count = bytes / BLK_SECTOR;
	return bench_disk_run(&p, "sequential");
}

static uint64_t bench_disk_rand(struct blk_dev *d, uint32_t depth)
{
	struct bench_rand r = { BENCH_DISK_SEED, d->sectors / (BENCH_DISK_RAND_REQ / BLK_SECTOR), 0 };
	struct blk_pipe p = { 0 };

	p.d = d;
	p.op = BLK_READ;
	p.depth = depth;
	p.chunk = BENCH_DISK_RAND_REQ / BLK_SECTOR;
	p.requests = BENCH_DISK_RAND_COUNT;
	p.where = bench_disk_where;
	p.arg = &r;
	return bench_disk_run(&p, "random");
}

/* "12.3" from bytes over ns, in MB/s. */
static void bench_mbs(char *buf, uint64_t bytes, uint64_t ns)
{
	uint64_t tenths = ns ? bytes * 10000 / ns : 0;

	fmt_snprintf(buf, 24, "%llu.%llu", tenths / 10, tenths % 10);
}

static uint64_t bench_iops(uint64_t ns)
{
	return ns ? BENCH_DISK_RAND_COUNT * 1000000000ull / ns : 0;
}

#define BENCH_WRITE_FILE	"/fomos/state/bench.tmp"
#define BENCH_WRITE_BYTES	(16ull << 20)
#define BENCH_WRITE_CHUNK	(64u << 10)

/* ns to write (or read back) the bench file in BENCH_WRITE_CHUNK calls,
 * the flush included; 0 on an error (logged). */
static uint64_t bench_disk_file(uint8_t *buf, int write)
{
	uint64_t t0 = timer_ns(), off, got;
	int rc = 0;

	for (off = 0; off < BENCH_WRITE_BYTES && !rc; off += BENCH_WRITE_CHUNK) {
		if (write) {
			buf[0] = (uint8_t)(off >> 16);	/* not the same bytes every time */
			rc = files_write_at(BENCH_WRITE_FILE, off, buf, BENCH_WRITE_CHUNK);
		} else {
			rc = files_read_at(BENCH_WRITE_FILE, off, buf, BENCH_WRITE_CHUNK, &got);
			if (!rc && got != BENCH_WRITE_CHUNK)
				rc = FOMOS_E_IO;
		}
	}
	if (!rc && write)
		rc = files_flush();
	if (rc) {
		klog("bench: disk write: %s %s failed (%d)\n", write ? "writing" : "reading",
		    BENCH_WRITE_FILE, rc);
		return 0;
	}
	return MAX(timer_ns() - t0, 1);
}

static void bench_disk_write(void)
{
	uint64_t t_new, t_rewrite, t_read;
	char s_new[24], s_rewrite[24], s_read[24];
	uint8_t *buf;
	uint32_t i;

	if (!files_writable()) {
		klog("bench: disk write: no writable boot volume\n");
		return;
	}
	buf = kmalloc(BENCH_WRITE_CHUNK);
	if (!buf) {
		klog("bench: disk write: no memory\n");
		return;
	}
	for (i = 0; i < BENCH_WRITE_CHUNK; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	files_delete(BENCH_WRITE_FILE);	/* left by a run cut short */
	t_new = bench_disk_file(buf, 1);
	t_rewrite = t_new ? bench_disk_file(buf, 1) : 0;
	t_read = t_rewrite ? bench_disk_file(buf, 0) : 0;
	files_delete(BENCH_WRITE_FILE);
	kfree(buf);
	if (!t_read)
		return;
	bench_mbs(s_new, BENCH_WRITE_BYTES, t_new);
	bench_mbs(s_rewrite, BENCH_WRITE_BYTES, t_rewrite);
	bench_mbs(s_read, BENCH_WRITE_BYTES, t_read);
	klog("bench: disk write: file=%s mib=%llu call_kib=%u new_mbs=%s rewrite_mbs=%s read_mbs=%s\n",
	    BENCH_WRITE_FILE, BENCH_WRITE_BYTES >> 20, BENCH_WRITE_CHUNK >> 10, s_new, s_rewrite, s_read);
}

#define BENCH_RAW_BYTES		(16ull << 20)	/* raw writes: the last 16 MiB of a disk */

/* Raw writes over the last BENCH_RAW_BYTES of d: sequential 1 MiB requests
 * (as large as the device takes) 8 in flight and a flush, then
 * BENCH_DISK_RAND_COUNT random 4 KiB writes, 1 and 32 in flight. */
static void bench_disk_raw_write(struct blk_dev *d)
{
	uint64_t first = d->sectors - BENCH_RAW_BYTES / BLK_SECTOR, t0, seq, r1, r32;
	struct bench_rand r = { BENCH_DISK_SEED, BENCH_RAW_BYTES / BENCH_DISK_RAND_REQ, first };
	struct blk_pipe p = { 0 };
	char mbs[24];

	if (d->sectors < 2 * BENCH_RAW_BYTES / BLK_SECTOR || d->read_only)
		return;
	p.d = d;
	p.op = BLK_WRITE;
	p.depth = 8;
	p.chunk = BENCH_DISK_SEQ_REQ / BLK_SECTOR;
	p.first = first;
	p.count = BENCH_RAW_BYTES / BLK_SECTOR;
	t0 = timer_ns();
	if (!bench_disk_run(&p, "raw sequential") || blk_flush(d))
		return;
	seq = MAX(timer_ns() - t0, 1);
	memset(&p, 0, sizeof(p));
	p.d = d;
	p.op = BLK_WRITE;
	p.depth = 1;
	p.chunk = BENCH_DISK_RAND_REQ / BLK_SECTOR;
	p.requests = BENCH_DISK_RAND_COUNT;
	p.where = bench_disk_where;
	p.arg = &r;
	r1 = bench_disk_run(&p, "raw random");
	r.state = BENCH_DISK_SEED;
	p.depth = 32;
	r32 = r1 ? bench_disk_run(&p, "raw random") : 0;
	if (!r32)
		return;
	bench_mbs(mbs, BENCH_RAW_BYTES, seq);
	klog("bench: disk raw write: disk=%s mib=%llu seq_mbs=%s rand_req_kib=%u qd1_iops=%llu qd32_iops=%llu\n",
	    d->name, BENCH_RAW_BYTES >> 20, mbs, BENCH_DISK_RAND_REQ >> 10, bench_iops(r1), bench_iops(r32));
}

/* The USB stick, if there is one: the same reads as on the boot disk. */
static struct blk_dev *bench_disk_usb(void)
{
	const struct boot_diskbench *fw = bench_fw_usb;
	struct blk_dev *d = NULL;
	uint64_t bytes, fw_seq_ns = 0, fw_rand_ns = 0, q1, q8, r1, r32;
	char fws[24], s1[24], s8[24];
	uint32_t i;

	for (i = 0; i < blk_count() && !d; i++)
		if (blk_get(i)->name[0] == 's' && blk_get(i)->name[1] == 'd' && !blk_get(i)->dead &&
		    (!fw || !fw->sectors || blk_get(i)->sectors == fw->sectors))
			d = blk_get(i);
	if (!d || d->sectors < BENCH_DISK_SEQ_REQ / BLK_SECTOR)
		return NULL;
	if (fw && fw->sectors) {
		bytes = fw->seq_bytes;
		fw_seq_ns = MAX(timer_tsc_delta_ns(fw->seq_tsc), 1);
		fw_rand_ns = MAX(timer_tsc_delta_ns(fw->rand_tsc), 1);
	} else {
		bytes = ALIGN_DOWN(MIN(d->sectors * BLK_SECTOR, BENCH_DISK_SEQ_BYTES), BENCH_DISK_SEQ_REQ);
		klog("bench: disk: the firmware's USB figures are missing (see the efi: lines)\n");
	}
	q1 = bench_disk_seq(d, bytes, 1);
	q8 = bench_disk_seq(d, bytes, 8);
	r1 = bench_disk_rand(d, 1);
	r32 = bench_disk_rand(d, 32);
	bench_mbs(fws, bytes, fw_seq_ns);
	bench_mbs(s1, bytes, q1);
	bench_mbs(s8, bytes, q8);
	klog("bench: usb disk read: disk=%s mib=%llu req_kib=%u ovmf_mbs=%s qd1_mbs=%s qd8_mbs=%s "
	    "reads=%u rand_req_kib=%u ovmf_iops=%llu qd1_iops=%llu qd32_iops=%llu\n", d->name, bytes >> 20,
	    BENCH_DISK_SEQ_REQ >> 10, fws, s1, s8, BENCH_DISK_RAND_COUNT, BENCH_DISK_RAND_REQ >> 10,
	    bench_iops(fw_rand_ns), bench_iops(r1), bench_iops(r32));
	return d;
}

void bench_disk(void)
{
	const struct boot_diskbench *fw = bench_fw;
	struct blk_dev *d = NULL, *usb;
	uint64_t bytes, fw_seq_ns = 0, fw_rand_ns = 0, q1, q8, r1, r32;
	char fws[24], s1[24], s8[24];
	uint32_t i;

	/* The boot disk: the one the firmware measured, by its size. */
	for (i = 0; fw && fw->sectors && i < blk_count(); i++)
		if (blk_get(i)->sectors == fw->sectors) {
			d = blk_get(i);
			break;
		}
	if (!d && blk_count())
		d = blk_get(0);
	if (!d || d->sectors < BENCH_DISK_SEQ_REQ / BLK_SECTOR) {
		klog("bench: disk: no virtio-blk disk to measure\n");
		return;
	}
	if (fw && fw->sectors) {
		bytes = fw->seq_bytes;
		fw_seq_ns = MAX(timer_tsc_delta_ns(fw->seq_tsc), 1);
		fw_rand_ns = MAX(timer_tsc_delta_ns(fw->rand_tsc), 1);
	} else {
		bytes = ALIGN_DOWN(MIN(d->sectors * BLK_SECTOR, BENCH_DISK_SEQ_BYTES), BENCH_DISK_SEQ_REQ);
		klog("bench: disk: the firmware's figures are missing (see the efi: lines)\n");
	}
	q1 = bench_disk_seq(d, bytes, 1);
	q8 = bench_disk_seq(d, bytes, 8);
	r1 = bench_disk_rand(d, 1);
	r32 = bench_disk_rand(d, 32);
	bench_mbs(fws, bytes, fw_seq_ns);
	bench_mbs(s1, bytes, q1);
	bench_mbs(s8, bytes, q8);
	klog("bench: disk seq read: disk=%s mib=%llu req_kib=%u ovmf_mbs=%s qd1_mbs=%s qd8_mbs=%s\n",
	    d->name, bytes >> 20, BENCH_DISK_SEQ_REQ >> 10, fws, s1, s8);
	klog("bench: disk rand read: disk=%s reads=%u req_kib=%u ovmf_iops=%llu qd1_iops=%llu qd32_iops=%llu\n",
	    d->name, BENCH_DISK_RAND_COUNT, BENCH_DISK_RAND_REQ >> 10, bench_iops(fw_rand_ns),
	    bench_iops(r1), bench_iops(r32));
	bench_disk_write();
	usb = bench_disk_usb();
	bench_disk_raw_write(d);
	if (usb)
		bench_disk_raw_write(usb);
}
