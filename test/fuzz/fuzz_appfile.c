/*
 * libFuzzer target for the app-file loader: the input is an app file.
 * Whatever appfile_check accepts is loaded the way exec.c loads it -- copied
 * into an image of exactly mem_size bytes with the bss zeroed, then
 * relocated for a home 1 TiB up -- so ASan sees any read or write outside
 * the file or the image.
 *
 *	build/fuzz/fuzz_appfile -max_total_time=60 test/fuzz/corpus/appfile
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "appfile.h"

#define FUZZ_CTX_VERSION	1
#define FUZZ_HOME		(1ull << 40)	/* exec.c's first home */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct appfile_header h;
	char why[128];
	uint8_t *image;

	why[0] = '\0';
	if (appfile_check(data, size, FUZZ_CTX_VERSION, why, sizeof(why)) != 0) {
		/* Refused: always with a reason, and a terminated one. */
		if (why[0] == '\0' || memchr(why, '\0', sizeof(why)) == NULL)
			abort();
		return 0;
	}
	memcpy(&h, data, sizeof(h));
	/* calloc: the bss is zero, and big images cost no page touching. */
	image = calloc(1, h.mem_size);
	if (image == NULL)
		abort();
	memcpy(image, data, size);
	appfile_relocate(image, FUZZ_HOME);
	free(image);
	return 0;
}
