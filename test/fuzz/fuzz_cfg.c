/*
 * libFuzzer target for /fomos/boot.cfg: cfg_parse on the input, with a
 * report callback that holds every message to the promised form.
 *
 *	build/fuzz/fuzz_cfg -max_total_time=60 test/fuzz/corpus/cfg
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"

/* Every problem is one full sentence about one line. */
static void
fuzz_report(void *arg, const char *msg)
{
	int *count = arg;

	if (strncmp(msg, "boot.cfg line ", 14) != 0 || strlen(msg) > 300)
		abort();
	(*count)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_cfg cfg;
	int reported = 0;

	cfg_defaults(&cfg);
	if (cfg_parse(&cfg, (const char *)data, size, fuzz_report, &reported) != reported)
		abort();
	if (cfg.width > 16384 || cfg.height > 16384 || (cfg.width == 0) != (cfg.height == 0))
		abort();
	if (memchr(cfg.fault, '\0', sizeof(cfg.fault)) == NULL || cfg.bench > 1)
		abort();
	/* And without a callback. */
	cfg_defaults(&cfg);
	cfg_parse(&cfg, (const char *)data, size, NULL, NULL);
	return 0;
}
