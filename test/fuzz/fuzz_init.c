/*
 * libFuzzer target for /fomos/init and the `run` command's options:
 * init_parse into a small array (exactly max entries on the heap, so ASan
 * sees a write past it), and app_opts_parse on the raw input.  Whatever is
 * accepted must be an app name and options the kernel can use as they are.
 *
 *	build/fuzz/fuzz_init -max_total_time=60 test/fuzz/corpus/init
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "initfile.h"

#define FUZZ_MAX_APPS	3

static void
fuzz_report(void *arg, const char *msg)
{
	if (strncmp(msg, "init line ", 10) != 0 || strstr(msg, ": ") == NULL)
		abort();
}

static void
fuzz_check_opts(const struct app_opts *o)
{
	if (o->trace > 1 || o->nofb > 1 || o->nosys > 1 || o->admin > 1 || o->restart > 1 ||
	    o->quota < 4096 || o->quota > APP_QUOTA_MAX || o->disk > APP_DISK_MAX ||
	    o->spawn > APP_SPAWN_MAX || o->budget_ms < 1 || o->budget_ms > APP_BUDGET_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct init_entry *e = malloc(FUZZ_MAX_APPS * sizeof(*e));
	struct app_opts o;
	char why[128];
	uint32_t n, i;

	n = init_parse((const char *)data, size, e, FUZZ_MAX_APPS, fuzz_report, NULL);
	if (n > FUZZ_MAX_APPS)
		abort();
	for (i = 0; i < n; i++) {
		const char *end = memchr(e[i].name, '\0', APP_NAME_MAX);

		if (end == NULL || end == e[i].name ||
		    strspn(e[i].name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-.") != (size_t)(end - e[i].name))
			abort();
		fuzz_check_opts(&e[i].opts);
	}
	free(e);

	app_opts_default(&o);
	why[0] = '\0';
	if (app_opts_parse((const char *)data, size, &o, why, sizeof(why)) == 0)
		fuzz_check_opts(&o);
	else if (why[0] == '\0')
		abort();
	return 0;
}
