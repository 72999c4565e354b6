/*
 * The boot disk's files (files.h): kernel/fs/fat.c over drivers/blk.h's
 * synchronous helpers, for the kernel's own use (run NAME from the disk,
 * snapshots) and, through fsops.h, for the executor's file service, which
 * queues apps' requests and does them in slices (exec/exec_files.c).
 *
 * Writes for apps leave their FAT and entry changes in fat.c's cache
 * (FAT_NOSYNC), which keeps the write order whenever it writes them; the
 * executor syncs once per request.  The kernel's files_write_at does not
 * sync at all, so a writer of many pieces (snapshots) pays for one
 * files_flush.
 */
#include "blk.h"
#include "fat.h"
#include "files.h"
#include "fomos.h"
#include "fsops.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"


_Static_assert(FAT_ENOTFOUND == FOMOS_E_NOTFOUND && FAT_EIO == FOMOS_E_IO &&
    FAT_ENOSPC == FOMOS_E_NOSPACE, "fat.h errors follow fomos.h's");

static struct {
	struct blk_dev *dev;		/* the boot disk, NULL if none */
	int writable;
	struct fat_vol vol;
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

/* --- the file system behind ctx->file (fsops.h) ------------------------------------ */

static int64_t files_ops_read(const char *path, uint64_t offset, void *buf, uint64_t len)
{
	int64_t n = fat_read(&files.vol, path, offset, buf, len);

	return n < 0 ? files_err((int)n) : n;
}

/* Slices leave their FAT and entry changes in fat.c's cache (FAT_NOSYNC),
 * which keeps the write order whenever it writes them; the executor syncs
 * once per request. */
static int64_t files_ops_write(const char *path, uint64_t offset, const void *buf, uint64_t len, int truncate)
{
	int64_t n = fat_write(&files.vol, path, offset, buf, len,
	    FAT_CREATE | FAT_PARENTS | FAT_NOSYNC | (truncate ? FAT_TRUNCATE : 0));

	return n < 0 ? files_err((int)n) : n;
}

static int files_ops_stat(const char *path, uint64_t *size, int *is_dir)
{
	struct fat_stat st;
	int rc = fat_stat(&files.vol, path, &st);

	if (rc)
		return files_err(rc);
	*size = st.size;
	*is_dir = st.is_dir;
	return 0;
}

static int files_ops_list(const char *path, fs_list_fn *fn, void *arg)
{
	return files_err(fat_list(&files.vol, path, fn, arg));
}

static int files_ops_remove(const char *path)
{
	return files_err(fat_delete(&files.vol, path));
}

static int files_ops_sync(void)
{
	return files_err(fat_sync(&files.vol));
}

static const struct fs_ops files_ops = {
	files_writable, files_ops_read, files_ops_write, files_ops_stat, files_ops_list,
	files_ops_remove, files_ops_sync,
};

const struct fs_ops *files_app_fs(void)
{
	return files.dev ? &files_ops : NULL;
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
