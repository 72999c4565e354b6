/*
 * The composed screen as a PNG file (ISO/IEC 15948, the PNG spec): 8-bit
 * RGB, not interlaced, filter 0 on every row, one IDAT that zlib deflates.
 * What test/boot/png.py decodes, and what QEMU's screendump gives for the
 * kernel's screen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "host.h"

static void host_png_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Length, type, body, and the CRC of type and body (spec 5.3). */
static int host_png_chunk(FILE *f, const char *type, const uint8_t *body, uint32_t len)
{
	uint8_t head[8], tail[4];
	uLong crc = crc32(0, (const Bytef *)type, 4);

	crc = crc32(crc, body, len);	/* body is never NULL: crc32(c, NULL, 0) is 0 */
	host_png_be32(head, len);
	memcpy(head + 4, type, 4);
	host_png_be32(tail, (uint32_t)crc);
	return fwrite(head, 1, 8, f) == 8 && fwrite(body, 1, len, f) == len &&
	    fwrite(tail, 1, 4, f) == 4 ? 0 : -1;
}

int host_png_write(const char *path, const uint32_t *pixels, uint32_t width, uint32_t height)
{
	static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint64_t row = 1 + (uint64_t)width * 3, raw_len = row * height;
	uLongf z_len = compressBound(raw_len);
	uint8_t ihdr[13] = { 0 }, *raw = malloc(raw_len), *z = malloc(z_len);
	int err = -1, saved;
	FILE *f = NULL;
	uint64_t x, y;

	if (!raw || !z)
		goto out;
	for (y = 0; y < height; y++) {
		uint8_t *r = raw + y * row;

		*r++ = 0;	/* filter type None */
		for (x = 0; x < width; x++, r += 3) {
			uint32_t p = pixels[y * width + x];

			r[0] = (uint8_t)(p >> 16);
			r[1] = (uint8_t)(p >> 8);
			r[2] = (uint8_t)p;
		}
	}
	if (compress2(z, &z_len, raw, raw_len, Z_DEFAULT_COMPRESSION) != Z_OK) {
		errno = ENOMEM;
		goto out;
	}
	host_png_be32(ihdr, width);
	host_png_be32(ihdr + 4, height);
	ihdr[8] = 8;	/* bits per sample */
	ihdr[9] = 2;	/* colour type: RGB */
	f = fopen(path, "wb");
	if (!f || fwrite(signature, 1, 8, f) != 8 || host_png_chunk(f, "IHDR", ihdr, 13) < 0 ||
	    host_png_chunk(f, "IDAT", z, (uint32_t)z_len) < 0 ||
	    host_png_chunk(f, "IEND", (const uint8_t *)"", 0) < 0)
		goto out;
	err = 0;
out:
	saved = errno;
	if (f && fclose(f) != 0 && !err) {
		err = -1;
		saved = errno;
	}
	free(raw);
	free(z);
	errno = saved;
	return err;
}
