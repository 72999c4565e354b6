/*
 * The file service: the boot disk's FAT volume, for the kernel (run NAME
 * from disk, snapshots) and for apps (ctx->file, sdk/fomos.h version 3).
 *
 * Calling order:
 *	files_init()		once, after drivers_init() (the disks are registered)
 *	files_submit()		from ctx->file, with req and req->buf checked to lie
 *				in the app's home
 *	files_poll(budget)	once per executor turn: does queued app requests in
 *				slices of at most 64 KiB and sets their status
 *	files_cancel(pid)	when an app ends: its requests are forgotten
 * The kernel's own calls (files_read_all ...) are synchronous and may be
 * made at any time between polls.
 */
#ifndef FILES_H
#define FILES_H

#include <stdint.h>

struct fomos_file;

/* Finds the boot volume: the first disk with a FAT32 volume holding
 * /fomos/init.  Logs one line either way.  0, or FOMOS_E_NODISK. */
int files_init(void);
int files_ready(void);		/* a volume is mounted (maybe read-only) */
int files_writable(void);

/* Queues an app's request (copied: later changes by the app do not matter).
 * Returns 0 with req->status = FOMOS_PENDING, or a FOMOS_E_* and nothing
 * queued.  At most 16 requests per app are in flight (FOMOS_E_BUSY). */
int32_t files_submit(uint64_t pid, const char *app_name, struct fomos_file *req);
void files_poll(uint64_t budget_ns);
void files_cancel(uint64_t pid);
uint32_t files_pending(void);	/* requests queued, all apps */

/* The kernel's own files, by absolute path ("/fomos/apps/x.app").  All
 * return 0 or a FOMOS_E_*. */
int files_read_all(const char *path, void **data, uint64_t *size);	/* kmalloc'd, kfree it */
int files_write_all(const char *path, const void *data, uint64_t size);	/* replace */
/* Not synced: the data may be on the disk, but the file is not sure to
 * hold it until files_flush(), and writes made after a files_flush reach
 * the disk after everything before it (a header written last goes after
 * its body only with a files_flush between them).  files_write_all and
 * files_delete sync themselves. */
int files_write_at(const char *path, uint64_t offset, const void *data, uint64_t len);
int files_read_at(const char *path, uint64_t offset, void *data, uint64_t len, uint64_t *got);
int files_size(const char *path, uint64_t *size);
int files_delete(const char *path);
int files_flush(void);	/* fat_sync: everything written so far is on the disk */

#endif
