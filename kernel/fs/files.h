/*
 * The boot disk's FAT32 volume, for the kernel's own files (run NAME from
 * the disk, snapshots) and, as a struct fs_ops, for apps' files (the
 * executor's file service does their requests: exec/exec_files.c).
 *
 * Calling order: files_init() once, after drivers_init() (the disks are
 * registered); then any of the calls below at any time between rounds.
 * They are synchronous.
 */
#ifndef FILES_H
#define FILES_H

#include <stdint.h>

struct fs_ops;

/* Finds the boot volume: the first disk with a FAT32 volume holding
 * /fomos/init.  Logs one line either way.  0, or FOMOS_E_NODISK. */
int files_init(void);
int files_ready(void);		/* a volume is mounted (maybe read-only) */
int files_writable(void);

/* The volume as apps' file system, or NULL if there is none. */
const struct fs_ops *files_app_fs(void);

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
