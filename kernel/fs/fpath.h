/*
 * Paths apps give for their files (sdk/fomos.h, version 3), checked before
 * any disk is touched.  An app names files relative to its own folder,
 * /fomos/data/NAME/; nothing it writes may lead anywhere else.  Shared by the
 * kernel's file service and fomos-host.
 */
#ifndef FPATH_H
#define FPATH_H

#include <stddef.h>

#define FPATH_REL_MAX	127	/* FOMOS_PATH_MAX - 1 */
#define FPATH_NAME_MAX	32	/* an app name, as the loader allows */

/*
 * Turns `rel` ("notes.txt", "a/b.dat", "" for the folder itself) into
 * "/fomos/data/NAME/rel" in out.  Refused with FOMOS_E_PATH: a leading '/',
 * "." or ".." or empty components, a trailing '/', backslashes, control
 * characters, characters FAT forbids (" * : < > ? |), names ending in '.'
 * or ' ', components over 255 bytes, rel over FPATH_REL_MAX bytes, an app
 * name that is not [A-Za-z0-9_.-]+, or an out too small.  Returns 0.
 */
int fpath_app(const char *app_name, const char *rel, char *out, size_t cap);

/* 1 if a and b name the same entry as FAT compares names: ASCII letters in
 * either case are the same letter, every other byte must match. */
int fpath_same_name(const char *a, const char *b);

#endif
