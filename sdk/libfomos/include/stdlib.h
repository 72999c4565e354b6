/*
 * <stdlib.h> of the Fomos C runtime.
 *
 * malloc and friends sit on the context's calloc and free: each block
 * starts 16 bytes after what ctx->calloc gave, behind a header with its
 * size, so results are 16-byte aligned and memory comes zeroed (C does not
 * promise it; do not count on it).  They use the context of the current
 * call, which the runtime's entry (__fomos_entry) records before it calls
 * start(); a service function runs with the same context address.
 */
#ifndef FOMOS_STDLIB_H
#define FOMOS_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);
/* What a block holds: the size last asked of malloc or realloc (0 for NULL). */
size_t fomos_block_size(const void *ptr);

void qsort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *));

long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int atoi(const char *s);
int abs(int v);
long labs(long v);

#endif
