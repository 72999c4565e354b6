/*
 * decode.c: the wallpaper decoder.  stb_image.h (Debian's libstb-dev, read
 * from /usr/include/stb, never copied here) does the work, compiled into the
 * app freestanding: only PNG and JPEG, from memory, no stdio, no HDR, no
 * threads.  Its malloc, realloc, free and the few other libc functions it
 * calls are the SDK's C runtime's (sdk/libfomos), malloc over ctx->calloc.
 */
#include "decode.h"

#include <stdio.h>

/* An stb_image invariant broke: a bug, not bad input (bad input makes it
 * return NULL).  Say which and stop this app; the kernel reports the fault. */
static void bg_assert_failed(const char *what)
{
	puts("background: stb_image assertion failed:");
	puts(what);
	__builtin_trap();
}

#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_NO_THREAD_LOCALS
#define STBI_MAX_DIMENSIONS BG_DECODE_MAX_SIDE
#define STBI_ASSERT(x) ((x) ? (void)0 : bg_assert_failed(#x))
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION

/* Someone else's code, built with our flags: its warnings are not ours to
 * fix (the app's own code keeps -Wall -Wextra -Werror). */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Weverything"
#include <stb_image.h>	/* -I/usr/include/stb: that folder holds only stb */
#pragma clang diagnostic pop

/* A byte of the file, 0 past its end (as stb reads it). */
static uint8_t bg_byte(const uint8_t *data, uint64_t len, uint64_t i)
{
	return i < len ? data[i] : 0;
}

/* stb_image 2.27 (Debian's) builds a JPEG Huffman table without checking
 * that its 16 code counts add up to at most 256 symbols: a crafted file
 * writes past the table, over the decoder's own state.  So we walk the
 * file's markers first, as stb will, and refuse such a table.  Returns 0 if
 * a DHT segment holds one; anything else is stb's to judge. */
static int bg_jpeg_tables_ok(const uint8_t *data, uint64_t len)
{
	uint64_t i = 2, p;
	int64_t left;
	uint32_t n, k, seg;
	uint8_t m;

	if (len < 2 || data[0] != 0xff || data[1] != 0xd8)
		return 1;		/* not a JPEG */
	while (i + 4 <= len) {
		m = data[i + 1];
		if (data[i] != 0xff || m == 0xff) {
			i++;		/* entropy-coded data, or fill */
			continue;
		}
		if (m == 0x00 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			i += 2;		/* a stuffed 0xFF, TEM, or a restart marker */
			continue;
		}
		if (m == 0xd9)
			break;		/* end of image */
		seg = (uint32_t)(data[i + 2] << 8 | data[i + 3]);	/* counts its own 2 bytes */
		left = (int64_t)seg - 2;
		if (m == 0xc4) {
			for (p = i + 4; left > 0; p += 17 + n, left -= 17 + n) {
				for (n = 0, k = 1; k <= 16; k++)
					n += bg_byte(data, len, p + k);
				if (n > 256)
					return 0;
			}
		}
		i += 2 + seg;
	}
	return 1;
}

uint32_t *bg_decode(const uint8_t *data, uint64_t len, uint32_t *width, uint32_t *height,
    const char **why)
{
	int w, h, channels;
	uint8_t *rgba;
	uint32_t *px;
	uint64_t i, n;

	if (len > 0x7fffffff) {
		*why = "file over 2 GiB";
		return NULL;
	}
	if (!bg_jpeg_tables_ok(data, len)) {
		*why = "a JPEG Huffman table of over 256 codes";
		return NULL;
	}
	rgba = stbi_load_from_memory(data, (int)len, &w, &h, &channels, 4);
	if (!rgba) {
		*why = stbi_failure_reason();
		return NULL;
	}
	/* R, G, B, A bytes become 0xAARRGGBB words in place.  A wallpaper is
	 * opaque: a transparent pixel shows its colour as if alpha were 0xFF. */
	px = (uint32_t *)rgba;
	n = (uint64_t)w * (uint64_t)h;
	for (i = 0; i < n; i++) {
		const uint8_t *p = rgba + 4 * i;

		px[i] = 0xff000000u | (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	}
	*width = (uint32_t)w;
	*height = (uint32_t)h;
	return px;
}
