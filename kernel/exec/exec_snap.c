/*
 * Apps that survive a reboot: `save` writes every running app to
 * /fomos/state/, `suspend` saves and powers off, and the next boot puts each
 * app back in its home, at the same virtual addresses, so every pointer in
 * its memory is still right.  The format, its sums and the choice between
 * the two slots are kernel/exec/snapshot.c's; this file moves the bytes.
 *
 * What is saved of an app: the writable part of its image (data and bss:
 * saved whole, since a fresh load would bring back the file's initial
 * values), the pages of its surface and arena that are not all zero (fresh
 * pages are zero anyway), its store pointer, its arena's bookkeeping, its
 * options and its window; its shared regions (whole) and the record of
 * the services it published and looked up and the grants it gave
 * (exec_share.c), which come back checked as if it had made those calls
 * again.  Not its stack: every call starts on an empty one.
 *
 * Saves happen between rounds, never during a call: `save` typed into the
 * console runs inside the console's call, so it only asks (exec_snap_request)
 * and the executor saves after the round (exec_snap_poll).
 */
#include "appfile.h"
#include "boot.h"
#include "display.h"
#include "exec_priv.h"
#include "exec_snap.h"
#include "files.h"
#include "fmt.h"
#include "inputhub.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "power.h"
#include "snapshot.h"
#include "timer.h"
#include "wm.h"

#define SNAP_WAIT_NS	(5ull * 1000000000ull)	/* for the apps' file requests before a save */

static const char *const snap_paths[2] = { "/fomos/state/slot0.snap", "/fomos/state/slot1.snap" };
static struct snapshot_info snap_info[2];	/* what each slot holds, if valid */
static int snap_valid[2];
static int snap_pending;			/* 1: save, 2: save and power off */

static int snap_sink_error;		/* the file service's error, for the log */

static int snap_sink(void *arg, uint64_t offset, const void *data, uint64_t len)
{
	int r = files_write_at(arg, offset, data, len);

	if (r < 0)
		snap_sink_error = r;
	return r < 0 ? -1 : 0;
}

static const char *snap_error_text(int r)
{
	switch (r) {
	case FOMOS_E_NOSPACE: return "the boot disk is full";
	case FOMOS_E_IO: return "the disk reported an error";
	case FOMOS_E_NODISK: return "the boot disk is read-only";
	}
	return "the file service failed";
}

/* [va, va+len) as runs of pages that are not all zero. */
static int snap_pages(struct snapshot_writer *w, uint64_t va, uint64_t len)
{
	uint64_t off, run = 0;
	int in = 0;

	for (off = 0; off < len; off += PAGE_SIZE) {
		const uint64_t *p = (const uint64_t *)(uintptr_t)(va + off);
		uint64_t i, n = MIN(PAGE_SIZE, len - off) / 8;
		int zero = 1;

		for (i = 0; i < n && zero; i++)
			zero = !p[i];
		if (!zero && !in) {
			run = off;
			in = 1;
		} else if (zero && in) {
			in = 0;
			if (snapshot_region(w, va + run, (const void *)(uintptr_t)(va + run), off - run) < 0)
				return -1;
		}
	}
	return in ? snapshot_region(w, va + run, (const void *)(uintptr_t)(va + run), len - run) : 0;
}

static void snap_describe(const struct app *a, struct snapshot_app *s)
{
	const struct heap *h = &a->mem.heap;
	uint32_t i;

	memset(s, 0, sizeof(*s));
	s->pid = a->pid;
	memcpy(s->name, a->name, APP_NAME_MAX);
	memcpy(s->path, a->src_path, MIN(sizeof(s->path) - 1, strnlen(a->src_path, BOOT_PATH_MAX)));
	s->slot = a->slot;
	s->flags = (exec_focus_pid() == a->pid ? SNAPSHOT_APP_FOCUSED : 0) |
	    (a->damages ? SNAPSHOT_APP_DAMAGE : 0);
	s->opts = a->opts;
	s->store = (uint64_t)(uintptr_t)a->page->store;	/* the app's slot, in its home */
	s->input_seen = a->input_seen;
	if (a->surface_bytes) {
		s->win_x = a->layer.x;
		s->win_y = a->layer.y;
		s->win_width = a->layer.width;
		s->win_height = a->layer.height;
		s->win_flags = a->win_flags;
		s->win_z = (uint32_t)MAX(display_z(&a->layer), 0);
	}
	s->file_size = a->src_size;
	s->file_hash = snapshot_hash_bytes(a->src, a->src_size);
	s->arena_mapped = a->mem.mapped;
	s->heap_free_list = (uint64_t)(uintptr_t)h->free_list;
	s->heap_used = h->used;
	s->heap_size = h->size;
	s->heap_region_count = h->region_count;
	for (i = 0; i < h->region_count && i < HEAP_MAX_REGIONS; i++) {
		s->heap_regions[i].start = h->regions[i].start;
		s->heap_regions[i].end = h->regions[i].end;
	}
}

static int snap_write_app(struct snapshot_writer *w, const struct app *a)
{
	static struct snapshot_app s;
	const struct appfile_header *h = (const void *)(uintptr_t)a->home;
	uint32_t k;

	snap_describe(a, &s);
	if (snapshot_app(w, &s) < 0)
		return -1;
	if (a->image_bytes > h->data_start &&
	    snapshot_region(w, a->home + h->data_start, (const void *)(uintptr_t)(a->home + h->data_start),
	    a->image_bytes - h->data_start) < 0)
		return -1;
	if (a->surface_bytes && snap_pages(w, a->home + EXEC_SURFACE_OFFSET, a->surface_bytes) < 0)
		return -1;
	/* Shared regions whole: their size is where they end. */
	for (k = 0; k < EXEC_REGIONS; k++)
		if (a->regions[k].size && snapshot_region(w, exec_region_va(a->slot, k),
		    (const void *)(uintptr_t)exec_region_va(a->slot, k), a->regions[k].size) < 0)
			return -1;
	if (a->mem.mapped && snap_pages(w, a->mem.base, a->mem.mapped) < 0)
		return -1;
	/* What it declared (services, handles, regions, grants), last: it
	 * lies above everything else of the home. */
	return a->page->share.magic ? snapshot_region(w, (uint64_t)(uintptr_t)&a->page->share, &a->page->share,
	    sizeof(a->page->share)) : 0;
}

/* Writes the slot that does not hold the newest snapshot.  0 or -1. */
static int snap_save(void)
{
	static struct snapshot_writer w;
	static const uint8_t zeros[SNAPSHOT_HEADER_SIZE];
	uint64_t t0 = timer_ns(), seq;
	uint32_t apps = 0;
	struct app *a;
	int slot, r = 0;

	if (!files_writable()) {
		klog("snapshot: not saved: no writable boot disk\n");
		return -1;
	}
	/* A resumed app must not wait for an answer to a request the old
	 * boot never finished: finish them all first. */
	while (exec_files_pending() && timer_ns() - t0 < SNAP_WAIT_NS)
		exec_files_poll(10000000);
	slot = snapshot_pick_save(snap_valid[0] ? &snap_info[0] : NULL, snap_valid[1] ? &snap_info[1] : NULL, &seq);
	/* The header goes last; until then the slot holds zeros there, never
	 * a header that could match half-written bytes. */
	if (files_write_at(snap_paths[slot], 0, zeros, sizeof(zeros)) < 0) {
		klog("snapshot: not saved: cannot write %s\n", snap_paths[slot]);
		return -1;
	}
	snap_valid[slot] = 0;
	snap_sink_error = 0;
	snapshot_begin(&w, seq, timer_ns(), snap_sink, (void *)snap_paths[slot]);
	for (a = exec_apps; a; a = a->next)
		if (a->state == APP_RUNNING) {
			apps++;
			if (snap_write_app(&w, a) < 0)
				break;
		}
	/* The body is on the disk before the header that vouches for it is
	 * written (writes are not synced one by one: kernel/fs/files.h). */
	if ((r = files_flush()) < 0 || snapshot_end(&w) < 0 || (r = files_flush()) < 0) {
		if (snap_sink_error || r < 0)
			klog("snapshot: not saved: %s (%s); the previous snapshot is still there\n",
			    snap_error_text(snap_sink_error ? snap_sink_error : r), w.why[0] ? w.why : "flush");
		else
			klog("snapshot: not saved: %s; the previous snapshot is still there\n", w.why);
		/* What was written is no snapshot (its header is zeros): give its
		 * space back rather than leave the disk full of it. */
		files_delete(snap_paths[slot]);
		return -1;
	}
	snap_info[slot] = (struct snapshot_info){ seq, w.time_ns, w.pos, apps };
	snap_valid[slot] = 1;
	klog("snapshot: saved %u apps (%llu KiB) to %s, sequence %llu, in %llu ms\n", apps, w.pos >> 10,
	    snap_paths[slot], seq, (timer_ns() - t0) / 1000000);
	return 0;
}

int exec_snap_request(int suspend)
{
	if (!files_writable())
		return -1;
	snap_pending = MAX(snap_pending, suspend ? 2 : 1);
	return 0;
}

void exec_snap_poll(void)
{
	int what = snap_pending;

	if (!what)
		return;
	snap_pending = 0;
	if (snap_save() == 0 && what == 2) {
		klog("snapshot: suspended; the next boot resumes the apps\n");
		power_off();
		klog("snapshot: power-off failed; the apps go on\n");
	}
}

/* --- resuming ------------------------------------------------------------------ */

/* The region lies in what the app has mapped: the image's writable part,
 * the surface or the arena; or it is one of its shared regions, whole
 * (mapped here), or the record of what it declared. */
static int snap_region_ok(struct app *a, uint64_t va, uint64_t len)
{
	const struct appfile_header *h = (const void *)(uintptr_t)a->home;
	uint64_t parts[3][2] = {
		{ a->home + h->data_start, a->home + a->image_bytes },
		{ a->home + EXEC_SURFACE_OFFSET, a->home + EXEC_SURFACE_OFFSET + a->surface_bytes },
		{ a->mem.base, a->mem.base + a->mem.mapped },
	};
	uint32_t i;

	for (i = 0; i < 3; i++)
		if (va >= parts[i][0] && len <= parts[i][1] - va && va <= parts[i][1])
			return 1;
	for (i = 0; i < EXEC_REGIONS; i++)
		if (va == exec_region_va(a->slot, i))
			return exec_region_map(a, i, len) == 0;
	return va == (uint64_t)(uintptr_t)&a->page->share && len == sizeof(a->page->share);
}

static int snap_restore_arena(struct app *a, const struct snapshot_app *s)
{
	struct heap *h = &a->mem.heap;
	uint32_t i;

	if (s->arena_mapped > a->mem.quota)
		return -1;
	if (s->arena_mapped && plat_map(a->mem.base, s->arena_mapped, PLAT_RW) < 0)
		return -1;
	a->mem.mapped = s->arena_mapped;
	h->free_list = (struct heap_block *)(uintptr_t)s->heap_free_list;
	h->used = s->heap_used;
	h->size = s->heap_size;
	h->region_count = s->heap_region_count;
	for (i = 0; i < s->heap_region_count; i++) {
		h->regions[i].start = s->heap_regions[i].start;
		h->regions[i].end = s->heap_regions[i].end;
	}
	return 0;
}

/* One saved app back in its home; NULL (after a log line) if it cannot be. */
static struct app *snap_resume_app(struct snapshot_iter *it, const struct snapshot_app *s)
{
	char path[EXEC_PATH_MAX];
	const uint8_t *file, *data;
	uint64_t size, va, len;
	struct exec_resume r = { s->slot, s->pid, s->win_width, s->win_height, s->store };
	struct app *a;
	int n;

	/* Its name is its file's (exec.c): found again by it. */
	if (plat_app_file(s->name, path, &file, &size) < 0) {
		klog("snapshot: %s[%llu]: %s is gone, not resumed\n", s->name, s->pid, path);
		return NULL;
	}
	if (size != s->file_size || snapshot_hash_bytes(file, size) != s->file_hash) {
		klog("snapshot: %s[%llu]: %s changed since the snapshot, starting it fresh\n", s->name, s->pid, path);
		if (exec_start(path, file, size, &s->opts) < 0)
			klog("exec: %s\n", exec_last_error());
		return NULL;
	}
	a = exec_create(path, file, size, &s->opts, &r);
	if (!a) {
		klog("snapshot: %s[%llu]: %s\n", s->name, s->pid, exec_last_error());
		return NULL;
	}
	if (snap_restore_arena(a, s) < 0) {
		klog("snapshot: %s[%llu]: no memory for its %llu KiB arena, not resumed\n", s->name, s->pid,
		    s->arena_mapped >> 10);
		exec_destroy(a);
		return NULL;
	}
	while ((n = snapshot_next_region(it, &va, &data, &len)) == 1) {
		if (!snap_region_ok(a, va, len)) {
			klog("snapshot: %s[%llu]: a saved region at 0x%llx is outside what it has, not resumed\n",
			    s->name, s->pid, va);
			exec_destroy(a);
			return NULL;
		}
		memcpy((void *)(uintptr_t)va, data, len);
	}
	exec_share_resume(a);	/* its services, handles and grants, checked again */
	a->damages = !!(s->flags & SNAPSHOT_APP_DAMAGE);
	if (a->surface_bytes) {
		a->layer.x = s->win_x;
		a->layer.y = s->win_y;
		a->layer.opaque = !!(s->win_flags & FOMOS_WIN_OPAQUE);
		a->win_flags = s->win_flags;
		/* What it drew is back: all of it may be visible. */
		a->layer.content = (struct compose_rect){ 0, 0, (int32_t)a->layer.width, (int32_t)a->layer.height };
		display_place(&a->layer, wm_band_of(s->win_flags), !!(s->win_flags & FOMOS_WIN_NOFOCUS));
	}
	return a;
}

/* 1 with *seq if the file starts like a snapshot (magic), else 0: only a
 * hint of which slot to read first; snapshot_check decides. */
static int snap_peek(const char *path, uint64_t *seq)
{
	uint8_t h[SNAPSHOT_HEADER_SIZE];
	uint64_t got = 0, magic = 0;
	uint32_t i;

	if (files_read_at(path, 0, h, sizeof(h), &got) < 0 || got < sizeof(h))
		return 0;
	*seq = 0;
	for (i = 0; i < 8; i++) {
		magic |= (uint64_t)h[i] << (8 * i);
		*seq |= (uint64_t)h[16 + i] << (8 * i);
	}
	return magic == SNAPSHOT_MAGIC;
}

/* Puts the resumed windows in their saved stacking order. */
static void snap_restack(struct app **apps, const uint32_t *z, uint32_t n)
{
	uint32_t done = 0, i, best;

	while (done < n) {
		best = UINT32_MAX;
		for (i = 0; i < n; i++)
			if (apps[i] && (best == UINT32_MAX || z[i] < z[best]))
				best = i;
		display_raise(&apps[best]->layer);
		apps[best] = NULL;
		done++;
	}
}

uint32_t exec_snap_resume(int enabled)
{
	static struct snapshot_iter it;
	static struct snapshot_app s;
	static struct app *apps[64];
	static uint32_t z[64];
	void *buf[2] = { NULL, NULL };
	uint64_t size[2] = { 0, 0 }, t0 = timer_ns(), max_pid = 0, focus = 0, max_input = 0;
	uint64_t seq[2] = { 0, 0 };
	uint32_t i, k, n = 0, resumed = 0, order[2];
	int claim[2], pick, r;
	char why[96];

	if (!files_ready())
		return 0;
	/* Newest first, by what the headers claim: in the usual case only one
	 * slot is read whole and checked.  The other is read only if the newest
	 * is refused.  (A save never needs the older slot's state: it writes
	 * the slot that does not hold the newest valid snapshot.) */
	for (i = 0; i < 2; i++)
		claim[i] = snap_peek(snap_paths[i], &seq[i]);
	order[0] = claim[1] && (!claim[0] || (int64_t)(seq[1] - seq[0]) > 0);
	order[1] = !order[0];
	for (k = 0; k < 2; k++) {
		i = order[k];
		if (!claim[i] && k == 0 && !claim[!i])
			break;		/* no snapshot at all */
		r = files_read_all(snap_paths[i], &buf[i], &size[i]);
		if (r == FOMOS_E_NOTFOUND)
			continue;
		if (r < 0) {
			klog("snapshot: cannot read %s (error %d), skipped\n", snap_paths[i], r);
			continue;
		}
		if (snapshot_check(buf[i], size[i], &snap_info[i], why, sizeof(why)) < 0) {
			klog("snapshot: %s refused: %s\n", snap_paths[i], why);
			continue;
		}
		snap_valid[i] = 1;
		break;
	}
	pick = snapshot_pick_load(snap_valid[0] ? &snap_info[0] : NULL, snap_valid[1] ? &snap_info[1] : NULL);
	if (pick >= 0 && !enabled)
		klog("snapshot: resume=no in boot.cfg: starting fresh (the snapshot stays on the disk)\n");
	if (pick >= 0 && enabled) {
		klog("snapshot: resuming %u apps from %s, sequence %llu\n", snap_info[pick].app_count,
		    snap_paths[pick], snap_info[pick].sequence);
		/* Their clock goes on from where it was, never back; the jump is
		 * not time spent resuming. */
		{
			uint64_t before = timer_ns();

			timer_advance_to(snap_info[pick].time_ns);
			t0 += timer_ns() - before;
		}
		snapshot_iter_init(&it, buf[pick], &snap_info[pick]);
		while (snapshot_next_app(&it, &s) == 1) {
			struct app *a;

			max_pid = MAX(max_pid, s.pid);
			max_input = MAX(max_input, s.input_seen);
			a = snap_resume_app(&it, &s);
			if (!a)
				continue;
			a->input_seen = s.input_seen;
			exec_go(a);
			resumed++;
			klog("snapshot: resumed %s as pid %llu\n", a->name, a->pid);
			if (s.flags & SNAPSHOT_APP_FOCUSED)
				focus = a->pid;
			if (a->surface_bytes && n < ARRAY_LEN(apps)) {
				apps[n] = a;
				z[n++] = s.win_z;
			}
		}
		exec_set_next_pid(max_pid + 1);
		/* Event numbers go on too: the apps' cursors into the ring were
		 * saved with them. */
		inputhub_renumber(max_input);
		exec_share_prune();	/* grants to apps that did not come back */
		snap_restack(apps, z, n);
		if (focus)
			exec_set_focus(focus);
		klog("snapshot: %u of %u apps resumed in %llu ms\n", resumed, snap_info[pick].app_count,
		    (timer_ns() - t0) / 1000000);
	}
	kfree(buf[0]);
	kfree(buf[1]);
	return resumed;
}
