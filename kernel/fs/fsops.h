/*
 * What the executor's file service (exec/exec_files.c) needs of a file
 * system: the kernel's FAT32 boot volume (fs/files.c) or, under fomos-host,
 * a folder of the host (sdk/host/host_files.c).  Paths are absolute on the
 * boot volume ("/fomos/data/NAME/notes.txt"), already checked by fpath.c;
 * names are found ignoring the case of ASCII letters, as FAT does.
 *
 * Every call returns 0 (or a count of bytes) or a FOMOS_E_* (sdk/fomos.h).
 */
#ifndef FSOPS_H
#define FSOPS_H

#include <stdint.h>

/* One entry of a folder, with its size in bytes if it is a file (0 for a
 * folder); return nonzero to stop the listing. */
typedef int fs_list_fn(void *arg, const char *name, int is_dir, uint64_t size);

struct fs_ops {
	int (*writable)(void);
	/* Bytes read (short at the end of the file). */
	int64_t (*read)(const char *path, uint64_t offset, void *buf, uint64_t len);
	/* Writes len bytes at offset, creating the file and its folders;
	 * truncate: the file is emptied first.  Not yet synced. */
	int64_t (*write)(const char *path, uint64_t offset, const void *buf, uint64_t len, int truncate);
	int (*stat)(const char *path, uint64_t *size, int *is_dir);
	int (*list)(const char *path, fs_list_fn *fn, void *arg);
	int (*remove)(const char *path);	/* a file, or an empty folder */
	int (*sync)(void);			/* what was written is on the disk */
};

#endif
