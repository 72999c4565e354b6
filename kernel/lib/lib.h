/*
 * The few C library functions the kernel has: mem* in lib.c, the str* ones
 * from the apps' C runtime (sdk/libfomos/string.c).  They keep their
 * standard names because clang emits calls to memcpy/memset by itself, and
 * because the pure modules (fmt, cfg, pmm, heap, ...) are also compiled
 * against the host's libc for the unit tests.
 */
#ifndef LIB_H
#define LIB_H

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strstr(const char *haystack, const char *needle);
size_t strcspn(const char *s, const char *reject);

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
/* For %llu and %llx: uint64_t is unsigned long on Linux (the host builds)
 * and unsigned long long on the kernel's LLP64 target. */
#define ULL(x)		((unsigned long long)(x))

#define PAGE_SIZE	4096ull

#endif
