/*
 * ctx->file (sdk/fomos.h, version 3): apps' file requests, checked when
 * they are queued and done between rounds, one slice at a time, on
 * whichever file system the platform gave (fsops.h).  Portable: the same
 * queue, checks and slices on the kernel and under fomos-host.
 *
 * Requests run strictly in the order they came, one slice (at most
 * FILES_SLICE bytes of disk work) at a time, so a big write never holds the
 * executor for long and a write followed by a read of the same file reads
 * what was written.  Data moves through a bounce buffer of the executor's
 * own memory (the kernel's disk can DMA to it).
 *
 * The request and its buffer were the app's memory when it queued them, but
 * an app can give pages back while a request is pending (a smaller window
 * unmaps the tail of its surface), so every copy to or from them checks
 * again (exec_app_range): a buffer that went away ends the request with
 * FOMOS_E_BADARG, a request struct that went away is dropped, and the
 * executor never faults on an app's behalf.
 *
 * An app's folder is /fomos/data/NAME/, NAME being the name of the file it
 * was started from (exec.c), not what its header claims; while it runs no
 * other app may use the same folder (FOMOS_E_BUSY).
 *
 * The files under an app's folder may hold at most its disk=N bytes
 * (initfile.h): a WRITE or REPLACE that would take them past it ends with
 * FOMOS_E_NOSPACE before anything is written (files_check_disk).
 *
 * FOMOS_FILE_REPLACE is done as "empty the file, then write it in slices":
 * a power cut in the middle leaves a short file, never another file hurt.
 * A write is synced once, when the whole request is done (the status the
 * app sees comes after the sync).
 */
#include "exec_priv.h"
#include "fpath.h"
#include "lib.h"
#include "log.h"

#define FILES_REQS	64		/* in flight, every app together */
#define FILES_PER_APP	16
#define FILES_SLICE	(64u * 1024)
#define FILES_PATH	(sizeof("/fomos/data/") + FPATH_NAME_MAX + 1 + FOMOS_PATH_MAX)
#define FILES_MAX_SIZE	0xFFFFFFFFull	/* FAT's largest file */
#define FILES_WALK_MAX	4096		/* entries and listings one disk check may take */
#define FILES_WALK_DEPTH	64		/* folders deep: a 127-byte path names at most 64 */

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
	const struct fs_ops *fs;	/* NULL: no disk */
	uint8_t *bounce;		/* FILES_SLICE bytes of the executor's memory */
	struct files_req reqs[FILES_REQS];
	uint64_t seq;
	uint32_t pending;
} fq;

void exec_set_fs(const struct fs_ops *fs)
{
	if (fs && !fq.bounce && !(fq.bounce = plat_alloc(FILES_SLICE))) {
		klog("files: no memory for the bounce buffer: files for apps are off\n");
		fs = NULL;
	}
	fq.fs = fs;
}

uint32_t exec_files_pending(void)
{
	return fq.pending;
}

/* The first running app to use a folder holds it until it ends. */
static int files_claim_folder(struct app *a)
{
	struct app *o;

	if (a->holds_folder)
		return 1;
	for (o = exec_apps; o; o = o->next)
		if (o != a && o->state == APP_RUNNING && o->holds_folder && fpath_same_name(o->name, a->name))
			return 0;
	a->holds_folder = 1;
	return 1;
}

/* The checks, in this order: a refused request is not touched (its status
 * stays what it was), an accepted one is pending when this returns. */
int32_t exec_files_submit(struct app *a, struct fomos_file *req)
{
	struct files_req *r = NULL;
	struct fomos_file q;
	uint32_t i, mine = 0;
	int out;
	int32_t rc;

	if (!exec_app_range(a, req, sizeof(*req), 1))
		return FOMOS_E_BADARG;		/* nowhere to put a status: just say no */
	memcpy(&q, req, sizeof(q));		/* read once: the checks hold for what is queued */
	switch (q.op) {
	case FOMOS_FILE_READ:
	case FOMOS_FILE_LIST:
		out = 1;			/* we write the buffer */
		break;
	case FOMOS_FILE_WRITE:
	case FOMOS_FILE_REPLACE:
		out = 0;			/* we read it */
		break;
	default:
		out = -1;
		break;
	}
	if (out >= 0 && q.len && !exec_app_range(a, q.buf, q.len, out))
		return FOMOS_E_BADARG;
	if (!fq.fs)
		return FOMOS_E_NODISK;
	if (q.op < FOMOS_FILE_READ || q.op > FOMOS_FILE_DELETE)
		return FOMOS_E_BADARG;
	if (strnlen(q.path, FOMOS_PATH_MAX) == FOMOS_PATH_MAX)
		return FOMOS_E_PATH;
	if (!fq.fs->writable() && q.op != FOMOS_FILE_READ && q.op != FOMOS_FILE_SIZE && q.op != FOMOS_FILE_LIST)
		return FOMOS_E_NODISK;
	if (q.op == FOMOS_FILE_LIST && (!q.buf || !q.len))
		return FOMOS_E_BADARG;
	/* REPLACE makes the file exactly buf[0..len): its offset means nothing. */
	if ((q.op == FOMOS_FILE_WRITE && (q.offset > FILES_MAX_SIZE || q.len > FILES_MAX_SIZE - q.offset)) ||
	    (q.op == FOMOS_FILE_REPLACE && q.len > FILES_MAX_SIZE))
		return FOMOS_E_TOOBIG;
	for (i = 0; i < FILES_REQS; i++) {
		if (fq.reqs[i].pid == a->pid)
			mine++;
		else if (!fq.reqs[i].pid && !r)
			r = &fq.reqs[i];
	}
	if (mine >= FILES_PER_APP || !r)
		return FOMOS_E_BUSY;
	if ((rc = fpath_app(a->name, q.path, r->path, sizeof(r->path))))
		return rc;
	if (!files_claim_folder(a))
		return FOMOS_E_BUSY;		/* another running app's folder */
	r->pid = a->pid;
	r->seq = fq.seq++;
	r->req = req;
	r->op = q.op;
	r->buf = q.buf;
	r->offset = q.offset;
	r->len = out >= 0 ? q.len : 0;
	r->done = 0;
	fq.pending++;
	req->done = 0;
	req->status = FOMOS_PENDING;
	return 0;
}

/* [p, p+len) is still memory of the request's app (writable if write). */
static int files_app_mem(const struct files_req *r, const void *p, uint64_t len, int write)
{
	struct app *a = exec_find(r->pid);

	return a && exec_app_range(a, p, len, write);
}

static void files_finish(struct files_req *r, int32_t status)
{
	if (!files_app_mem(r, r->req, sizeof(*r->req), 1)) {
		klog("files: pid %llu's request at %p is no longer its memory: dropped\n",
		    ULL(r->pid), (void *)r->req);
	} else {
		r->req->done = r->done;
		__asm__ volatile("" ::: "memory");	/* done before status: the app polls status */
		r->req->status = status;
	}
	r->pid = 0;
	fq.pending--;
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

	(void)size;
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
	struct files_list l = { (char *)fq.bounce, MIN(r->len, FILES_SLICE), 0, 0 };
	int rc = fq.fs->list(r->path, files_list_fn, &l);

	/* An app that never wrote a file has no folder yet: it is empty. */
	if (rc == FOMOS_E_NOTFOUND && files_is_app_folder(r->path))
		rc = 0;
	if (rc)
		return rc;
	l.out[l.used] = 0;
	if (!files_app_mem(r, r->buf, l.used + 1, 1))
		return FOMOS_E_BADARG;
	memcpy(r->buf, l.out, l.used + 1);
	r->done = l.used;
	return l.full ? FOMOS_E_TOOBIG : 0;
}

/* --- the disk=N cap ------------------------------------------------------------------ *
 *
 * What the files under an app's folder hold is summed from the file system
 * when a write needs it, not kept: nothing can go stale.  One listing at a
 * time (a file system need not list inside a listing), in fixed memory: to
 * go into a folder's k-th subfolder the walk lists the folder again up to
 * it.  Every entry and listing counts against FILES_WALK_MAX, and a tree
 * that needs more is taken as full: the disk work one write can cause is
 * bounded, whatever an app built.  Subfolders the walk cannot name (too
 * long, too deep, renamed by the file system) are skipped: the app could
 * not name them either, so cannot write there. */
struct files_walk {
	char path[FILES_PATH];		/* the folder being listed */
	char name[FILES_PATH];		/* the subfolder found in it */
	uint64_t bytes;			/* of the files summed so far */
	uint32_t seen;			/* entries and listings, all together */
	uint32_t want;			/* the subfolder to find, counting folders from 0 */
	uint32_t folders;		/* folders met in this listing */
	int sum;			/* first listing of this folder: sum its files */
	int found;			/* name holds subfolder `want` (-1: too long) */
	int full;			/* went past FILES_WALK_MAX */
};

static int files_walk_fn(void *arg, const char *name, int is_dir, uint64_t size)
{
	struct files_walk *w = arg;
	size_t n;

	if (++w->seen > FILES_WALK_MAX) {
		w->full = 1;
		return 1;
	}
	if (!is_dir) {
		if (w->sum)	/* saturating: UINT64_MAX is more than any cap */
			w->bytes = size > UINT64_MAX - w->bytes ? UINT64_MAX : w->bytes + size;
		return 0;
	}
	if (w->folders++ != w->want)
		return 0;
	n = strlen(name);
	if (n < sizeof(w->name)) {
		memcpy(w->name, name, n + 1);
		w->found = 1;
	} else {
		w->found = -1;
	}
	return !w->sum;		/* a first listing goes on: its files count */
}

/* The bytes of the files under folder (recursively) in *bytes, UINT64_MAX
 * for a tree too big to walk.  0, or a FOMOS_E_* from the file system. */
static int32_t files_folder_bytes(const char *folder, uint64_t *bytes)
{
	static struct files_walk w;		/* 400 bytes: off the kernel stack */
	static uint32_t next[FILES_WALK_DEPTH + 1];	/* per depth: the subfolder to enter next */
	uint32_t depth = 0;
	size_t len;
	int rc;

	memset(&w, 0, sizeof(w));
	memcpy(w.path, folder, strnlen(folder, sizeof(w.path) - 1));
	next[0] = 0;
	for (;;) {
		w.want = next[depth];
		w.sum = next[depth] == 0;
		w.folders = 0;
		w.found = 0;
		w.seen++;
		rc = fq.fs->list(w.path, files_walk_fn, &w);
		if (w.full || w.seen > FILES_WALK_MAX) {
			*bytes = UINT64_MAX;
			return 0;
		}
		/* No folder yet (nothing written), or one the listing renamed. */
		if (rc == FOMOS_E_NOTFOUND)
			w.found = 0;
		else if (rc)
			return rc;
		if (w.found) {
			next[depth]++;
			len = strlen(w.path);
			if (w.found > 0 && depth < FILES_WALK_DEPTH && len + 1 + strlen(w.name) < sizeof(w.path)) {
				w.path[len] = '/';
				memcpy(w.path + len + 1, w.name, strlen(w.name) + 1);
				next[++depth] = 0;
			}
			continue;
		}
		if (depth == 0)
			break;
		for (len = strlen(w.path); w.path[len - 1] != '/'; len--)
			;
		w.path[len - 1] = 0;	/* back to the parent */
		depth--;
	}
	*bytes = w.bytes;
	return 0;
}

/* r, a WRITE or REPLACE about to start: 0 if the app's files may grow to
 * what it makes them, else FOMOS_E_NOSPACE (or the file system's error).
 * A request that leaves its file no bigger always may, even over the cap
 * (a cap lowered since must not stop an app from shrinking), except that
 * disk=0 refuses every write.  Checked on the folder as it is now: the
 * requests before this one are done, and no other app writes into this
 * folder (files_claim_folder). */
static int32_t files_check_disk(const struct files_req *r)
{
	struct app *a = exec_find(r->pid);
	char folder[FILES_PATH];
	uint64_t old = 0, grown, total, others;
	int is_dir;
	int32_t rc;

	if (!a)
		return FOMOS_E_BADARG;
	if (a->opts.disk == 0)
		return FOMOS_E_NOSPACE;
	rc = fq.fs->stat(r->path, &old, &is_dir);
	if (rc == FOMOS_E_NOTFOUND || (rc == 0 && is_dir))
		old = 0;		/* a folder there fails the write itself */
	else if (rc)
		return rc;
	/* Both at most FILES_MAX_SIZE, offset + len too (exec_files_submit). */
	grown = r->op == FOMOS_FILE_REPLACE ? r->len : MAX(old, r->offset + r->len);
	if (grown <= old)
		return 0;
	if ((rc = fpath_app(a->name, "", folder, sizeof(folder))) ||
	    (rc = files_folder_bytes(folder, &total)))
		return rc;
	/* The walk saw the file at its old size.  others + grown may not
	 * exceed the cap, asked without the sum that could wrap. */
	others = total - MIN(old, total);
	return total == UINT64_MAX || grown > a->opts.disk || others > a->opts.disk - grown ?
	    FOMOS_E_NOSPACE : 0;
}

/* One slice of r.  Returns 1 if r is finished (status set). */
static int files_step(struct files_req *r)
{
	uint64_t chunk = MIN(r->len - r->done, FILES_SLICE), size;
	int64_t n;
	int32_t rc = 0;
	int is_dir;

	switch (r->op) {
	case FOMOS_FILE_READ:
		/* Even an empty read says whether the file is there. */
		if (chunk)
			n = fq.fs->read(r->path, r->offset + r->done, fq.bounce, chunk);
		else if ((n = fq.fs->stat(r->path, &size, &is_dir)) == 0 && is_dir)
			n = FOMOS_E_BADARG;
		if (n < 0) {
			rc = (int32_t)n;
			break;
		}
		if (!files_app_mem(r, r->buf + r->done, (uint64_t)n, 1)) {
			rc = FOMOS_E_BADARG;
			break;
		}
		memcpy(r->buf + r->done, fq.bounce, (uint64_t)n);
		r->done += (uint64_t)n;
		if ((uint64_t)n == chunk && r->done < r->len)
			return 0;
		break;
	case FOMOS_FILE_WRITE:
	case FOMOS_FILE_REPLACE:
		if (r->done == 0 && (rc = files_check_disk(r)) != 0)
			break;
		if (!files_app_mem(r, r->buf + r->done, chunk, 0)) {
			rc = FOMOS_E_BADARG;
			break;
		}
		memcpy(fq.bounce, r->buf + r->done, chunk);
		n = fq.fs->write(r->path, (r->op == FOMOS_FILE_REPLACE ? 0 : r->offset) + r->done,
		    fq.bounce, chunk, r->op == FOMOS_FILE_REPLACE && r->done == 0);
		if (n < 0) {
			rc = (int32_t)n;
			break;
		}
		r->done += chunk;
		if (r->done < r->len)
			return 0;
		break;
	case FOMOS_FILE_SIZE:
		rc = fq.fs->stat(r->path, &size, &is_dir);
		if (!rc && is_dir)
			rc = FOMOS_E_BADARG;
		if (!rc)
			r->done = size;
		break;
	case FOMOS_FILE_LIST:
		rc = files_do_list(r);
		break;
	case FOMOS_FILE_DELETE:
		rc = fq.fs->remove(r->path);
		break;
	}
	/* A write is done (or failed: the entry tells how far it got) only
	 * once it is on the disk. */
	if (r->op == FOMOS_FILE_WRITE || r->op == FOMOS_FILE_REPLACE) {
		int32_t sync = fq.fs->sync();

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
		if (fq.reqs[i].pid && (!best || fq.reqs[i].seq < best->seq))
			best = &fq.reqs[i];
	return best;
}

void exec_files_poll(uint64_t budget_ns)
{
	uint64_t start;
	struct files_req *r;

	if (!fq.pending)
		return;		/* the usual case, once a millisecond: no clock read */
	start = plat_now_ns();
	while (fq.pending && (r = files_oldest())) {
		files_step(r);
		if (plat_now_ns() - start >= budget_ns)
			break;
	}
}

void exec_files_cancel(uint64_t pid)
{
	uint32_t i;
	int wrote = 0;

	for (i = 0; i < FILES_REQS; i++) {
		if (pid && fq.reqs[i].pid == pid) {
			/* A write cut short: what its slices did still gets synced. */
			if ((fq.reqs[i].op == FOMOS_FILE_WRITE || fq.reqs[i].op == FOMOS_FILE_REPLACE) &&
			    fq.reqs[i].done)
				wrote = 1;
			fq.reqs[i].pid = 0;
			fq.pending--;
		}
	}
	if (wrote)
		fq.fs->sync();
}
