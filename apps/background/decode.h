/*
 * decode.h: a PNG or JPEG file in memory to 0xFFRRGGBB pixels, with
 * stb_image (Debian's libstb-dev) and the C runtime's malloc.
 */
#ifndef BG_DECODE_H
#define BG_DECODE_H

#include <fomos.h>

/* The largest picture we accept (each side): bounds what a hostile file can
 * make us allocate to 8192 * 8192 * 4 = 256 MiB, over any quota anyway. */
#define BG_DECODE_MAX_SIDE 8192

/* Decodes `len` bytes; the pixels (width * height, opaque, row-major) come
 * from malloc and go back with free.  NULL if the file is not a PNG or JPEG
 * we can read, or memory ran out: *why then says why. */
uint32_t *bg_decode(const uint8_t *data, uint64_t len, uint32_t *width, uint32_t *height,
    const char **why);

#endif
