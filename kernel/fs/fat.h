/*
 * FAT32, read and write, with long file names (Microsoft's "FAT: General
 * Overview of On-Disk Format", v1.03, and its LFN chapter).
 *
 * Pure code: no kernel globals, no allocation.  Everything a volume needs
 * lives in a struct fat_vol the caller owns (about 20 KiB with its sector
 * cache); the disk is reached through a struct fat_io of 512-byte sectors.
 * The kernel's file service (files.c) passes the boot disk, the unit tests
 * and build/fattool pass memory or a file.
 *
 * Paths are absolute, '/'-separated, UTF-8 (Unicode's basic plane), and
 * compared without regard to ASCII case, as FAT does: "/fomos/data/app/x.txt".
 * "." and ".." components are refused, never followed.
 *
 * Crash consistency.  Every operation that changes the volume ends with
 * fat_sync() (but a fat_write with FAT_NOSYNC, which leaves its FAT and
 * folder changes in the cache for a later fat_sync), which writes in this
 * order, with a device flush between the steps that wrote something:
 *   1. file and directory data (written to the disk as it is produced, never
 *      cached), into clusters that are still free in the FAT on disk;
 *   2. the FAT sectors, every copy;
 *   3. directory entries and FSInfo.
 * Shrinking goes the other way: the directory entry that stops using a
 * chain is synced before the chain is freed, and freed clusters are given
 * out again only once the FAT saying they are free is on the disk (the
 * allocator syncs first if it must).  A cache that fills up between syncs
 * is written back in the same order.  So a power cut leaves at worst
 * a lost chain or a file whose chain is longer than its size (fsck.fat
 * repairs both); it never makes a file point at clusters another file owns.
 * Writing one file rewrites other files' FAT entries and directory entries
 * only with the values they already had (they share sectors).
 */
#ifndef FAT_H
#define FAT_H

#include <stddef.h>
#include <stdint.h>

/* Errors: the values of sdk/fomos.h's FOMOS_E_* where one fits. */
#define FAT_ENOTFOUND	(-2)	/* no such file or folder */
#define FAT_EIO		(-5)	/* the disk failed */
#define FAT_EEXIST	(-17)	/* already exists (mkdir, create exclusive) */
#define FAT_ENOTDIR	(-20)	/* a path component is a file */
#define FAT_EISDIR	(-21)	/* a folder where a file was expected */
#define FAT_EINVAL	(-22)	/* bad argument */
#define FAT_EFBIG	(-27)	/* past FAT's 4 GiB - 1 file size */
#define FAT_ENOSPC	(-28)	/* no free cluster, or the folder is full */
#define FAT_EROFS	(-30)	/* mounted read-only */
#define FAT_ENOTEMPTY	(-39)	/* deleting a folder that has entries */
#define FAT_EPATH	(-36)	/* malformed path or name */
#define FAT_ECORRUPT	(-74)	/* the volume's structures are inconsistent */

#define FAT_SECTOR	512
#define FAT_NAME_MAX	255	/* UTF-16 units in a long name */
#define FAT_CACHE_SLOTS	32

struct fat_io {
	void *ctx;
	/* Return 0 or a negative error (any: reported as FAT_EIO). */
	int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
	int (*flush)(void *ctx);		/* may be NULL */
	/* FAT date << 16 | FAT time for new and written entries; NULL: 2025-01-01. */
	uint32_t (*now)(void *ctx);
};

struct fat_cache_slot {
	uint64_t lba;
	uint32_t age;			/* last use, from fat_vol.clock */
	uint8_t valid, dirty;
	uint8_t data[FAT_SECTOR];
};

struct fat_vol {
	struct fat_io io;
	uint64_t base;			/* the volume's first sector on the disk */
	int writable;
	/* From the boot sector: */
	uint32_t spc;			/* sectors per cluster */
	uint32_t cluster_bytes;
	uint32_t reserved;		/* sectors before the first FAT */
	uint32_t nfats, fat_sectors;
	uint32_t root;			/* root folder's first cluster */
	uint32_t clusters;		/* data clusters: valid numbers are 2..clusters+1 */
	uint64_t data_start;		/* volume-relative sector of cluster 2 */
	uint32_t fsinfo;		/* its sector, 0 if none or invalid */
	char label[12];
	/* Kept up to date by every change: */
	uint32_t free_count;
	uint32_t next_free;		/* where the next allocation starts looking */
	int fsinfo_dirty;
	int data_written;		/* data went out since the last barrier */
	int freed;			/* clusters freed in the cache, not yet on disk */
	/* Where the last chain walk ended, to make sequential access O(1). */
	uint32_t hint_first, hint_index, hint_cluster;
	uint32_t clock;
	struct fat_cache_slot cache[FAT_CACHE_SLOTS];
	uint8_t scratch[8 * FAT_SECTOR];	/* partial sectors, FAT scans */
};

struct fat_stat {
	uint64_t size;
	int is_dir;
};

/*
 * Finds the FAT volume on a disk of `sectors` sectors: a FAT boot sector at
 * sector 0, else the first FAT-typed MBR partition (0x0B, 0x0C, 0xEF), else
 * the first GPT partition that is an EFI System Partition or basic data.
 * Sets *start and *count.  0, or a negative error with `why` set.
 */
int fat_find(const struct fat_io *io, uint64_t sectors, uint64_t *start, uint64_t *count,
    char *why, size_t why_len);
/* Checks the boot sector thoroughly and counts free clusters.  A volume
 * that fails any check is refused with `why` set ("bad sector size 1024"). */
int fat_mount(struct fat_vol *v, const struct fat_io *io, uint64_t start, uint64_t count,
    int writable, char *why, size_t why_len);

int fat_stat(struct fat_vol *v, const char *path, struct fat_stat *st);
/* Bytes read (short at the end of the file), or a negative error. */
int64_t fat_read(struct fat_vol *v, const char *path, uint64_t off, void *buf, uint64_t len);

#define FAT_CREATE	1u	/* fat_write: create the file if it is missing */
#define FAT_PARENTS	2u	/* ...and its missing folders */
#define FAT_TRUNCATE	4u	/* the file is emptied first (a replace) */
#define FAT_NOSYNC	8u	/* no fat_sync() at the end: the caller does it */
/* Writes len bytes at off, growing the file (a gap reads as zeros).
 * Returns len or a negative error.  With FAT_NOSYNC the data is on the
 * disk but the FAT and the entry that make it part of the file are not
 * (until fat_sync): a run of writes pays for one sync, not one each. */
int64_t fat_write(struct fat_vol *v, const char *path, uint64_t off, const void *buf,
    uint64_t len, uint32_t flags);
int fat_truncate(struct fat_vol *v, const char *path, uint64_t size);	/* shrink or grow */
int fat_mkdir(struct fat_vol *v, const char *path, uint32_t flags);	/* FAT_PARENTS */
int fat_delete(struct fat_vol *v, const char *path);	/* a file or an empty folder */
/* Calls fn for every entry of a folder but "." and ".." (name in UTF-8);
 * fn returns nonzero to stop.  Returns 0 or a negative error. */
int fat_list(struct fat_vol *v, const char *path,
    int (*fn)(void *arg, const char *name, int is_dir, uint64_t size), void *arg);
/* Writes what the cache holds (in the order above) and flushes the device. */
int fat_sync(struct fat_vol *v);

uint64_t fat_free_bytes(const struct fat_vol *v);
uint64_t fat_total_bytes(const struct fat_vol *v);
const char *fat_strerror(int err);

#endif
