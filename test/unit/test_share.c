/*
 * Services between apps and shared regions (kernel/exec/exec_share.c) over
 * the unit tests' platform: providers and consumers are C functions, and
 * every check a hostile consumer or provider meets is asserted here; the
 * protection keys themselves are the boot tests' (test_services.py).
 */
#include <stdio.h>
#include <string.h>
#include "exec.h"
#include "exec_priv.h"
#include "fake_plat.h"
#include "unit.h"

static uint8_t kernel_secret[64] = "the kernel's own memory";

static struct {
	int32_t publish[6], lookup[4];
	int64_t call[8];
	uint64_t provider_saw_ptr, caller, calls;
	char *region;
	char buf[32];
} seen;

static int64_t svc_add(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	seen.caller = ctx->caller;
	return (int64_t)(a + b);
}

static int64_t svc_upper(struct fomos_ctx *ctx, uint64_t p, uint64_t len, uint64_t c, uint64_t d)
{
	char *s = (char *)(uintptr_t)p;

	seen.provider_saw_ptr = p;
	for (uint64_t i = 0; i < len; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 32);
	return (int64_t)len;
}

static int64_t svc_crash(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	fake_fault(14, 2, 16);
	return 0;
}

static int64_t svc_spin(struct fomos_ctx *ctx, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	fake_spin(5000);
	return 0;
}

/* Publishes "calc": add, upper (in and out), crash, spin; and a region
 * its consumers may write. */
static int app_provider(struct fomos_ctx *ctx)
{
	struct fomos_fn fns[4] = {
		{ (fomos_service_fn)fake_fn_addr(0), 0, 0 },
		{ (fomos_service_fn)fake_fn_addr(1), FOMOS_ARG_IN(0) | FOMOS_ARG_OUT(0), 0 },
		{ (fomos_service_fn)fake_fn_addr(2), 0, 0 },
		{ (fomos_service_fn)fake_fn_addr(3), 0, 0 },
	};
	struct fomos_fn bad = { (fomos_service_fn)(uintptr_t)kernel_secret, 0, 0 };
	struct fomos_fn badargs = { (fomos_service_fn)fake_fn_addr(0), FOMOS_ARG_IN(0) | FOMOS_ARG_IN(1), 0 };
	char *names = (char *)fake_current()->stack_top - 256;

	if (*ctx->store)
		return 1000;
	*ctx->store = (void *)1;
	memcpy(names, "calc\0Bad Name\0other\0third", 26);
	memcpy(names + 100, fns, sizeof(fns));
	memcpy(names + 200, &bad, sizeof(bad));
	memcpy(names + 220, &badargs, sizeof(badargs));
	seen.publish[0] = ctx->publish(names + 5, 1, (struct fomos_fn *)(names + 100), 4);
	seen.publish[1] = ctx->publish(names, 1, (struct fomos_fn *)(names + 200), 1);
	seen.publish[2] = ctx->publish(names, 1, (struct fomos_fn *)(names + 220), 1);
	seen.publish[3] = ctx->publish(names, 2, (struct fomos_fn *)(names + 100), 4);
	seen.publish[4] = ctx->publish(names + 14, 1, (struct fomos_fn *)(names + 100), 1);
	seen.publish[5] = ctx->publish(names + 20, 1, (struct fomos_fn *)(names + 100), 1);
	seen.region = ctx->share(10000);
	ctx->grant(seen.region, FOMOS_CONSUMERS, FOMOS_SHARE_WRITE);
	return 1000;
}

static int app_rival(struct fomos_ctx *ctx)
{
	struct fomos_fn fn = { (fomos_service_fn)fake_fn_addr(0), 0, 0 };
	char *mem = (char *)fake_current()->stack_top - 256;

	memcpy(mem, "calc", 5);
	memcpy(mem + 100, &fn, sizeof(fn));
	seen.lookup[3] = ctx->publish(mem, 9, (struct fomos_fn *)(mem + 100), 1);
	return -1;
}

/* Each call one step; seen.call[step] what it got. */
static int app_consumer(struct fomos_ctx *ctx)
{
	char *mem = (char *)fake_current()->stack_top - 512;
	uint64_t step = seen.calls++;
	int32_t h;

	memcpy(mem, "calc", 5);
	h = ctx->lookup(mem, 2);
	if (step == 0) {
		seen.lookup[0] = h;
		seen.lookup[1] = ctx->lookup(mem, 3);
		memcpy(mem, "nosuch", 7);
		seen.lookup[2] = ctx->lookup(mem, 1);
		return 60000;	/* woken when nosuch appears, never */
	}
	switch (step) {
	case 1:
		seen.call[0] = ctx->call(h, 0, 40, 2, 0, 0);
		memcpy(mem + 100, "hello", 5);
		seen.call[1] = ctx->call(h, 1, (uint64_t)(uintptr_t)(mem + 100), 5, 0, 0);
		memcpy(seen.buf, mem + 100, 5);
		seen.call[2] = ctx->call(h, 1, (uint64_t)(uintptr_t)kernel_secret, 8, 0, 0);
		seen.call[3] = ctx->call(h, 1, (uint64_t)(uintptr_t)(mem + 100), UINT64_MAX - 50, 0, 0);
		seen.call[4] = ctx->call(h, 7, 0, 0, 0, 0);
		seen.call[5] = ctx->call(h + 3, 0, 0, 0, 0, 0);
		break;
	case 2:
		/* In the region both see: passed as it is. */
		memcpy(seen.region, "shared", 6);
		seen.call[6] = ctx->call(h, 1, (uint64_t)(uintptr_t)seen.region, 6, 0, 0);
		break;
	case 3:
		seen.call[7] = ctx->call(h, 2, 0, 0, 0, 0);
		seen.call[0] = ctx->call(h, 0, 1, 1, 0, 0);
		break;
	}
	return 0;
}

/* A fresh executor with the provider's file (its four functions), and the
 * consumer's if consumer. */
static void share_files(int consumer)
{
	fake_reset(0);
	memset(&seen, 0, sizeof(seen));
	fake_app("provider", "provider", app_provider, NULL);
	if (consumer)
		fake_app("consumer", "consumer", app_consumer, NULL);
	for (uint32_t k = 0; k < 4; k++)
		fake_service_fn("provider", k, k == 0 ? svc_add : k == 1 ? svc_upper : k == 2 ? svc_crash : svc_spin);
}

void
share_publish_checks_names_functions_and_names_taken(void)
{
	share_files(0);
	fake_app("rival", "rival", app_rival, NULL);
	CHECK(fake_start("provider", NULL) > 0);
	fake_round();
	CHECK_EQ_U64((uint64_t)(int64_t)seen.publish[0], (uint64_t)(int64_t)FOMOS_E_BADARG);	/* "Bad Name" */
	CHECK_EQ_U64((uint64_t)(int64_t)seen.publish[1], (uint64_t)(int64_t)FOMOS_E_BADARG);	/* not its code */
	CHECK_EQ_U64((uint64_t)(int64_t)seen.publish[2], (uint64_t)(int64_t)FOMOS_E_BADARG);	/* a pointer's length is a pointer */
	CHECK_EQ_U64(seen.publish[3], 0);
	CHECK_EQ_U64(seen.publish[4], 0);
	CHECK_EQ_U64((uint64_t)(int64_t)seen.publish[5], (uint64_t)(int64_t)FOMOS_E_BUSY);	/* two per app */
	CHECK(fake_logged("provides service calc, version 2 (4 functions)"));
	CHECK(fake_start("rival", NULL) > 0);
	fake_round();
	CHECK_EQ_U64((uint64_t)(int64_t)seen.lookup[3], (uint64_t)(int64_t)FOMOS_E_BUSY);	/* the name is taken */
	fake_done();
}

void
share_calls_check_pointers_copy_buffers_and_pass_regions_as_they_are(void)
{
	int64_t prov, cons;

	share_files(1);
	prov = fake_start("provider", NULL);
	cons = fake_start("consumer", NULL);
	CHECK(prov > 0 && cons > 0);
	fake_round();
	CHECK_EQ_U64(seen.lookup[0], 1);
	CHECK_EQ_U64((uint64_t)(int64_t)seen.lookup[1], (uint64_t)(int64_t)FOMOS_E_VERSION);
	CHECK_EQ_U64((uint64_t)(int64_t)seen.lookup[2], (uint64_t)(int64_t)FOMOS_E_NOTFOUND);
	fake_advance_ms(1);
	fake_round();
	CHECK_EQ_U64(seen.calls, 1);		/* its minute's yield holds: nobody published nosuch */
	fake_advance_ms(60000);
	fake_round();
	CHECK_EQ_U64(seen.call[0], 42);
	CHECK_EQ_U64(seen.caller, (uint64_t)cons);
	CHECK_EQ_U64(seen.call[1], 5);
	CHECK(!memcmp(seen.buf, "HELLO", 5));	/* copied in, and back */
	CHECK(seen.provider_saw_ptr != 0 && seen.provider_saw_ptr - exec_find((uint64_t)prov)->home < EXEC_HOME_SIZE);
	CHECK_EQ_U64((uint64_t)seen.call[2], (uint64_t)(int64_t)FOMOS_E_BADARG);	/* the kernel's memory */
	CHECK(!memcmp(kernel_secret, "the kernel's own memory", 23));
	CHECK_EQ_U64((uint64_t)seen.call[3], (uint64_t)(int64_t)FOMOS_E_BADARG);	/* a length that wraps */
	CHECK_EQ_U64((uint64_t)seen.call[4], (uint64_t)(int64_t)FOMOS_E_BADARG);	/* no function 7 */
	CHECK_EQ_U64((uint64_t)seen.call[5], (uint64_t)(int64_t)FOMOS_E_BADARG);	/* no handle 4 */
	fake_round();
	CHECK_EQ_U64(seen.call[6], 6);
	CHECK_EQ_U64(seen.provider_saw_ptr, (uint64_t)(uintptr_t)seen.region);	/* no copy */
	CHECK(!memcmp(seen.region, "SHARED", 6));
	CHECK(exec_share_range(exec_find((uint64_t)cons), (uint64_t)(uintptr_t)seen.region, 10000, 1));
	CHECK(!exec_share_range(exec_find((uint64_t)cons), (uint64_t)(uintptr_t)seen.region, 12289, 0));
	fake_done();
}

void
share_a_provider_faulting_in_a_call_ends_alone_and_then_answers_gone(void)
{
	int64_t prov, cons;

	share_files(1);
	prov = fake_start("provider", NULL);
	cons = fake_start("consumer", NULL);
	seen.calls = 3;		/* straight to the crash */
	fake_round();
	CHECK_EQ_U64((uint64_t)seen.call[7], (uint64_t)(int64_t)FOMOS_E_FAULT);
	CHECK_EQ_U64((uint64_t)seen.call[0], (uint64_t)(int64_t)FOMOS_E_GONE);
	CHECK(exec_find((uint64_t)prov) == NULL);
	CHECK(exec_find((uint64_t)cons) != NULL);
	CHECK(fake_logged(", in a call from consumer["));
	fake_done();
}

/* Regions: seen by their creator, its grantees (read-only or not) and,
 * if it says so, its consumers; revoked or ended, by nobody. */
static uint64_t region_pid[3];
static char *region_at;
static int32_t region_r[4];

static int app_sharer(struct fomos_ctx *ctx)
{
	char *stack = (char *)fake_current()->stack_top - 64;

	if (region_at)
		return 1000;
	region_at = ctx->share(5000);
	region_r[0] = ctx->grant(region_at, region_pid[1], FOMOS_SHARE_READ);
	region_r[1] = ctx->grant(stack, region_pid[1], FOMOS_SHARE_READ);	/* not a region */
	region_r[2] = ctx->grant(region_at, 999999, FOMOS_SHARE_READ);	/* nobody */
	region_r[3] = ctx->grant(region_at, region_pid[1], 2);		/* no such rights */
	return 1000;
}

static int app_idle(struct fomos_ctx *ctx)
{
	return 1000;
}

void
share_regions_are_seen_only_by_grantees_and_revoking_closes_them(void)
{
	struct app *sharer, *reader, *other;
	uint64_t va;

	fake_reset(0);
	region_at = NULL;
	fake_app("sharer", "sharer", app_sharer, NULL);
	fake_app("reader", "reader", app_idle, NULL);
	fake_app("other", "other", app_idle, NULL);
	region_pid[1] = (uint64_t)fake_start("reader", NULL);
	region_pid[2] = (uint64_t)fake_start("other", NULL);
	region_pid[0] = (uint64_t)fake_start("sharer", NULL);
	fake_round();
	sharer = exec_find(region_pid[0]);
	reader = exec_find(region_pid[1]);
	other = exec_find(region_pid[2]);
	va = (uint64_t)(uintptr_t)region_at;
	CHECK(region_at != NULL && va == exec_region_va(sharer->slot, 0));
	CHECK_EQ_U64(region_r[0], 0);
	CHECK_EQ_U64((uint64_t)(int64_t)region_r[1], (uint64_t)(int64_t)FOMOS_E_BADARG);
	CHECK_EQ_U64((uint64_t)(int64_t)region_r[2], (uint64_t)(int64_t)FOMOS_E_NOTFOUND);
	CHECK_EQ_U64((uint64_t)(int64_t)region_r[3], (uint64_t)(int64_t)FOMOS_E_BADARG);
	CHECK(exec_app_range(sharer, region_at, 8192, 1));
	CHECK(exec_app_range(reader, region_at, 8192, 0));
	CHECK(!exec_app_range(reader, region_at, 8192, 1));	/* read-only */
	CHECK(!exec_app_range(reader, region_at, 8193, 0));	/* past its end */
	CHECK(!exec_app_range(other, region_at, 1, 0));		/* never granted */
	exec_current = sharer;
	CHECK_EQ_U64(exec_grant(region_at, region_pid[1], 0), 0);	/* revoked */
	exec_current = NULL;
	CHECK(!exec_app_range(reader, region_at, 1, 0));
	exec_kill(region_pid[0]);
	CHECK(!exec_app_range(reader, region_at, 1, 0));
	CHECK_EQ_U64(reader->view_n, 0);
	fake_done();
}
