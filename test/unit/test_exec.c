/*
 * The executor core (kernel/exec/exec.c), as the kernel and fomos-host run
 * it, over the unit tests' platform (fake_plat.c): its apps are C functions
 * that do what a hostile or a careless app does.
 */
#include <stdio.h>
#include <string.h>
#include "exec.h"
#include "exec_priv.h"
#include "fake_plat.h"
#include "inputhub.h"
#include "unit.h"

static uint8_t kernel_secret[64] = "the kernel's own memory";

/* What the apps saw, for the test to check. */
static struct {
	uint64_t calls, after_misuse, pid;
	int64_t ret;
	int32_t status;
	char out[256];
} seen;

static int app_noop(struct fomos_ctx *ctx)
{
	(void)ctx;
	seen.calls++;
	return 0;
}

static int app_exit3(struct fomos_ctx *ctx)
{
	(void)ctx;
	seen.calls++;
	return -3;
}

/* The ranges an app may hand a service, from its own home's layout. */
void
exec_app_range_takes_only_the_apps_mapped_parts_and_never_wraps(void)
{
	struct app *a;
	uint64_t h, img_end;

	fake_reset(1);
	fake_app("ranges", "ranges", app_noop, NULL);
	CHECK(fake_start("ranges", "quota=64K") > 0);
	a = exec_apps;
	CHECK(a != NULL);
	if (!a)
		return;
	h = a->home;
	img_end = h + a->image_bytes;
	/* Its own memory: the image (read), data (write), surface, stack. */
	CHECK(exec_app_range(a, (void *)h, 16, 0));
	CHECK(!exec_app_range(a, (void *)h, 16, 1));			/* the header is read-only */
	CHECK(!exec_app_range(a, (void *)(h + 0x1000), 8, 1));		/* so is its code */
	CHECK(exec_app_range(a, (void *)(h + a->data_start), 8, 1));
	CHECK(exec_app_range(a, (void *)(img_end - 8), 8, 1));
	CHECK(!exec_app_range(a, (void *)(img_end - 8), 9, 0));		/* one byte past the image */
	CHECK(exec_app_range(a, (void *)(h + EXEC_SURFACE_OFFSET), a->surface_bytes, 1));
	CHECK(exec_app_range(a, (void *)(a->stack_top - 8), 8, 1));
	CHECK(!exec_app_range(a, (void *)(a->stack_top - EXEC_STACK_SIZE - 8), 16, 1));
	/* The arena only as far as it is mapped. */
	CHECK(!exec_app_range(a, (void *)(h + EXEC_ARENA_OFFSET), 8, 0));
	/* Ranges whose end wraps past 2^64, from inside the home or near the top. */
	CHECK(!exec_app_range(a, (void *)(img_end - 8), UINT64_MAX - 4, 0));
	CHECK(!exec_app_range(a, (void *)(h + a->data_start), 0 - (h + a->data_start) + 16, 1));
	CHECK(!exec_app_range(a, (void *)0xffffffffffffff00ull, 0x100, 0));
	CHECK(!exec_app_range(a, (void *)0xffffffffffffff00ull, 0x1000, 0));
	/* The kernel's memory, another home, NULL. */
	CHECK(!exec_app_range(a, kernel_secret, sizeof(kernel_secret), 0));
	CHECK(!exec_app_range(a, (void *)(h + EXEC_HOME_SIZE), 8, 0));
	CHECK(!exec_app_range(a, NULL, 1, 0));
	/* Nothing at all is always fine. */
	CHECK(exec_app_range(a, kernel_secret, 0, 1));
	fake_done();
}

/* Each hostile app hands one service one bad pointer: wrapping, the
 * kernel's memory, or its home where nothing is mapped. */
static uint32_t hostile_case;

static int app_hostile(struct fomos_ctx *ctx)
{
	uint64_t h = fake_home(), unmapped = h + EXEC_ARENA_OFFSET + (64ull << 20);
	char *stackbuf = (char *)fake_current()->stack_top - 512;
	char *ps = stackbuf - 64;

	memcpy(ps, "ps", 2);
	seen.calls++;
	switch (hostile_case) {
	case 0: ctx->log((const char *)0xffffffffffffff00ull, 0x100); break;
	case 1: ctx->log((const char *)kernel_secret, sizeof(kernel_secret)); break;
	case 2: ctx->log((const char *)unmapped, 16); break;
	case 3: seen.ret = ctx->system((const char *)0xfffffffffffffff0ull, 0x20, stackbuf, 64); break;
	case 4: seen.ret = ctx->system(ps, 2, (char *)kernel_secret, sizeof(kernel_secret)); break;
	case 5: seen.ret = ctx->system(ps, 2, stackbuf, 0xffffffffu); break;
	case 6: ctx->term_read((char *)kernel_secret, 16); break;
	case 7: ctx->term_write((const char *)(h + 0x1000), 0xfffff000u); break;
	case 8: ctx->term_write((const char *)unmapped, 1); break;
	case 9: ctx->free(kernel_secret + 16); break;
	case 10: ctx->free((void *)0xfffffffffffffff0ull); break;
	}
	seen.after_misuse++;
	return 0;
}

/* How each ends: the start of the reason, and its end. */
static const char *const hostile_words[][2] = {
	{ "log(0xffffffffffffff00, 256)", ": not its memory" },
	{ "log(0x", ", 64): not its memory" },
	{ "log(0x", ", 16): not its memory" },
	{ "system(0xfffffffffffffff0, 32, 0x", ", 64): not its memory" },
	{ "system(0x", ", 2, 0x", },
	{ "system(0x", ", 4294967295): not its memory" },
	{ "term_read(0x", ", 16): not its memory" },
	{ "term_write(0x", ", 4294963200): not its memory" },
	{ "term_write(0x", ", 1): not its memory" },
	{ "free(0x", "): not a pointer calloc returned" },
	{ "free(0xfffffffffffffff0)", ": not a pointer calloc returned" },
};

void
exec_hostile_pointers_end_the_app_at_once_and_the_others_go_on(void)
{
	uint8_t before[sizeof(kernel_secret)];
	uint32_t i;

	memcpy(before, kernel_secret, sizeof(before));
	for (i = 0; i < sizeof(hostile_words) / sizeof(hostile_words[0]); i++) {
		int64_t pid, good;
		const char *line, *end, *tail;
		char want[160];

		fake_reset(0);
		fake_app("hostile", "hostile", app_hostile, NULL);
		fake_app("good", "good", app_noop, NULL);
		hostile_case = i;
		memset(&seen, 0, sizeof(seen));
		good = fake_start("good", NULL);
		pid = fake_start("hostile", NULL);
		CHECK(good > 0 && pid > 0);
		fake_round();
		CHECK_EQ_U64(seen.after_misuse, 0);	/* ended inside the service, not after it */
		CHECK(exec_find((uint64_t)pid) == NULL);
		snprintf(want, sizeof(want), "exec: hostile[%lld] stopped: %s", (long long)pid, hostile_words[i][0]);
		line = strstr(fake_log(), want);
		end = line ? strchr(line, '\n') : NULL;
		tail = line ? strstr(line, hostile_words[i][1]) : NULL;
		if (!line || !tail || tail > end)
			unit_fail(__FILE__, __LINE__, "case %u: no '%s...%s' in:\n%s", i, want, hostile_words[i][1],
			    fake_log());
		CHECK(!fake_logged("the kernel's own memory"));
		fake_round();
		fake_round();
		CHECK_EQ_U64(seen.calls, 4);	/* good 3 times, hostile once */
		CHECK(exec_find((uint64_t)good) != NULL);
		fake_done();
	}
	CHECK(!memcmp(before, kernel_secret, sizeof(before)));
}

/* file() has a status to answer with: a bad request or buffer is
 * FOMOS_E_BADARG, and nothing is queued. */
static int app_file_hostile(struct fomos_ctx *ctx)
{
	struct fomos_file *req = (struct fomos_file *)(fake_home() + 2 * 4096);	/* its data page */
	int32_t r[6];

	memset(req, 0, sizeof(*req));
	req->op = FOMOS_FILE_READ;
	strcpy(req->path, "x");
	r[0] = ctx->file((struct fomos_file *)kernel_secret);
	r[1] = ctx->file((struct fomos_file *)0xffffffffffffffc0ull);
	req->buf = (void *)(fake_home() + 2 * 4096 + 1024);
	req->len = 0xfffffffffffff000ull;		/* wraps */
	r[2] = ctx->file(req);
	req->buf = kernel_secret;
	req->len = 8;
	r[3] = ctx->file(req);
	req->buf = (void *)(fake_home() + 0x1000);	/* its own code: a read would write there */
	r[4] = ctx->file(req);
	req->op = FOMOS_FILE_WRITE;
	req->buf = (void *)(fake_home() + 0x1000);	/* reading its code is fine */
	req->len = 16;
	r[5] = ctx->file(req);
	for (int i = 0; i < 6; i++)
		seen.out[i] = (char)-r[i];
	seen.calls++;
	return -1;
}

void
exec_file_refuses_wild_requests_and_buffers_with_badarg(void)
{
	uint64_t size;

	fake_reset(0);
	fake_fs_init(1);
	fake_app("filewild", "filewild", app_file_hostile, NULL);
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("filewild", NULL) > 0);
	fake_round();
	for (int i = 0; i < 5; i++)
		if (seen.out[i] != -FOMOS_E_BADARG)
			unit_fail(__FILE__, __LINE__, "request %d answered %d", i, -seen.out[i]);
	CHECK_EQ_U64(seen.out[5], 0);	/* queued */
	exec_files_poll(UINT64_MAX);	/* the app ended: its request is forgotten */
	CHECK(fake_fs_file("/fomos/data/filewild/x", &size) == NULL);
	fake_done();
}

/* A misuse stops the call there and then, as a fault does. */
static int app_badfree(struct fomos_ctx *ctx)
{
	static uint8_t not_from_calloc[64];

	seen.calls++;
	ctx->free(not_from_calloc);
	seen.after_misuse++;
	return 0;
}

static int app_doublefree(struct fomos_ctx *ctx)
{
	void *p = ctx->calloc(1, 100);

	seen.calls++;
	ctx->free(p);
	ctx->free(p);
	seen.after_misuse++;
	return 0;
}

void
exec_a_bad_free_ends_the_call_at_once(void)
{
	fake_reset(0);
	fake_app("badfree", "badfree", app_badfree, NULL);
	fake_app("doublefree", "doublefree", app_doublefree, NULL);
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("badfree", NULL) > 0 && fake_start("doublefree", NULL) > 0);
	fake_round();
	CHECK_EQ_U64(seen.calls, 2);
	CHECK_EQ_U64(seen.after_misuse, 0);
	CHECK(fake_logged("stopped: free(0x"));
	CHECK(fake_logged("): not a pointer calloc returned"));
	CHECK(fake_logged("): that block was already freed"));
	CHECK_EQ_U64(exec_running(), 0);
	fake_done();
}

/* system() returns the answer's full length, whatever cap cut it to. */
static uint32_t system_cap;

static int app_system(struct fomos_ctx *ctx)
{
	char *out = (char *)fake_current()->stack_top - 1024;
	char *line = (char *)fake_current()->stack_top - 2048;

	memcpy(line, "hello there", 11);	/* the app's own memory, as all it hands over */
	memset(out, 'X', 300);
	seen.ret = ctx->system(line, 11, out, system_cap);
	memcpy(seen.out, out, sizeof(seen.out));
	seen.calls++;
	return -1;
}

void
exec_system_returns_the_full_length_and_cuts_to_cap(void)
{
	static const char want[] = "hello 'there'\n";
	uint32_t caps[] = { 200, 8, 1, 0 };

	for (uint32_t i = 0; i < 4; i++) {
		fake_reset(0);
		fake_app("sys", "sys", app_system, NULL);
		system_cap = caps[i];
		memset(&seen, 0, sizeof(seen));
		CHECK(fake_start("sys", NULL) > 0);
		fake_round();
		CHECK_EQ_U64(seen.ret, sizeof(want) - 1);
		if (caps[i]) {
			uint32_t n = caps[i] - 1 < sizeof(want) - 1 ? caps[i] - 1 : sizeof(want) - 1;

			CHECK(!memcmp(seen.out, want, n) && seen.out[n] == 0);
			CHECK(seen.out[n + 1] == 'X');	/* nothing written past cap */
		} else {
			CHECK(seen.out[0] == 'X');	/* cap 0: nothing written at all */
		}
		fake_done();
	}
}

static int app_system_misc(struct fomos_ctx *ctx)
{
	char *out = (char *)fake_current()->stack_top - 1024;
	char *line = (char *)fake_current()->stack_top - 2048;

	memcpy(line, "frobnicate now", 14);
	seen.ret = ctx->system(line, 14, out, 100);
	memset(line, 'a', 200);
	seen.status = ctx->system(line, 200, out + 100, 100) == FOMOS_E_NOTFOUND;
	memcpy(seen.out, out, 200);
	seen.calls++;
	return -1;
}

void
exec_system_refuses_unknown_and_overlong_commands_with_notfound(void)
{
	fake_reset(0);
	fake_app("sysmisc", "sysmisc", app_system_misc, NULL);
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("sysmisc", NULL) > 0);
	fake_round();
	CHECK_EQ_U64(seen.ret, (uint64_t)(int64_t)FOMOS_E_NOTFOUND);
	CHECK_STR(seen.out, "unknown command 'frobnicate' (try 'help')\n");
	CHECK(seen.status);
	CHECK_STR(seen.out + 100, "command line too long (200 bytes; at most 127)\n");
	fake_done();
}

/* Ended apps are freed; ps shows the running ones and the latest ended. */
void
exec_ended_apps_are_freed_and_ps_shows_the_latest(void)
{
	struct exec_info info[EXEC_ENDED_KEEP + 8];
	int64_t pid = 0;
	uint32_t n, i, ended = 0;

	fake_reset(0);
	fake_app("noop", "noop", app_noop, NULL);
	fake_app("exiter", "exiter", app_exit3, NULL);
	exec_set_quiet(1);
	CHECK(fake_start("noop", NULL) > 0);
	for (i = 0; i < 300; i++) {
		pid = fake_start("exiter", NULL);
		fake_round();
		CHECK(fake_records() == 1);	/* the running noop's record, nothing else */
	}
	n = exec_list(info, EXEC_ENDED_KEEP + 8);
	CHECK_EQ_U64(n, 1 + EXEC_ENDED_KEEP);
	CHECK(info[0].state == APP_RUNNING && !strcmp(info[0].name, "noop"));
	for (i = 1; i < n; i++) {
		ended += info[i].state == APP_ENDED && info[i].exit_code == -3 &&
		    !strcmp(info[i].reason, "exit code -3") && info[i].mem_bytes == 0;
	}
	CHECK_EQ_U64(ended, EXEC_ENDED_KEEP);
	CHECK_EQ_U64(info[n - 1].pid, (uint64_t)pid);	/* the latest is there, last */
	CHECK_EQ_U64(info[1].pid, (uint64_t)pid - EXEC_ENDED_KEEP + 1);
	fake_done();
}

/* Return values: 0 again soon, n > 0 in n ms, n < 0 the end. */
static int app_sleep50(struct fomos_ctx *ctx)
{
	(void)ctx;
	seen.calls++;
	return 50;
}

void
exec_return_values_yield_sleep_and_end(void)
{
	fake_reset(0);
	fake_app("sleep50", "sleep50", app_sleep50, NULL);
	fake_app("exiter", "exiter", app_exit3, NULL);
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("sleep50", NULL) > 0);
	CHECK_EQ_U64(fake_round(), 1);
	fake_advance_ms(49);
	CHECK_EQ_U64(fake_round(), 0);
	fake_advance_ms(1);
	CHECK_EQ_U64(fake_round(), 1);
	CHECK(fake_start("exiter", NULL) > 0);
	fake_advance_ms(50);
	CHECK_EQ_U64(fake_round(), 2);
	CHECK(fake_logged("ended (exit code -3)"));
	CHECK_EQ_U64(exec_running(), 1);
	fake_done();
}

/* The context an app gets is a fresh copy: scribbling on it changes
 * nothing for the next call, and *store is the app's. */
static int app_scribbler(struct fomos_ctx *ctx)
{
	seen.calls++;
	if (seen.calls == 1) {
		*ctx->store = (void *)0x1234;
		ctx->log = NULL;
		ctx->pid = 999;
		ctx->version = 0;
		return 0;
	}
	seen.ret = ctx->log != NULL && ctx->pid != 999 && ctx->version == FOMOS_CTX_VERSION &&
	    *ctx->store == (void *)0x1234;
	return 0;
}

void
exec_context_is_fresh_at_every_call_and_store_survives(void)
{
	fake_reset(0);
	fake_app("scribbler", "scribbler", app_scribbler, NULL);
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("scribbler", NULL) > 0);
	fake_round();
	fake_round();
	CHECK_EQ_U64(seen.ret, 1);
	fake_done();
}

/* Faults are described from a plain record, in the kernel's words. */
static uint32_t fault_case;

static int app_faulty(struct fomos_ctx *ctx)
{
	struct app *a = fake_current();

	(void)ctx;
	seen.calls++;
	switch (fault_case) {
	case 0: fake_fault(14, 2, 0); break;				/* write to NULL */
	case 1: fake_fault(14, 0, 0x7fffdead0000ull); break;
	case 2: fake_fault(14, 2, a->stack_top - EXEC_STACK_SIZE - 8); break;	/* stack overflow */
	case 3:
		*(uint64_t *)(a->stack_top - 64) = fake_home() + 0x1009;	/* the caller's return */
		fake_fault(14, 0x11, fake_home() + 0x2000);	/* fetch from its data */
		break;
	case 4: fake_fault(6, 0, 0); break;
	case 5: fake_fault(0, 0, 0); break;
	case 6: fake_spin(101); break;
	}
	seen.after_misuse++;
	return 0;
}

static const char *const fault_words[] = {
	"page fault writing 0x0 (nothing mapped there) at faulty.app+0x1004",
	"page fault reading 0x7fffdead0000 (nothing mapped there) at faulty.app+0x1004",
	"stack overflow (past the bottom of its 64 KiB stack) at faulty.app+0x1004",
	"jumped to faulty.app+0x2000, which is not code, called from faulty.app+0x1009",
	"invalid opcode at faulty.app+0x1004",
	"divide error at faulty.app+0x1004",
	"ran for more than 100 ms without returning (its budget)",
};

void
exec_faults_and_overruns_end_the_app_with_the_kernels_words(void)
{
	for (uint32_t i = 0; i < sizeof(fault_words) / sizeof(fault_words[0]); i++) {
		char want[200];

		fake_reset(0);
		fake_app("faulty", "faulty", app_faulty, NULL);
		fault_case = i;
		memset(&seen, 0, sizeof(seen));
		CHECK(fake_start("faulty", NULL) > 0);
		fake_round();
		CHECK_EQ_U64(seen.after_misuse, 0);
		snprintf(want, sizeof(want), "stopped: %s; ", fault_words[i]);
		if (!fake_logged(want))
			unit_fail(__FILE__, __LINE__, "case %u: no '%s' in:\n%s", i, want, fake_log());
		CHECK_EQ_U64(exec_running(), 0);
		fake_done();
	}
}

void
exec_restart_brings_a_faulting_app_back_with_a_growing_delay(void)
{
	static const uint64_t delays[] = { 500, 1000, 2000, 4000 };

	fake_reset(0);
	fake_app("faulty", "faulty", app_faulty, NULL);
	fault_case = 0;
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("faulty", "restart") > 0);
	fake_round();
	for (uint32_t i = 0; i < 4; i++) {
		char want[96];

		snprintf(want, sizeof(want), "in %llu ms (restart %u)", (unsigned long long)delays[i], i + 1);
		CHECK(fake_logged(want));
		fake_advance_ms(delays[i] - 1);
		CHECK_EQ_U64(fake_round(), 0);		/* not before its time */
		fake_advance_ms(1);
		CHECK_EQ_U64(fake_round(), 1);
	}
	CHECK_EQ_U64(seen.calls, 5);
	fake_done();
}

/* An app's folder is its file's name, not what its header claims, and
 * one running app at a time has it. */
static uint64_t filer_pid;	/* the app that queues a write at its next call */

static int app_filer(struct fomos_ctx *ctx)
{
	struct fomos_file *req = (struct fomos_file *)(fake_home() + 2 * 4096);
	char *data = (char *)(fake_home() + 2 * 4096 + 1024);

	if (ctx->pid == filer_pid) {
		filer_pid = 0;
		memset(req, 0, sizeof(*req));
		strcpy(data, "mine");
		seen.status = fomos_file_start(ctx, req, FOMOS_FILE_REPLACE, "notes.txt", data, 0, 4);
	}
	return 0;
}

void
exec_an_apps_folder_is_named_by_its_file_and_held_by_one_app(void)
{
	uint64_t size;
	const uint8_t *f;
	int64_t first, second;

	fake_reset(0);
	fake_fs_init(1);
	/* liar.app calls itself "console" in its header. */
	fake_app("liar", "console", app_filer, NULL);
	memset(&seen, 0, sizeof(seen));
	first = fake_start("liar", NULL);
	second = fake_start("liar", NULL);
	CHECK(first > 0 && second > 0);
	filer_pid = (uint64_t)first;
	fake_round();
	CHECK_EQ_U64(seen.status, 0);
	exec_files_poll(UINT64_MAX);
	f = fake_fs_file("/fomos/data/liar/notes.txt", &size);
	CHECK(f && size == 4 && !memcmp(f, "mine", 4));
	CHECK(fake_fs_file("/fomos/data/console/notes.txt", &size) == NULL);
	/* The second liar, while the first runs: not in the same folder. */
	filer_pid = (uint64_t)second;
	fake_round();
	CHECK_EQ_U64(seen.status, (uint64_t)(int64_t)FOMOS_E_BUSY);
	/* Once nobody holds it, the next one may. */
	CHECK(exec_kill((uint64_t)first) == 0);
	filer_pid = (uint64_t)second;
	fake_round();
	CHECK_EQ_U64(seen.status, 0);
	exec_files_poll(UINT64_MAX);
	fake_done();
}

/* A request whose buffer the app gives back while it is pending ends with
 * FOMOS_E_BADARG; one whose struct went away is dropped; the executor
 * never touches memory that is no longer the app's. */
static int app_shrinker(struct fomos_ctx *ctx)
{
	struct fomos_file *req = (struct fomos_file *)(fake_home() + 2 * 4096);
	struct fomos_file *gone = (struct fomos_file *)(ctx->fb.pixels + 4096);

	seen.calls++;
	if (seen.calls == 1) {
		memset(req, 0, sizeof(*req));
		fomos_file_start(ctx, req, FOMOS_FILE_READ, "big", ctx->fb.pixels + 8192, 0, 4000);
		memset(gone, 0, sizeof(*gone));
		fomos_file_start(ctx, gone, FOMOS_FILE_SIZE, "big", 0, 0, 0);
		ctx->window(0, 0, 8, 8, 0);	/* the surface shrinks: both go away */
		return 0;
	}
	seen.status = req->status;
	return 0;
}

void
exec_file_buffers_given_back_while_pending_are_never_touched(void)
{
	fake_reset(1);
	fake_fs_init(1);
	fake_fs_put("/fomos/data/shrinker/big", 4000);
	fake_app("shrinker", "shrinker", app_shrinker, NULL);
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("shrinker", NULL) > 0);
	fake_round();
	exec_files_poll(UINT64_MAX);
	fake_round();
	CHECK_EQ_U64(seen.status, (uint64_t)(int64_t)FOMOS_E_BADARG);
	CHECK(fake_logged("is no longer its memory: dropped"));
	CHECK_EQ_U64(exec_files_pending(), 0);
	fake_done();
}

/* The checks made when a request is queued, in the kernel's order. */
static int32_t check_answers[5 + 17];

static int32_t app_file_try(struct fomos_file *req, struct fomos_ctx *ctx, uint32_t op, const char *path,
    uint64_t offset, uint64_t len)
{
	memset(req, 0, sizeof(*req));
	req->op = op;
	memcpy(req->path, path, strlen(path) + 1);
	req->buf = (void *)(fake_home() + 2 * 4096 + 2048);
	req->offset = offset;
	req->len = len;
	return ctx->file(req);
}

static int app_checks(struct fomos_ctx *ctx)
{
	struct fomos_file *reqs = (struct fomos_file *)(fake_home() + 2 * 4096);
	int32_t *r = check_answers;
	int i = 0;

	r[i] = app_file_try(&reqs[0], ctx, 99, "x", 0, 0), i++;
	r[i] = app_file_try(&reqs[0], ctx, FOMOS_FILE_READ, "../x", 0, 4), i++;
	r[i] = app_file_try(&reqs[0], ctx, FOMOS_FILE_WRITE, "x", 0xFFFFFFFFull, 2), i++;
	r[i] = app_file_try(&reqs[0], ctx, FOMOS_FILE_LIST, "", 0, 0), i++;
	memset(&reqs[0], 0, sizeof(reqs[0]));
	reqs[0].op = FOMOS_FILE_SIZE;
	memset(reqs[0].path, 'a', sizeof(reqs[0].path));	/* not terminated */
	r[i] = ctx->file(&reqs[0]), i++;
	/* Sixteen in flight at most (each with its own struct: the status
	 * lives there). */
	for (int k = 0; k < 17; k++)
		r[i + k] = app_file_try(&reqs[k % 7], ctx, FOMOS_FILE_SIZE, "x", 0, 0);
	seen.calls++;
	return 0;
}

void
exec_file_requests_are_checked_when_queued(void)
{
	static const int32_t want[5] = { FOMOS_E_BADARG, FOMOS_E_PATH, FOMOS_E_TOOBIG, FOMOS_E_BADARG,
	    FOMOS_E_PATH };

	fake_reset(0);
	fake_fs_init(1);
	fake_app("checks", "checks", app_checks, NULL);
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("checks", NULL) > 0);
	fake_round();
	for (int i = 0; i < 5; i++)
		if (check_answers[i] != want[i])
			unit_fail(__FILE__, __LINE__, "check %d answered %d, not %d", i, check_answers[i], want[i]);
	for (int k = 0; k < 16; k++)
		CHECK_EQ_U64(check_answers[5 + k], 0);
	CHECK_EQ_U64(check_answers[5 + 16], (uint64_t)(int64_t)FOMOS_E_BUSY);
	CHECK_EQ_U64(exec_files_pending(), 16);
	exec_files_poll(UINT64_MAX);
	CHECK_EQ_U64(exec_files_pending(), 0);
	fake_done();
}

/* Without a writable disk, only reads are taken. */
static int app_readonly(struct fomos_ctx *ctx)
{
	struct fomos_file *reqs = (struct fomos_file *)(fake_home() + 2 * 4096);

	check_answers[0] = app_file_try(&reqs[0], ctx, FOMOS_FILE_WRITE, "x", 0, 4);
	check_answers[1] = app_file_try(&reqs[1], ctx, FOMOS_FILE_DELETE, "x", 0, 0);
	check_answers[2] = app_file_try(&reqs[2], ctx, FOMOS_FILE_SIZE, "x", 0, 0);
	check_answers[3] = app_file_try(&reqs[3], ctx, FOMOS_FILE_LIST, "", 0, 64);
	return -1;
}

void
exec_file_on_a_read_only_disk_takes_reads_and_refuses_writes(void)
{
	fake_reset(0);
	fake_fs_init(0);
	fake_app("readonly", "readonly", app_readonly, NULL);
	CHECK(fake_start("readonly", NULL) > 0);
	fake_round();
	CHECK_EQ_U64(check_answers[0], (uint64_t)(int64_t)FOMOS_E_NODISK);
	CHECK_EQ_U64(check_answers[1], (uint64_t)(int64_t)FOMOS_E_NODISK);
	CHECK_EQ_U64(check_answers[2], 0);
	CHECK_EQ_U64(check_answers[3], 0);
	fake_done();
}

/* --- disk=N: what an app's folder may hold --------------------------------------------- */

/* The request the disk app queues at its next call, and where it is. */
static struct {
	uint32_t op;
	const char *path;
	uint64_t offset, len;
	uint8_t fill;			/* the bytes written */
	struct fomos_file *req;		/* in the app's memory */
} disk_next;

static int app_disk(struct fomos_ctx *ctx)
{
	struct fomos_file *req = (struct fomos_file *)(fake_home() + 2 * 4096);
	uint8_t *data = (uint8_t *)(fake_home() + 3 * 4096);

	if (disk_next.op) {
		memset(req, 0, sizeof(*req));
		memset(data, disk_next.fill, 4096);
		seen.status = fomos_file_start(ctx, req, disk_next.op, disk_next.path, data, disk_next.offset,
		    disk_next.len);
		disk_next.op = 0;
		disk_next.req = req;
	}
	return 0;
}

/* Has the disk app queue one request, runs it to the end and returns its
 * status (or what refused to queue it). */
static int32_t disk_do(uint32_t op, const char *path, uint64_t offset, uint64_t len, uint8_t fill)
{
	disk_next.op = op;
	disk_next.path = path;
	disk_next.offset = offset;
	disk_next.len = len;
	disk_next.fill = fill;
	seen.status = 1;
	fake_round();
	if (seen.status != 0)
		return seen.status;
	exec_files_poll(UINT64_MAX);
	CHECK_EQ_U64(exec_files_pending(), 0);
	return disk_next.req->status;
}

/* 1 if path holds exactly size bytes, all `fill`. */
static int disk_holds(const char *path, uint64_t size, uint8_t fill)
{
	uint64_t got, i;
	const uint8_t *f = fake_fs_file(path, &got);

	if (!f || got != size)
		return 0;
	for (i = 0; i < size; i++)
		if (f[i] != fill)
			return 0;
	return 1;
}

static void disk_start(const char *options)
{
	fake_reset(0);
	fake_fs_init(1);
	fake_app("disk", "disk", app_disk, NULL);
	memset(&seen, 0, sizeof(seen));
	memset(&disk_next, 0, sizeof(disk_next));
	CHECK(fake_start("disk", options) > 0);
}

#define NOSPACE	((uint64_t)(int64_t)FOMOS_E_NOSPACE)

void
exec_file_write_over_the_disk_cap_fails_with_nospace_and_changes_nothing(void)
{
	disk_start("disk=5000");
	/* 4000 bytes already, one of them in a subfolder; another app's
	 * files are not this one's. */
	fake_fs_put("/fomos/data/disk/a", 3000);
	fake_fs_put("/fomos/data/disk/sub/deeper/b", 1000);
	fake_fs_put("/fomos/data/other/big", 100000);

	/* Up to the cap exactly: taken. */
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "c", 0, 1000, 'c'), 0);
	CHECK(disk_holds("/fomos/data/disk/c", 1000, 'c'));
	/* One byte more: refused, and the file is as it was. */
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "c", 1000, 1, 'x'), NOSPACE);
	CHECK(disk_holds("/fomos/data/disk/c", 1000, 'c'));
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "c", 10, 991, 'x'), NOSPACE);	/* overlaps, ends past */
	CHECK(disk_holds("/fomos/data/disk/c", 1000, 'c'));
	CHECK_EQ_U64(disk_do(FOMOS_FILE_REPLACE, "new", 0, 1, 'x'), NOSPACE);
	CHECK(fake_fs_file("/fomos/data/disk/new", &(uint64_t){ 0 }) == NULL);
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "sub/deeper/b", 1000, 1, 'x'), NOSPACE);
	/* Far past the end, near FAT's limit: no wrap lets it through. */
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "c", 0xFFFFFFFFull - 16, 16, 'x'), NOSPACE);
	CHECK(disk_holds("/fomos/data/disk/c", 1000, 'c'));
	/* Writing over what is there, no longer: still taken at the cap. */
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "c", 0, 1000, 'd'), 0);
	CHECK(disk_holds("/fomos/data/disk/c", 1000, 'd'));
	/* Deleting makes room again. */
	CHECK_EQ_U64(disk_do(FOMOS_FILE_DELETE, "c", 0, 0, 0), 0);
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "c", 500, 500, 'e'), 0);	/* the gap of zeros counts */
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "c", 1000, 1, 'e'), NOSPACE);
	fake_done();
}

void
exec_file_replace_that_shrinks_is_allowed_at_the_disk_cap(void)
{
	disk_start("disk=5000");
	fake_fs_put("/fomos/data/disk/a", 3000);
	fake_fs_put("/fomos/data/disk/b", 2000);

	/* At the cap: a smaller file, then back to the same size, is fine. */
	CHECK_EQ_U64(disk_do(FOMOS_FILE_REPLACE, "a", 0, 10, 's'), 0);
	CHECK(disk_holds("/fomos/data/disk/a", 10, 's'));
	CHECK_EQ_U64(disk_do(FOMOS_FILE_REPLACE, "a", 0, 3000, 't'), 0);
	CHECK(disk_holds("/fomos/data/disk/a", 3000, 't'));
	CHECK_EQ_U64(disk_do(FOMOS_FILE_REPLACE, "a", 0, 3001, 'u'), NOSPACE);
	CHECK(disk_holds("/fomos/data/disk/a", 3000, 't'));
	fake_done();

	/* Over a cap lowered since the files were written: growing is
	 * refused, shrinking still allowed. */
	disk_start("disk=4000");
	fake_fs_put("/fomos/data/disk/a", 3000);
	fake_fs_put("/fomos/data/disk/b", 2000);
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "a", 3000, 1, 'g'), NOSPACE);
	CHECK_EQ_U64(disk_do(FOMOS_FILE_REPLACE, "b", 0, 1500, 'h'), 0);
	CHECK(disk_holds("/fomos/data/disk/b", 1500, 'h'));
	CHECK_EQ_U64(disk_do(FOMOS_FILE_REPLACE, "b", 0, 1501, 'h'), NOSPACE);
	fake_done();
}

void
exec_file_disk_0_refuses_every_write_but_reads_and_deletes(void)
{
	uint32_t files;

	disk_start("disk=0");
	fake_fs_put("/fomos/data/disk/a", 100);
	files = fake_fs_files();
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "x", 0, 1, 'x'), NOSPACE);
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "x", 0, 0, 'x'), NOSPACE);	/* not even an empty file */
	CHECK_EQ_U64(disk_do(FOMOS_FILE_REPLACE, "x", 0, 0, 'x'), NOSPACE);
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "a", 0, 10, 'x'), NOSPACE);	/* not even in place */
	CHECK_EQ_U64(disk_do(FOMOS_FILE_REPLACE, "a", 0, 10, 'x'), NOSPACE);	/* nor smaller */
	CHECK_EQ_U64(fake_fs_files(), files);
	CHECK(fake_fs_file("/fomos/data/disk/a", &(uint64_t){ 0 }) != NULL);
	CHECK_EQ_U64(disk_do(FOMOS_FILE_SIZE, "a", 0, 0, 0), 0);
	CHECK_EQ_U64(disk_next.req->done, 100);
	CHECK_EQ_U64(disk_do(FOMOS_FILE_READ, "a", 0, 100, 0), 0);
	CHECK_EQ_U64(disk_do(FOMOS_FILE_DELETE, "a", 0, 0, 0), 0);
	CHECK_EQ_U64(fake_fs_files(), files - 1);
	fake_done();
}

/* A tree that takes more than FILES_WALK_MAX entries to sum is taken as
 * full: a write's disk check is bounded work, whatever the app built. */
void
exec_file_a_folder_too_big_to_walk_counts_as_full(void)
{
	char path[64];

	disk_start("disk=4G");
	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "/fomos/data/disk/d%03d/f", i);
		fake_fs_put(path, 1);
	}
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "x", 0, 1, 'x'), NOSPACE);
	CHECK(fake_fs_file("/fomos/data/disk/x", &(uint64_t){ 0 }) == NULL);
	/* Once it is small again, writes are taken. */
	for (int i = 20; i < 200; i++) {
		snprintf(path, sizeof(path), "d%03d/f", i);
		CHECK_EQ_U64(disk_do(FOMOS_FILE_DELETE, path, 0, 0, 0), 0);
	}
	CHECK_EQ_U64(disk_do(FOMOS_FILE_WRITE, "x", 0, 1, 'x'), 0);
	fake_done();
}

/* --- isolation: what the core does for it on every platform ------------------------ */

static int app_page_check(struct fomos_ctx *ctx)
{
	uint64_t home = fake_home();

	/* The copy of the context, the store slot and the input view: all in
	 * the app's own home, none of it the kernel's. */
	seen.ret = (uint64_t)(uintptr_t)ctx - home < EXEC_HOME_SIZE &&
	    (uint64_t)(uintptr_t)ctx->store - home < EXEC_HOME_SIZE &&
	    (uint64_t)(uintptr_t)ctx->input - home < EXEC_HOME_SIZE;
	/* and the app may hand a service pointers into it */
	ctx->log((const char *)&ctx->pid, 0);
	ctx->term_write((const char *)ctx->input, 4);
	seen.calls++;
	return -1;
}

void
exec_context_store_and_input_live_in_the_apps_home(void)
{
	fake_reset(0);
	fake_app("pagecheck", "pagecheck", app_page_check, NULL);
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("pagecheck", NULL) > 0);
	fake_round();
	CHECK_EQ_U64(seen.calls, 1);
	CHECK_EQ_U64(seen.ret, 1);
	CHECK(fake_logged("] ended (exit code -1)") && !fake_logged("stopped"));
	fake_done();
}

static int app_logger(struct fomos_ctx *ctx)
{
	char *text = (char *)fake_current()->stack_top - 4096;	/* its own memory */
	uint32_t n = 0;

	memcpy(text, "ok\nkernel: halted\x1b[2J\r\nbell\a\n", 29);
	n = 29;
	memset(text + n, 'x', 400);
	n += 400;
	ctx->log(text, n);
	return -1;
}

void
exec_log_lines_are_escaped_tagged_split_and_never_glued(void)
{
	char want[200], tag[32];
	int64_t pid;

	fake_reset(0);
	fake_app("logger", "logger", app_logger, NULL);
	pid = fake_start("logger", NULL);
	CHECK(pid > 0);
	fake_round();
	snprintf(tag, sizeof(tag), "logger[%lld]: ", (long long)pid);
	snprintf(want, sizeof(want), "%sok\n", tag);
	CHECK(fake_logged(want));
	snprintf(want, sizeof(want), "%skernel: halted\\x1b[2J\n", tag);
	CHECK(fake_logged(want));
	snprintf(want, sizeof(want), "%sbell\\x07\n", tag);
	CHECK(fake_logged(want));
	CHECK(!fake_logged("\nkernel: halted"));
	CHECK(!fake_logged("\x1b"));
	/* 400 bytes: two full lines of 160 and the rest, each tagged */
	memset(want, 'x', 160);
	strcpy(want + 160, "\n");
	CHECK(fake_logged(want));
	snprintf(want, sizeof(want), "%s", tag);
	memset(want + strlen(tag), 'x', 80);
	strcpy(want + strlen(tag) + 80, "\n");
	CHECK(fake_logged(want));
	fake_done();
}

static const char *sys_lines[4];

static int app_asker(struct fomos_ctx *ctx)
{
	char *line = (char *)fake_current()->stack_top - 4096, *out = line + 256;	/* its own memory */
	uint32_t i;

	for (i = 0; i < 4 && sys_lines[i]; i++) {
		int64_t r;

		strcpy(line, sys_lines[i]);
		r = ctx->system(line, (uint32_t)strlen(line), out, 200);
		if (i == 0) {
			seen.ret = r;
			memcpy(seen.out, out, sizeof(seen.out));
		} else if (i == 1) {
			seen.status = (int32_t)r;
		}
	}
	seen.calls++;
	return 100;
}

void
exec_system_without_admin_runs_only_what_concerns_the_app(void)
{
	static char kill_other[32], kill_self[32];
	int64_t other, self;

	fake_reset(0);
	fake_app("asker", "asker", app_asker, NULL);
	fake_app("other", "other", app_noop, NULL);
	other = fake_start("other", NULL);
	CHECK(other > 0);
	sys_lines[0] = "run other";
	sys_lines[1] = "ps";
	sys_lines[2] = NULL;
	memset(&seen, 0, sizeof(seen));
	self = fake_start("asker", NULL);
	CHECK(self > 0);
	snprintf(kill_other, sizeof(kill_other), "kill %lld", (long long)other);
	snprintf(kill_self, sizeof(kill_self), "kill %lld", (long long)self);
	fake_round();
	CHECK_EQ_U64(seen.ret, (uint64_t)(int64_t)FOMOS_E_PERM);
	CHECK(strstr(seen.out, "run: not allowed") != NULL);
	CHECK(seen.status > 0);		/* ps: its own business */
	CHECK_EQ_U64(exec_running(), 2);	/* nothing started */

	/* kill: itself yes, another no */
	sys_lines[0] = kill_other;
	sys_lines[1] = NULL;
	fake_advance_ms(200);
	fake_round();
	CHECK(strstr(seen.out, "kill: an app may end only itself") != NULL);
	CHECK_EQ_U64(exec_running(), 2);
	sys_lines[0] = kill_self;
	fake_advance_ms(200);
	fake_round();
	CHECK_EQ_U64(exec_running(), 1);
	CHECK(exec_find((uint64_t)other) != NULL);
	fake_done();
}

void
exec_spawn_caps_the_apps_an_apps_line_may_run(void)
{
	fake_reset(0);
	fake_app("asker", "asker", app_asker, NULL);
	fake_app("other", "other", app_noop, NULL);
	sys_lines[0] = "run other";
	sys_lines[1] = "run other";
	sys_lines[2] = "run other";
	sys_lines[3] = NULL;
	memset(&seen, 0, sizeof(seen));
	CHECK(fake_start("asker", "admin spawn=2") > 0);
	fake_round();
	CHECK_EQ_U64(exec_running(), 3);	/* asker and two others */
	CHECK(fake_logged("other.app not started: asker["));
	CHECK(fake_logged("] has 2 apps it started running, its limit (spawn=2)"));
	/* a child that starts more counts against its parent's line too */
	fake_done();
	fake_reset(0);
	fake_app("asker", "asker", app_asker, NULL);
	fake_app("other", "other", app_noop, NULL);
	sys_lines[0] = "run asker admin";
	sys_lines[1] = NULL;
	CHECK(fake_start("asker", "admin spawn=3") > 0);
	for (int i = 0; i < 6; i++) {
		fake_advance_ms(200);
		fake_round();
	}
	CHECK_EQ_U64(exec_running(), 4);	/* the first and 3 descendants */
	CHECK(fake_logged("has 3 apps it started running, its limit (spawn=3)"));
	fake_done();
}

static int app_keys(struct fomos_ctx *ctx)
{
	uint64_t n, keys = 0, blanks = 0;

	for (n = ctx->input->event_count > 16 ? ctx->input->event_count - 16 : 0; n < ctx->input->event_count; n++) {
		keys += ctx->input->events[n % FOMOS_EVENT_RING].type == FOMOS_EV_KEY;
		blanks += ctx->input->events[n % FOMOS_EVENT_RING].type == 0;
	}
	if (ctx->pid == (uint64_t)seen.calls)	/* the first, unfocused */
		seen.ret = (int64_t)(keys * 100 + blanks);
	else
		seen.status = (int32_t)(keys * 100 + blanks);
	return 0;
}

void
exec_input_keys_reach_only_the_focused_app(void)
{
	int64_t first, second;

	fake_reset(0);
	fake_app("keys", "keys", app_keys, NULL);
	first = fake_start("keys", NULL);
	second = fake_start("keys", NULL);
	CHECK(first > 0 && second > 0);
	fake_round();		/* both have seen what came before */
	exec_set_focus((uint64_t)second);
	inputhub_key(fake_now(), FOMOS_KEY_A, 1);
	memset(&seen, 0, sizeof(seen));
	seen.calls = (uint64_t)first;
	fake_round();
	CHECK_EQ_U64(seen.ret, 1);		/* pid 1: a blank, no key */
	CHECK_EQ_U64(seen.status, 100);		/* pid 2, focused: the key */
	/* Typed into no window: everyone's */
	exec_set_focus(0);
	inputhub_key(fake_now(), FOMOS_KEY_A, 0);
	fake_round();
	CHECK_EQ_U64(seen.ret, 101);
	CHECK_EQ_U64(seen.status, 200);
	fake_done();
}
