/*
 * build/fattool: kernel/fs/fat.c on an image file, for test/test_fat.py and
 * for poking at disks by hand.
 *
 *	fattool IMAGE put PATH FILE	replace PATH with FILE's bytes (creates folders)
 *	fattool IMAGE write PATH OFFSET TEXT	write TEXT at OFFSET
 *	fattool IMAGE cat PATH		the file's bytes on stdout
 *	fattool IMAGE ls PATH		one line per entry: "d name" or "f name size"
 *	fattool IMAGE mkdir PATH
 *	fattool IMAGE rm PATH
 *	fattool IMAGE truncate PATH SIZE
 *	fattool IMAGE info		the volume's label, size and free space
 *
 * The image may be a bare FAT32 volume or a disk with an MBR or GPT.
 * Exit status 0, or 1 with "fattool: ..." on stderr.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fat.h"

static int img_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	ssize_t want = (ssize_t)n * FAT_SECTOR;

	return pread(*(int *)ctx, buf, (size_t)want, (off_t)(lba * FAT_SECTOR)) == want ? 0 : -1;
}

static int img_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	ssize_t want = (ssize_t)n * FAT_SECTOR;

	return pwrite(*(int *)ctx, buf, (size_t)want, (off_t)(lba * FAT_SECTOR)) == want ? 0 : -1;
}

static int img_flush(void *ctx)
{
	return fsync(*(int *)ctx);
}

static int ls_fn(void *arg, const char *name, int is_dir, uint64_t size)
{
	if (is_dir)
		printf("d %s\n", name);
	else
		printf("f %s %llu\n", name, (unsigned long long)size);
	return 0;
}

static int die(const char *what, int rc)
{
	fprintf(stderr, "fattool: %s: %s\n", what, fat_strerror(rc));
	return 1;
}

static int cmd_put(struct fat_vol *v, const char *path, const char *file)
{
	FILE *f = fopen(file, "rb");
	char *buf;
	long n;
	int64_t rc;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "fattool: cannot read %s\n", file);
		return 1;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "fattool: cannot read %s\n", file);
		return 1;
	}
	fclose(f);
	rc = fat_write(v, path, 0, buf, (uint64_t)n, FAT_CREATE | FAT_PARENTS | FAT_TRUNCATE);
	free(buf);
	return rc < 0 ? die(path, (int)rc) : 0;
}

static int cmd_cat(struct fat_vol *v, const char *path)
{
	struct fat_stat st;
	char *buf;
	int64_t n;
	int rc = fat_stat(v, path, &st);

	if (rc)
		return die(path, rc);
	buf = malloc(st.size + 1);
	n = fat_read(v, path, 0, buf, st.size);
	if (n < 0)
		return die(path, (int)n);
	fwrite(buf, 1, (size_t)n, stdout);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	static struct fat_vol vol;
	struct fat_io io = { 0 };
	struct stat sb;
	uint64_t start, count;
	char why[128];
	int fd, rc = 0;
	const char *cmd;

	if (argc < 3) {
		fprintf(stderr, "usage: fattool IMAGE put|write|cat|ls|mkdir|rm|truncate|info ...\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || fstat(fd, &sb)) {
		perror(argv[1]);
		return 1;
	}
	io.ctx = &fd;
	io.read = img_read;
	io.write = img_write;
	io.flush = img_flush;
	if ((rc = fat_find(&io, (uint64_t)sb.st_size / FAT_SECTOR, &start, &count, why, sizeof(why))) ||
	    (rc = fat_mount(&vol, &io, start, count, 1, why, sizeof(why)))) {
		fprintf(stderr, "fattool: %s: %s\n", argv[1], why);
		return 1;
	}
	cmd = argv[2];
	if (!strcmp(cmd, "info") && argc == 3) {
		printf("label %s\nsize %llu\nfree %llu\nstart %llu\n", vol.label,
		    (unsigned long long)fat_total_bytes(&vol), (unsigned long long)fat_free_bytes(&vol),
		    (unsigned long long)start);
	} else if (!strcmp(cmd, "put") && argc == 5) {
		rc = cmd_put(&vol, argv[3], argv[4]);
	} else if (!strcmp(cmd, "write") && argc == 6) {
		int64_t n = fat_write(&vol, argv[3], strtoull(argv[4], NULL, 0), argv[5],
		    strlen(argv[5]), FAT_CREATE | FAT_PARENTS);
		rc = n < 0 ? die(argv[3], (int)n) : 0;
	} else if (!strcmp(cmd, "cat") && argc == 4) {
		rc = cmd_cat(&vol, argv[3]);
	} else if (!strcmp(cmd, "ls") && argc == 4) {
		rc = fat_list(&vol, argv[3], ls_fn, NULL);
		rc = rc ? die(argv[3], rc) : 0;
	} else if (!strcmp(cmd, "mkdir") && argc == 4) {
		rc = fat_mkdir(&vol, argv[3], FAT_PARENTS);
		rc = rc ? die(argv[3], rc) : 0;
	} else if (!strcmp(cmd, "rm") && argc == 4) {
		rc = fat_delete(&vol, argv[3]);
		rc = rc ? die(argv[3], rc) : 0;
	} else if (!strcmp(cmd, "truncate") && argc == 5) {
		rc = fat_truncate(&vol, argv[3], strtoull(argv[4], NULL, 0));
		rc = rc ? die(argv[3], rc) : 0;
	} else {
		fprintf(stderr, "fattool: bad command\n");
		return 2;
	}
	close(fd);
	return rc;
}
