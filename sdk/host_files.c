/*
 * The boot disk's /fomos/data/ on Linux: app NAME's files are in
 * DATA/NAME/ (--data DATA, default ./fomos-data), where DATA/NAME/a/b.txt
 * is what the kernel keeps as /fomos/data/NAME/a/b.txt.  Which paths an
 * app may use is decided by the kernel's own rule, kernel/fpath.c, so a
 * path refused on the kernel is refused here.  Names are found as FAT
 * finds them, ignoring the case of ASCII letters ("SMALL.TXT" opens
 * small.txt); a new file or folder gets the name the app gave.
 *
 * Linux errors become the kernel's FOMOS_E_*; requests are done
 * synchronously here, and host_exec.c makes them asynchronous for the app
 * (queued by file(), done between calls).
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
#include "host.h"
#include "fpath.h"

#define HOST_PATH_MAX	4096

static const char *host_data = "fomos-data";

void host_files_init(const char *data_dir)
{
	host_data = data_dir;
}

int32_t host_files_check(const char *name, const char *rel)
{
	char out[FOMOS_PATH_MAX + 64];

	return fpath_app(name, rel, out, sizeof(out)) < 0 ? FOMOS_E_PATH : 0;
}

/* ASCII letters in either case are the same letter, as in FAT's names
 * (kernel/fat.c folds nothing else: other bytes must match exactly). */
static int host_files_same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a;
		char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 32) : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
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
		if (strlen(e->d_name) == n && host_files_same_name(e->d_name, path + *at) &&
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

/* DATA/NAME/REL on Linux, from fpath_app's checked path (which names the
 * app's folder from the volume's root or from /fomos/data: either way the
 * part from NAME on), each component found as FAT finds it: ignoring the
 * case of ASCII letters.  What does not exist yet keeps the name as
 * given, so a new file or folder is created with the app's spelling. */
static int32_t host_files_path(const char *name, const char *rel, char *path, size_t cap)
{
	char out[FOMOS_PATH_MAX + 64];
	const char *p = out, *end;
	static const char root[] = "/fomos/data/";
	size_t at;
	int32_t exists = 1;

	if (fpath_app(name, rel, out, sizeof(out)) < 0)
		return FOMOS_E_PATH;
	if (!strncmp(p, root, sizeof(root) - 1))
		p += sizeof(root) - 1;
	else if (!strncmp(p, root + 1, sizeof(root) - 2))
		p += sizeof(root) - 2;
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

static int host_files_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "name\n" per entry, folders "name/\n", sorted (the kernel gives the
 * folder's order; nobody should rely on either), NUL terminated.  A folder
 * the app never wrote to yet is empty, not missing.  If they do not all
 * fit, the entries that fit before the first that does not, and
 * FOMOS_E_TOOBIG (kernel/files.c does the same).  len is at least 1. */
static int32_t host_files_list(const char *path, int is_root, uint8_t *buf, uint64_t len,
    uint64_t *done)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	uint64_t at = 0;
	int32_t r = 0;

	if (!d)
		return errno == ENOENT && is_root ? (buf[0] = 0, 0) :
		    host_files_error(errno);
	while ((e = readdir(d))) {
		char full[HOST_PATH_MAX];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		if (n == cap) {
			char **more = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*names));

			if (!more) {
				r = FOMOS_E_NOMEM;
				break;
			}
			names = more;
		}
		if (asprintf(&names[n], "%s%s", e->d_name,
		    stat(full, &st) == 0 && S_ISDIR(st.st_mode) ? "/" : "") < 0) {
			r = FOMOS_E_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!r)
		qsort(names, n, sizeof(*names), host_files_cmp);
	for (i = 0; i < n; i++) {
		size_t l = strlen(names[i]);

		if (!r && at + l + 2 > len)
			r = FOMOS_E_TOOBIG;
		if (!r) {
			memcpy(buf + at, names[i], l);
			buf[at + l] = '\n';
			at += l + 1;
		}
		free(names[i]);
	}
	free(names);
	if (r && r != FOMOS_E_TOOBIG)
		return r;
	/* Full: what fitted, NUL terminated, and FOMOS_E_TOOBIG, as the kernel. */
	buf[at] = 0;
	*done = at;
	return r;
}

int32_t host_files_do(const char *name, uint32_t op, const char *rel, uint8_t *buf,
    uint64_t offset, uint64_t len, uint64_t *done)
{
	char path[HOST_PATH_MAX], tmp[HOST_PATH_MAX + 16];
	struct stat st;
	int32_t r = host_files_path(name, rel, path, sizeof(path));
	uint64_t at = 0;
	ssize_t n = 0;
	int fd;

	*done = 0;
	if (r < 0)
		return r;
	switch (op) {
	case FOMOS_FILE_READ:
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return host_files_error(errno);
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			return FOMOS_E_BADARG;
		}
		while (at < len && (n = pread(fd, buf + at, len - at, (off_t)(offset + at))) > 0)
			at += (uint64_t)n;
		r = at < len && n < 0 ? host_files_error(errno) : 0;
		close(fd);
		*done = at;
		return r;
	case FOMOS_FILE_WRITE:
	case FOMOS_FILE_REPLACE:
		if (offset + len < offset || (op == FOMOS_FILE_WRITE ? offset + len : len) > 0xffffffffull)
			return FOMOS_E_TOOBIG;	/* FAT's largest file: the same limit here */
		if ((r = host_files_parents(path)) < 0)
			return r;
		/* A replace is all or nothing: a new file renamed over the old. */
		snprintf(tmp, sizeof(tmp), "%s.fomos-tmp", path);
		fd = open(op == FOMOS_FILE_WRITE ? path : tmp, O_WRONLY | O_CREAT |
		    (op == FOMOS_FILE_REPLACE ? O_TRUNC : 0), 0644);
		if (fd < 0)
			return host_files_error(errno);
		while (at < len && (n = pwrite(fd, buf + at, len - at,
		    (off_t)((op == FOMOS_FILE_WRITE ? offset : 0) + at))) > 0)
			at += (uint64_t)n;
		r = at < len ? host_files_error(errno) : 0;
		if (close(fd) < 0 && !r)
			r = host_files_error(errno);
		if (op == FOMOS_FILE_REPLACE && !r && rename(tmp, path) < 0)
			r = host_files_error(errno);
		if (op == FOMOS_FILE_REPLACE && r)
			unlink(tmp);
		*done = r ? 0 : len;
		return r;
	case FOMOS_FILE_SIZE:
		if (stat(path, &st) < 0)
			return host_files_error(errno);
		if (S_ISDIR(st.st_mode))
			return FOMOS_E_BADARG;
		*done = (uint64_t)st.st_size;
		return 0;
	case FOMOS_FILE_LIST:
		if (!buf || !len)
			return FOMOS_E_BADARG;	/* refused when queued, as the kernel does */
		return host_files_list(path, !rel[0], buf, len, done);
	case FOMOS_FILE_DELETE:
		if (!rel[0])
			return FOMOS_E_BADARG;	/* the app's own folder stays */
		if (lstat(path, &st) < 0)
			return host_files_error(errno);
		return (S_ISDIR(st.st_mode) ? rmdir(path) : unlink(path)) < 0 ? host_files_error(errno) : 0;
	}
	return FOMOS_E_BADARG;
}
