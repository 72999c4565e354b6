/* string.h for stb_image.h: sdk/fomos_rt.c links these into every app. */
#ifndef BG_SHIM_STRING_H
#define BG_SHIM_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
