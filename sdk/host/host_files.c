/*
 * The boot disk's /fomos/data/ on Linux, as the file system behind
 * ctx->file (kernel/fs/fsops.h): app NAME's files are in DATA/NAME/
 * (--data DATA, default ./fomos-data), where DATA/NAME/a/b.txt is what the
 * kernel keeps as /fomos/data/NAME/a/b.txt.  The requests themselves are
 * queued, checked and sliced by the executor's own file service
 * (kernel/exec/exec_files.c), exactly as on the kernel; this file only
 * reads and writes.  Names are found as FAT finds them, ignoring the case
 * of ASCII letters ("SMALL.TXT" opens small.txt); a new file or folder
 * gets the name the app gave.  Linux errors become the kernel's FOMOS_E_*.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fomos.h"
#include "fsops.h"
#include "fpath.h"
#include "host.h"

#define HOST_PATH_MAX	4096

static const char *host_data = "fomos-data";

void host_files_init(const char *data_dir)
{
	host_data = data_dir;
}

/* Appends component c (n bytes) to path (of length *at), as the entry of
 * that folder that FAT would find: the one named exactly so, else one whose
 * name differs only in the case of ASCII letters (the first in byte order
 * if Linux holds several), else c as given (a name to create).  Returns 1
 * if the entry exists, 0 if not, FOMOS_E_PATH if the path grew too long. */
static int32_t host_files_component(char *path, size_t *at, size_t cap, const char *c, size_t n)
{
	char best[256] = "";
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (*at + 1 + n + 1 > cap)
		return FOMOS_E_PATH;
	path[(*at)++] = '/';
	memcpy(path + *at, c, n);
	path[*at + n] = 0;
	if (lstat(path, &st) == 0) {
		*at += n;
		return 1;
	}
	path[*at - 1] = 0;
	d = opendir(path);
	path[*at - 1] = '/';
	while (d && (e = readdir(d))) {
		if (strlen(e->d_name) == n && fpath_same_name(e->d_name, path + *at) &&
		    (!best[0] || strcmp(e->d_name, best) < 0))
			snprintf(best, sizeof(best), "%s", e->d_name);
	}
	if (d)
		closedir(d);
	if (best[0])
		memcpy(path + *at, best, n);	/* the same length: only the case differs */
	*at += n;
	return best[0] != 0;
}

/* DATA/NAME/REL on Linux for the volume's /fomos/data/NAME/REL, each
 * component found as FAT finds it: ignoring the case of ASCII letters.
 * What does not exist yet keeps the name as given, so a new file or folder
 * is created with the app's spelling. */
static int32_t host_files_path(const char *volume_path, char *path, size_t cap)
{
	static const char root[] = "/fomos/data/";
	const char *p = volume_path, *end;
	size_t at;
	int32_t exists = 1;

	if (strncmp(p, root, sizeof(root) - 1))
		return FOMOS_E_PATH;	/* apps' files live there and nowhere else */
	p += sizeof(root) - 1;
	if ((at = (size_t)snprintf(path, cap, "%s", host_data)) >= cap)
		return FOMOS_E_PATH;
	for (; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, '/');
		if (end == p)
			continue;
		if (exists) {
			if ((exists = host_files_component(path, &at, cap, p, (size_t)(end - p))) < 0)
				return exists;
		} else {	/* below a missing folder nothing exists to match */
			if (at + 1 + (size_t)(end - p) + 1 > cap)
				return FOMOS_E_PATH;
			path[at++] = '/';
			memcpy(path + at, p, (size_t)(end - p));
			at += (size_t)(end - p);
			path[at] = 0;
		}
	}
	return 0;
}

static int32_t host_files_error(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:	return FOMOS_E_NOTFOUND;
	case ENOSPC:
	case EDQUOT:	return FOMOS_E_NOSPACE;
	case ENOMEM:	return FOMOS_E_NOMEM;
	case EFBIG:	return FOMOS_E_TOOBIG;
	case EISDIR:
	case ENOTEMPTY:
	case EEXIST:
	case EINVAL:	return FOMOS_E_BADARG;	/* a folder where a file was meant, or the reverse */
	}
	return FOMOS_E_IO;
}

/* mkdir -p of path's folder. */
static int32_t host_files_parents(const char *path)
{
	char dir[HOST_PATH_MAX];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p)
		return 0;
	*p = 0;
	for (p = dir + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = 0;
			if (mkdir(dir, 0755) < 0 && errno != EEXIST)
				return host_files_error(errno);
			*p = c;
			if (!c)
				return 0;
		}
	}
}

/* One entry of a listing: its name ('/' at the end for a folder, while
 * sorting) and, for a file, its size. */
struct host_entry {
	char *name;
	uint64_t size;
};

static int host_files_cmp(const void *a, const void *b)
{
	return strcmp(((const struct host_entry *)a)->name, ((const struct host_entry *)b)->name);
}

/* --- fsops.h ---------------------------------------------------------------------- */

static int host_files_writable(void)
{
	return 1;
}

static int64_t host_files_read(const char *volume_path, uint64_t offset, void *buf, uint64_t len)
{
	char path[HOST_PATH_MAX];
	int32_t r = host_files_path(volume_path, path, sizeof(path));
	uint64_t at = 0;
	ssize_t n = 0;
	struct stat st;
	int fd;

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return host_files_error(errno);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return FOMOS_E_BADARG;
	}
	while (at < len && (n = pread(fd, (uint8_t *)buf + at, len - at, (off_t)(offset + at))) > 0)
		at += (uint64_t)n;
	r = at < len && n < 0 ? host_files_error(errno) : 0;
	close(fd);
	return r < 0 ? r : (int64_t)at;
}

static int64_t host_files_write(const char *volume_path, uint64_t offset, const void *buf, uint64_t len,
    int truncate)
{
	char path[HOST_PATH_MAX];
	int32_t r = host_files_path(volume_path, path, sizeof(path));
	uint64_t at = 0;
	ssize_t n = 0;
	int fd;

	if (r < 0 || (r = host_files_parents(path)) < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | (truncate ? O_TRUNC : 0), 0644);
	if (fd < 0)
		return host_files_error(errno);
	while (at < len && (n = pwrite(fd, (const uint8_t *)buf + at, len - at, (off_t)(offset + at))) > 0)
		at += (uint64_t)n;
	r = at < len ? host_files_error(errno) : 0;
	if (close(fd) < 0 && !r)
		r = host_files_error(errno);
	return r < 0 ? r : (int64_t)at;
}

static int host_files_stat(const char *volume_path, uint64_t *size, int *is_dir)
{
	char path[HOST_PATH_MAX];
	int32_t r = host_files_path(volume_path, path, sizeof(path));
	struct stat st;

	if (r < 0)
		return r;
	if (stat(path, &st) < 0)
		return host_files_error(errno);
	*size = (uint64_t)st.st_size;
	*is_dir = S_ISDIR(st.st_mode);
	return 0;
}

/* The folder's entries, sorted (the kernel gives the folder's order;
 * nobody should rely on either). */
static int host_files_list(const char *volume_path, fs_list_fn *fn, void *arg)
{
	char path[HOST_PATH_MAX];
	int32_t r = host_files_path(volume_path, path, sizeof(path));
	struct host_entry *ents = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *e;
	DIR *d;

	if (r < 0)
		return r;
	if (!(d = opendir(path)))
		return host_files_error(errno);
	while ((e = readdir(d))) {
		char full[HOST_PATH_MAX];
		struct stat st;
		int is_dir;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		if (n == cap) {
			struct host_entry *more = realloc(ents, (cap = cap ? cap * 2 : 16) * sizeof(*ents));

			if (!more) {
				r = FOMOS_E_NOMEM;
				break;
			}
			ents = more;
		}
		if (stat(full, &st) != 0)
			memset(&st, 0, sizeof(st));	/* a dangling link: an empty file */
		is_dir = S_ISDIR(st.st_mode);
		ents[n].size = is_dir ? 0 : (uint64_t)st.st_size;
		/* A trailing '/' marks a folder while sorting; it is taken off. */
		if (asprintf(&ents[n].name, "%s%s", e->d_name, is_dir ? "/" : "") < 0) {
			r = FOMOS_E_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!r)
		qsort(ents, n, sizeof(*ents), host_files_cmp);
	for (i = 0; i < n; i++) {
		size_t l = strlen(ents[i].name);
		int is_dir = l && ents[i].name[l - 1] == '/';

		if (is_dir)
			ents[i].name[l - 1] = 0;
		if (!r && fn(arg, ents[i].name, is_dir, ents[i].size))
			r = 1;		/* the listing is full: stop */
		free(ents[i].name);
	}
	free(ents);
	return r == 1 ? 0 : r;
}

static int host_files_remove(const char *volume_path)
{
	char path[HOST_PATH_MAX];
	int32_t r = host_files_path(volume_path, path, sizeof(path));
	struct stat st;

	if (r < 0)
		return r;
	if (lstat(path, &st) < 0)
		return host_files_error(errno);
	return (S_ISDIR(st.st_mode) ? rmdir(path) : unlink(path)) < 0 ? host_files_error(errno) : 0;
}

/* Every write went straight to Linux, which keeps it. */
static int host_files_sync(void)
{
	return 0;
}

static const struct fs_ops host_files_ops = {
	host_files_writable, host_files_read, host_files_write, host_files_stat, host_files_list,
	host_files_remove, host_files_sync,
};

const struct fs_ops *host_files_fs(void)
{
	return &host_files_ops;
}
