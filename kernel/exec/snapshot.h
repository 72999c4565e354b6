/*
 * Snapshots: the file format that lets apps survive a reboot, its streaming
 * writer, its reader, and the choice between the two slots
 * (/fomos/state/slot0.snap and slot1.snap).
 *
 * Pure: no I/O.  The writer hands bytes to a sink callback, the reader
 * takes the file as one buffer; kernel/exec/exec_snap.c does the disk work, and the
 * host unit tests and fuzzer use this file as it is.
 *
 * The file (all integers little-endian):
 *
 *   header, 64 bytes, written LAST
 *      0 u64 magic "FOMOSNAP"     8 u32 version     12 u32 header size (64)
 *     16 u64 sequence            24 u32 app count  28 u32 0
 *     32 u64 total length        40 u64 body sum   48 u64 time_ns at the save
 *     56 u64 header sum (of bytes 0..56)
 *   then, per app, in start order:
 *     APP  chunk, SNAPSHOT_APP_CHUNK bytes: pid, name, app file path, home
 *          slot, flags, store, window, app file identity, the kernel's
 *          record of its arena (struct heap: where the free list starts;
 *          the list itself is in the arena), and its init options, in the
 *          OPTS record that ends the chunk:
 *             0 u32 flags: 1 trace, 2 nofb, 4 restart, 8 nosys, 16 admin
 *             4 u32 budget_ms     8 u64 quota     16 u64 disk
 *            24 u32 spawn        28 u32 0
 *     REGN chunks: u32 tag, u32 0, u64 va, u64 len, len bytes, zeros to a
 *          multiple of 8.  Ascending, not overlapping, inside the home.
 *     AEND chunk: u32 tag, u32 region count, u64 region bytes,
 *          u64 app sum (of every byte from the APP chunk to here)
 *   The body sum is the sum of the apps' sums, in order: every body byte is
 *   covered exactly once, and each app is checked as it is read.
 *
 * Atomic saves: the header goes last, so a save cut short leaves a header
 * that is old (its sums no longer match the bytes), missing, or for a body
 * that is not all there (total length past the end): refused.  A save
 * always writes the slot NOT holding the newest valid snapshot, so the
 * newest one is never touched while it is the only good one.
 *
 * Versions.  The reader takes every version written so far, so a kernel
 * update never throws the saved apps away:
 *   1  the APP chunk is SNAPSHOT_APP_CHUNK_V1 (768) bytes, without the OPTS
 *      record; its options are bytes 152 trace, 153 nofb, 154 restart,
 *      155 0, 156 u32 budget_ms, 160 u64 quota.  Read with every option it
 *      lacks (nosys, admin, disk, spawn) at its default (initfile.h).
 *   2  bytes 152..167 are zero, the options are in OPTS.
 *   3  (written now) bytes 152..159 are a u64, how many of the input hub's
 *      events the app had been shown (its view's event_count); 160..167
 *      are zero.  The next boot goes on numbering events past the largest,
 *      so an app's cursor into the ring never lies ahead of the count.
 *      Read from versions 1 and 2 as 0.
 * A change to any record is a new version; the writer writes only the
 * newest.
 *
 * The sum is this file's own 64-bit hash (snapshot_hash_*): every step is a
 * bijection of the state, so any change confined to one 8-byte word (every
 * single-bit flip) always changes the sum; wider damage passes with odds of
 * about 2^-64.
 */
#ifndef SNAPSHOT_H
#define SNAPSHOT_H

#include <stdint.h>
#include "home.h"
#include "heap.h"
#include "initfile.h"

#define SNAPSHOT_MAGIC		0x50414e534f4d4f46ull	/* "FOMOSNAP" */
#define SNAPSHOT_VERSION	3		/* what the writer writes */
#define SNAPSHOT_VERSION_MIN	1		/* the oldest the reader takes */
#define SNAPSHOT_HEADER_SIZE	64
#define SNAPSHOT_APP_CHUNK	800
#define SNAPSHOT_APP_CHUNK_V1	768
#define SNAPSHOT_REGION_HEAD	24
#define SNAPSHOT_END_CHUNK	24
#define SNAPSHOT_PATH_MAX	96		/* = BOOT_PATH_MAX */
#define SNAPSHOT_MAX_APPS	EXEC_MAX_SLOTS
#define SNAPSHOT_WIN_MAX	8192		/* a window's width and height, as ctx->window allows */

/* snapshot_app.flags */
#define SNAPSHOT_APP_FOCUSED	(1u << 0)	/* had the keyboard focus */
#define SNAPSHOT_APP_TERM	(1u << 1)	/* owned the serial terminal */
#define SNAPSHOT_APP_DAMAGE	(1u << 2)	/* had called ctx->damage (no more dirty-bit tracking) */
#define SNAPSHOT_APP_FLAGS	0x7u

/* One app's state, besides its memory.  Every field is written explicitly
 * (never the struct's bytes), so the format does not follow the compiler. */
struct snapshot_app {
	uint64_t pid;
	char name[APP_NAME_MAX];		/* [A-Za-z0-9_.-], NUL terminated */
	char path[SNAPSHOT_PATH_MAX];		/* its file, "/fomos/apps/NAME.app" */
	uint32_t slot;				/* its home is exec_home(slot) */
	uint32_t flags;				/* SNAPSHOT_APP_* */
	struct app_opts opts;
	uint64_t store;				/* *ctx->store: 0 or an address in the home */
	uint64_t input_seen;			/* input events it had been shown (version 3) */
	int32_t win_x, win_y;
	uint32_t win_width, win_height;		/* 0 x 0: no surface */
	uint32_t win_flags;			/* FOMOS_WIN_* */
	uint32_t win_z;				/* stacking position, 0 lowest */
	uint64_t file_size, file_hash;		/* snapshot_hash_bytes of the app file */
	/* The arena: appmem.mapped and its struct heap. */
	uint64_t arena_mapped;
	uint64_t heap_free_list;		/* 0 or an address in the arena */
	uint64_t heap_used, heap_size;
	uint32_t heap_region_count;
	struct { uint64_t start, end; } heap_regions[HEAP_MAX_REGIONS];
};

/* --- the sum ------------------------------------------------------------------ */

struct snapshot_hash {
	uint64_t h;
	uint64_t len;		/* bytes so far */
	uint64_t tail;		/* the last len % 8 bytes, not yet mixed in */
};

void snapshot_hash_init(struct snapshot_hash *s);
void snapshot_hash_update(struct snapshot_hash *s, const void *data, uint64_t len);
uint64_t snapshot_hash_final(const struct snapshot_hash *s);
/* The identity of an app file: a changed file gets a new hash. */
uint64_t snapshot_hash_bytes(const void *data, uint64_t len);

/* --- writing ------------------------------------------------------------------ *
 *
 *	snapshot_begin(&w, seq, time_ns, sink, arg);
 *	for each app:
 *		snapshot_app(&w, &app);
 *		snapshot_region(&w, va, data, len);	(any number, ascending)
 *	snapshot_end(&w);		0: the whole file is written, header last
 *
 * Every call returns 0 or -1; after a -1 the writer stays failed and w.why
 * says why (a sink error, or app data the reader would refuse).  The sink
 * writes len bytes at offset of the file and returns 0 or -1; it is given
 * the region's own pointer, so nothing is copied.  The body is written in
 * increasing offsets; the header at offset 0 comes last.  The file is
 * w.pos bytes long; bytes after it (a longer older snapshot) are ignored. */
typedef int snapshot_sink_fn(void *arg, uint64_t offset, const void *data, uint64_t len);

struct snapshot_writer {
	snapshot_sink_fn *sink;
	void *arg;
	uint64_t sequence;
	uint64_t time_ns;		/* the apps' clock at the save */
	uint64_t pos;			/* the next byte of the file */
	uint32_t app_count;
	int failed;
	int in_app;			/* an APP chunk is out, its AEND not yet */
	uint32_t slot;			/* the current app's */
	uint64_t prev_end;		/* end of its last region */
	uint32_t regions;
	uint64_t region_bytes;
	struct snapshot_hash app_sum;	/* the current app's bytes */
	struct snapshot_hash body_sum;	/* the apps' sums */
	uint8_t slots[EXEC_MAX_SLOTS / 8];	/* homes already in the file */
	char why[96];
};

/* time_ns: the clock the apps saw (ctx->time_ns) at the save; after a
 * resume their clock must go on from there, never back. */
void snapshot_begin(struct snapshot_writer *w, uint64_t sequence, uint64_t time_ns,
    snapshot_sink_fn *sink, void *arg);
int snapshot_app(struct snapshot_writer *w, const struct snapshot_app *app);
int snapshot_region(struct snapshot_writer *w, uint64_t va, const void *data, uint64_t len);
int snapshot_end(struct snapshot_writer *w);

/* --- reading ------------------------------------------------------------------ */

struct snapshot_info {
	uint64_t sequence;
	uint64_t time_ns;		/* the apps' clock when it was saved */
	uint64_t total_len;
	uint32_t app_count;
};

/* Checks everything: header, every length against the file, every app's
 * fields, names, regions (inside their home, ascending), and every sum.
 * Returns 0 and fills *info, or -1 with a one-line reason in why
 * ("bad magic", "truncated at byte 100 of 4096", "app 2 (counter): checksum
 * mismatch", ...).  buf must hold size bytes.  Not reentrant (its walker
 * is static, to keep 2 KiB off the kernel stack). */
int snapshot_check(const uint8_t *buf, uint64_t size, struct snapshot_info *info,
    char *why, uint32_t why_len);

/* Walks a snapshot that passed snapshot_check (on anything else it stops
 * with -1, never reading outside [buf, buf + info->total_len)):
 *
 *	snapshot_iter_init(&it, buf, &info);
 *	while (snapshot_next_app(&it, &app) == 1)
 *		while (snapshot_next_region(&it, &va, &data, &len) == 1)
 *			copy data[0..len) to va
 *
 * A next_app skips the regions not asked for.  Both return 1 (one more),
 * 0 (no more) or -1 (damaged; it.why says why). */
struct snapshot_iter {
	const uint8_t *buf;
	uint32_t version;		/* the file's format */
	uint32_t app_chunk;		/* the APP chunk's size in that format */
	uint64_t end;			/* total length */
	uint64_t pos;			/* the next chunk */
	uint32_t apps_left;
	uint32_t app_index;		/* of the current app, from 1 */
	int in_app;
	int failed;			/* sticky: every later call returns -1 */
	int verify;			/* sum the bytes (snapshot_check does) */
	uint64_t body_expect;		/* the header's body sum, when verifying */
	struct snapshot_app app;	/* the current one */
	uint64_t prev_end;
	uint32_t regions;
	uint64_t region_bytes;
	struct snapshot_hash app_sum, body_sum;
	uint8_t slots[EXEC_MAX_SLOTS / 8];
	char why[96];
};

void snapshot_iter_init(struct snapshot_iter *it, const uint8_t *buf, const struct snapshot_info *info);
int snapshot_next_app(struct snapshot_iter *it, struct snapshot_app *out);
int snapshot_next_region(struct snapshot_iter *it, uint64_t *va, const uint8_t **data, uint64_t *len);

/* --- the two slots ------------------------------------------------------------ *
 *
 * Each argument is a slot's info if it passed snapshot_check, else NULL.
 * Sequences compare as serial numbers (a is newer than b when a - b, as a
 * signed 64-bit number, is positive), so they may wrap. */

/* The slot to resume from: 0 or 1, or -1 if neither is valid.  Equal
 * sequences (never written so) pick slot 0. */
int snapshot_pick_load(const struct snapshot_info *slot0, const struct snapshot_info *slot1);
/* The slot the next save writes, never the newest valid one, and in
 * *sequence the number it gets: the newest valid one's plus 1 (1 if none). */
int snapshot_pick_save(const struct snapshot_info *slot0, const struct snapshot_info *slot1,
    uint64_t *sequence);

#endif
