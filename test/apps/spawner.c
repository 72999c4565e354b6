/*
 * spawner: starts quitter (an app that ends at once) SPAWNS times through
 * ctx->system("run quitter"), ten per call, then asks `ps` whether the
 * latest one is listed and `mem` how much kernel heap is in use, before and
 * after: ended apps must be freed, not pile up.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fomos.h>

#define SPAWNS	300

struct spawner {
	uint32_t started, checking;
	uint64_t last_pid, heap_before;
	char out[16384];
};

/* "kernel heap N KiB used" in mem's answer. */
static uint64_t heap_kib(struct fomos_ctx *ctx, struct spawner *s)
{
	const char *p;

	ctx->system("mem", 3, s->out, sizeof(s->out));
	p = strstr(s->out, "kernel heap ");
	return p ? strtoul(p + 12, NULL, 10) : 0;
}

/* The pid in "started quitter as pid N". */
static uint64_t started_pid(const char *s)
{
	while (*s && !isdigit((unsigned char)*s))
		s++;
	return strtoul(s, NULL, 10);
}

/* A row of ps for that pid, in the state wanted. */
static int ps_shows(const char *out, uint64_t pid, const char *state)
{
	char row[32];
	size_t n = (size_t)snprintf(row, sizeof(row), "%lu quitter ", pid);
	const char *p;

	for (p = out; (p = strstr(p, row)); p++) {
		const char *q = p + n;

		while (*q == ' ')
			q++;
		if (strncmp(q, state, strlen(state)) == 0)
			return 1;
	}
	return 0;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct spawner *s = fomos_state(ctx, sizeof(*s));
	int i;

	if (!s)
		return -1;
	if (!s->started)
		s->heap_before = heap_kib(ctx, s);
	for (i = 0; i < 10 && s->started < SPAWNS; i++, s->started++)
		if (ctx->system("run quitter", 11, s->out, sizeof(s->out)) > 0)
			s->last_pid = started_pid(s->out);
	/* One more call: the last ones run (and end) after this one returns. */
	if (s->started < SPAWNS || !s->checking++)
		return 0;
	printf("spawner: started %u, the last as pid %lu", s->started, s->last_pid);
	ctx->system("ps", 2, s->out, sizeof(s->out));
	printf("spawner: ps shows the latest ended: %s", ps_shows(s->out, s->last_pid, "ended") ? "yes" : "no");
	printf("spawner: kernel heap before %lu KiB, after %lu KiB", s->heap_before, heap_kib(ctx, s));
	return -1;
}
