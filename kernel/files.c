/*
 * The file service on the boot disk (files.h): kernel/fat.c over
 * drivers/blk.h's synchronous helpers, and the queue of apps' requests.
 *
 * Apps' requests run strictly in the order they came, one slice (at most
 * FILES_SLICE bytes of disk work) at a time, so a big write never holds the
 * executor for long and a write followed by a read of the same file reads
 * what was written.  App buffers are in app homes, not identity-mapped, so
 * data moves through a kernel bounce buffer that the disk can DMA to.
 *
 * The app's request and buffer were its memory when it queued them, but an
 * app can give pages back while a request is pending (a smaller window
 * unmaps the tail of its surface), so every copy to or from them looks
 * again that the pages are still there (files_app_mem): a buffer that went
 * away ends the request with FOMOS_E_BADARG, a request struct that went
 * away is dropped, and the kernel never faults on an app's behalf.
 *
 * FOMOS_FILE_REPLACE is done as "empty the file, then write it in slices":
 * a power cut in the middle leaves a short file, never another file hurt
 * (fat.h's write order).
 *
 * Writes sync once, when the whole request is done (the status the app
 * sees comes after the sync), not once per slice: the slices leave their
 * FAT and entry changes in fat.c's cache (FAT_NOSYNC), which keeps the
 * write order whenever it writes them.  The kernel's files_write_at does
 * not sync at all, so a writer of many pieces (snapshots) pays for one
 * files_flush.
 */
#include "blk.h"
#include "fat.h"
#include "files.h"
#include "fomos.h"
#include "fpath.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "paging.h"
#include "timer.h"

#define FILES_REQS	64		/* in flight, every app together */
#define FILES_PER_APP	16
#define FILES_SLICE	(64u * 1024)
#define FILES_PATH	(sizeof("/fomos/data/") + FPATH_NAME_MAX + 1 + FOMOS_PATH_MAX)

_Static_assert(FAT_ENOTFOUND == FOMOS_E_NOTFOUND && FAT_EIO == FOMOS_E_IO &&
    FAT_ENOSPC == FOMOS_E_NOSPACE, "fat.h errors follow fomos.h's");

struct files_req {
	uint64_t pid;			/* 0: free slot */
	uint64_t seq;			/* arrival order */
	struct fomos_file *req;		/* the app's, written only to finish */
	uint32_t op;
	uint8_t *buf;
	uint64_t offset, len, done;
	char path[FILES_PATH];
};

static struct {
	struct blk_dev *dev;		/* the boot disk, NULL if none */
	int writable;
	struct fat_vol vol;
	uint8_t *bounce;		/* FILES_SLICE bytes, kernel memory */
	struct files_req reqs[FILES_REQS];
	uint64_t seq;
	uint32_t pending;
} files;

static int files_io_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	return blk_read(ctx, lba, n, buf);
}

static int files_io_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	return blk_write(ctx, lba, n, buf);
}

static int files_io_flush(void *ctx)
{
	return blk_flush(ctx);
}

static int32_t files_err(int fat_err)
{
	switch (fat_err) {
	case 0: return 0;
	case FAT_ENOTFOUND: case FAT_ENOTDIR: return FOMOS_E_NOTFOUND;
	case FAT_EFBIG: return FOMOS_E_TOOBIG;
	case FAT_ENOSPC: return FOMOS_E_NOSPACE;
	case FAT_EROFS: return FOMOS_E_NODISK;
	case FAT_EPATH: return FOMOS_E_PATH;
	case FAT_EEXIST: case FAT_EISDIR: case FAT_EINVAL: case FAT_ENOTEMPTY:
		return FOMOS_E_BADARG;
	}
	return FOMOS_E_IO;
}

/* Mounts d if it holds a FAT32 volume with /fomos/init.  0, or why not. */
static int files_try(struct blk_dev *d, char *why, size_t why_len)
{
	struct fat_io io = { d, files_io_read, files_io_write, files_io_flush, NULL };
	struct fat_stat st;
	uint64_t start, count;
	int rc;

	if ((rc = fat_find(&io, d->sectors, &start, &count, why, why_len)) ||
	    (rc = fat_mount(&files.vol, &io, start, count, !d->read_only, why, why_len)))
		return rc;
	if (fat_stat(&files.vol, "/fomos/init", &st) || st.is_dir) {
		fmt_snprintf(why, why_len, "FAT32 volume %s without /fomos/init",
		    files.vol.label[0] ? files.vol.label : "(no label)");
		return FAT_ENOTFOUND;
	}
	return 0;
}

int files_init(void)
{
	char why[96];
	uint32_t i;

	files.bounce = kmalloc(FILES_SLICE);
	if (!files.bounce) {
		klog("files: no memory for the bounce buffer\n");
		return FOMOS_E_NOMEM;
	}
	for (i = 0; i < blk_count(); i++) {
		struct blk_dev *d = blk_get(i);

		if (files_try(d, why, sizeof(why))) {
			klog("files: %s: %s\n", d->name, why);
			continue;
		}
		files.dev = d;
		files.writable = files.vol.writable;
		klog("files: %s FAT32 volume %s, %llu MiB, %llu MiB free, %s\n", d->name,
		    files.vol.label[0] ? files.vol.label : "(no label)",
		    (unsigned long long)(fat_total_bytes(&files.vol) >> 20),
		    (unsigned long long)(fat_free_bytes(&files.vol) >> 20),
		    files.writable ? "read-write" : "read-only");
		return 0;
	}
	klog("files: no boot volume among %u disk%s: files for apps are off\n", blk_count(),
	    blk_count() == 1 ? "" : "s");
	return FOMOS_E_NODISK;
}

int files_ready(void)
{
	return files.dev != NULL;
}

int files_writable(void)
{
	return files.dev != NULL && files.writable;
}

uint32_t files_pending(void)
{
	return files.pending;
}

/* --- apps' requests ------------------------------------------------------------ */

int32_t files_submit(uint64_t pid, const char *app_name, struct fomos_file *req)
{
	struct files_req *r = NULL;
	uint32_t i, mine = 0;
	int32_t rc;

	if (!files.dev)
		return FOMOS_E_NODISK;
	if (req->op < FOMOS_FILE_READ || req->op > FOMOS_FILE_DELETE)
		return FOMOS_E_BADARG;
	if (strnlen(req->path, FOMOS_PATH_MAX) == FOMOS_PATH_MAX)
		return FOMOS_E_PATH;
	if (!files.writable && req->op != FOMOS_FILE_READ && req->op != FOMOS_FILE_SIZE &&
	    req->op != FOMOS_FILE_LIST)
		return FOMOS_E_NODISK;
	if ((req->op == FOMOS_FILE_READ || req->op == FOMOS_FILE_WRITE ||
	    req->op == FOMOS_FILE_REPLACE) && req->len && !req->buf)
		return FOMOS_E_BADARG;
	if (req->op == FOMOS_FILE_LIST && (!req->buf || !req->len))
		return FOMOS_E_BADARG;
	/* REPLACE makes the file exactly buf[0..len): its offset means nothing. */
	if ((req->op == FOMOS_FILE_WRITE && (req->offset > 0xFFFFFFFFull ||
	    req->len > 0xFFFFFFFFull - req->offset)) ||
	    (req->op == FOMOS_FILE_REPLACE && req->len > 0xFFFFFFFFull))
		return FOMOS_E_TOOBIG;
	for (i = 0; i < FILES_REQS; i++) {
		if (files.reqs[i].pid == pid)
			mine++;
		else if (!files.reqs[i].pid && !r)
			r = &files.reqs[i];
	}
	if (mine >= FILES_PER_APP || !r)
		return FOMOS_E_BUSY;
	if ((rc = fpath_app(app_name, req->path, r->path, sizeof(r->path))))
		return rc;
	r->pid = pid;
	r->seq = files.seq++;
	r->req = req;
	r->op = req->op;
	r->buf = req->buf;
	r->offset = req->offset;
	r->len = req->len;
	r->done = 0;
	files.pending++;
	req->done = 0;
	req->status = FOMOS_PENDING;
	return 0;
}

/* [p, p+len) is still mapped (an app's memory: checked to be its own, and
 * writable where needed, when the request was queued). */
static int files_app_mem(const void *p, uint64_t len)
{
	uint64_t a = (uint64_t)(uintptr_t)p, page;

	for (page = a & ~(uint64_t)(PAGE_SIZE - 1); page < a + len; page += PAGE_SIZE)
		if (!paging_mapped(page))
			return 0;
	return 1;
}

static void files_finish(struct files_req *r, int32_t status)
{
	if (!files_app_mem(r->req, sizeof(*r->req))) {
		klog("files: pid %llu's request at %p is no longer its memory: dropped\n",
		    (unsigned long long)r->pid, (void *)r->req);
		r->pid = 0;
		files.pending--;
		return;
	}
	r->req->done = r->done;
	__asm__ volatile("" ::: "memory");	/* done before status: the app polls status */
	r->req->status = status;
	r->pid = 0;
	files.pending--;
}

struct files_list {
	char *out;
	uint64_t cap, used;
	int full;
};

static int files_list_fn(void *arg, const char *name, int is_dir, uint64_t size)
{
	struct files_list *l = arg;
	uint64_t n = strlen(name);

	if (l->used + n + (uint64_t)is_dir + 1 + 1 > l->cap) {	/* the line and the NUL */
		l->full = 1;
		return 1;
	}
	memcpy(l->out + l->used, name, n);
	l->used += n;
	if (is_dir)
		l->out[l->used++] = '/';
	l->out[l->used++] = '\n';
	return 0;
}

/* "/fomos/data/NAME": an app's folder itself. */
static int files_is_app_folder(const char *path)
{
	const char *s;

	if (strncmp(path, "/fomos/data/", 12) != 0)
		return 0;
	for (s = path + 12; *s; s++)
		if (*s == '/')
			return 0;
	return 1;
}

static int32_t files_do_list(struct files_req *r)
{
	struct files_list l = { (char *)files.bounce, MIN(r->len, FILES_SLICE), 0, 0 };
	int rc = fat_list(&files.vol, r->path, files_list_fn, &l);

	/* An app that never wrote a file has no folder yet: it is empty. */
	if (rc == FAT_ENOTFOUND && files_is_app_folder(r->path))
		rc = 0;
	if (rc)
		return files_err(rc);
	l.out[l.used] = 0;
	if (!files_app_mem(r->buf, l.used + 1))
		return FOMOS_E_BADARG;
	memcpy(r->buf, l.out, l.used + 1);
	r->done = l.used;
	return l.full ? FOMOS_E_TOOBIG : 0;
}

/* One slice of r.  Returns 1 if r is finished (status set). */
static int files_step(struct files_req *r)
{
	uint64_t chunk = MIN(r->len - r->done, FILES_SLICE);
	struct fat_stat st;
	int64_t n;
	int32_t rc = 0;

	switch (r->op) {
	case FOMOS_FILE_READ:
		/* Even an empty read says whether the file is there. */
		if (chunk)
			n = fat_read(&files.vol, r->path, r->offset + r->done, files.bounce, chunk);
		else if ((n = fat_stat(&files.vol, r->path, &st)) == 0 && st.is_dir)
			n = FAT_EISDIR;
		if (n < 0) {
			rc = files_err((int)n);
			break;
		}
		if (!files_app_mem(r->buf + r->done, (uint64_t)n)) {
			rc = FOMOS_E_BADARG;
			break;
		}
		memcpy(r->buf + r->done, files.bounce, (uint64_t)n);
		r->done += (uint64_t)n;
		if ((uint64_t)n == chunk && r->done < r->len)
			return 0;
		break;
	case FOMOS_FILE_WRITE:
	case FOMOS_FILE_REPLACE:
		if (!files_app_mem(r->buf + r->done, chunk)) {
			rc = FOMOS_E_BADARG;
			break;
		}
		memcpy(files.bounce, r->buf + r->done, chunk);
		n = fat_write(&files.vol, r->path, (r->op == FOMOS_FILE_REPLACE ? 0 : r->offset) + r->done,
		    files.bounce, chunk,
		    FAT_CREATE | FAT_PARENTS | FAT_NOSYNC |
		    (r->op == FOMOS_FILE_REPLACE && r->done == 0 ? FAT_TRUNCATE : 0));
		if (n < 0) {
			rc = files_err((int)n);
			break;
		}
		r->done += chunk;
		if (r->done < r->len)
			return 0;
		break;
	case FOMOS_FILE_SIZE:
		rc = files_err(fat_stat(&files.vol, r->path, &st));
		if (!rc && st.is_dir)
			rc = FOMOS_E_BADARG;
		if (!rc)
			r->done = st.size;
		break;
	case FOMOS_FILE_LIST:
		rc = files_do_list(r);
		break;
	case FOMOS_FILE_DELETE:
		rc = files_err(fat_delete(&files.vol, r->path));
		break;
	}
	/* A write is done (or failed: the entry tells how far it got) only
	 * once it is on the disk. */
	if (r->op == FOMOS_FILE_WRITE || r->op == FOMOS_FILE_REPLACE) {
		int32_t sync = files_err(fat_sync(&files.vol));

		rc = rc ? rc : sync;
	}
	files_finish(r, rc);
	return 1;
}

static struct files_req *files_oldest(void)
{
	struct files_req *best = NULL;
	uint32_t i;

	for (i = 0; i < FILES_REQS; i++)
		if (files.reqs[i].pid && (!best || files.reqs[i].seq < best->seq))
			best = &files.reqs[i];
	return best;
}

void files_poll(uint64_t budget_ns)
{
	uint64_t start;
	struct files_req *r;

	if (!files.pending)
		return;		/* the usual case, once a millisecond: no clock read */
	start = timer_ns();

	while (files.pending && (r = files_oldest())) {
		files_step(r);
		if (timer_ns() - start >= budget_ns)
			break;
	}
}

void files_cancel(uint64_t pid)
{
	uint32_t i;
	int wrote = 0;

	for (i = 0; i < FILES_REQS; i++) {
		if (pid && files.reqs[i].pid == pid) {
			/* A write cut short: what its slices did still gets synced. */
			if ((files.reqs[i].op == FOMOS_FILE_WRITE || files.reqs[i].op == FOMOS_FILE_REPLACE) &&
			    files.reqs[i].done)
				wrote = 1;
			files.reqs[i].pid = 0;
			files.pending--;
		}
	}
	if (wrote)
		fat_sync(&files.vol);
}

/* --- the kernel's own files ------------------------------------------------------- */

int files_size(const char *path, uint64_t *size)
{
	struct fat_stat st;
	int rc;

	if (!files.dev)
		return FOMOS_E_NODISK;
	if ((rc = fat_stat(&files.vol, path, &st)))
		return files_err(rc);
	if (st.is_dir)
		return FOMOS_E_BADARG;
	*size = st.size;
	return 0;
}

int files_read_all(const char *path, void **data, uint64_t *size)
{
	uint64_t n;
	int64_t got;
	uint8_t *buf;
	int rc;

	if ((rc = files_size(path, &n)))
		return rc;
	buf = kmalloc(n + 1);	/* +1: a NUL for text files, and never kmalloc(0) */
	if (!buf)
		return FOMOS_E_NOMEM;
	got = fat_read(&files.vol, path, 0, buf, n);
	if (got != (int64_t)n) {
		kfree(buf);
		return got < 0 ? files_err((int)got) : FOMOS_E_IO;
	}
	buf[n] = 0;
	*data = buf;
	*size = n;
	return 0;
}

int files_read_at(const char *path, uint64_t offset, void *data, uint64_t len, uint64_t *got)
{
	int64_t n;

	if (!files.dev)
		return FOMOS_E_NODISK;
	n = fat_read(&files.vol, path, offset, data, len);
	if (n < 0)
		return files_err((int)n);
	*got = (uint64_t)n;
	return 0;
}

int files_write_at(const char *path, uint64_t offset, const void *data, uint64_t len)
{
	int64_t n;

	if (!files_writable())
		return FOMOS_E_NODISK;
	n = fat_write(&files.vol, path, offset, data, len, FAT_CREATE | FAT_PARENTS | FAT_NOSYNC);
	return n < 0 ? files_err((int)n) : 0;
}

int files_write_all(const char *path, const void *data, uint64_t size)
{
	int64_t n;

	if (!files_writable())
		return FOMOS_E_NODISK;
	n = fat_write(&files.vol, path, 0, data, size, FAT_CREATE | FAT_PARENTS | FAT_TRUNCATE);
	return n < 0 ? files_err((int)n) : 0;
}

int files_delete(const char *path)
{
	if (!files_writable())
		return FOMOS_E_NODISK;
	return files_err(fat_delete(&files.vol, path));
}

int files_flush(void)
{
	if (!files.dev)
		return FOMOS_E_NODISK;
	return files_err(fat_sync(&files.vol));
}
