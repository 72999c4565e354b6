/*
 * Apps sharing functions and memory (context version 4): services
 * published by name, cross-app calls, shared regions.
 *
 * A service is a table of functions in its provider's code.  A call to one
 * is a function call made on the caller's turn: the kernel checks the
 * arguments, switches the protection domain (the caller's home closes, the
 * provider's opens: one PKRU write each way, no page-table switch), enters
 * the function in ring 3 on the provider's own stack with the provider's
 * context, and comes back, as Hodor and UnderBridge do it.  The provider's
 * budget holds for the call; a fault or an overrun ends the provider, and
 * the caller gets FOMOS_E_FAULT.  Nothing of the caller's memory is ever
 * open to the provider: a pointer argument is passed as it is only when it
 * lies in a shared region both see; anything else of the caller's is
 * copied into the provider's call buffer (and back, for an out argument).
 *
 * A shared region is pages of its creator's home (home.h) that are a
 * protection domain of their own: each app that sees it (its creator, the
 * apps it granted, and the consumers of its services if it says so) has
 * the region's key opened in its PKRU, read-only or read-write, at the
 * same address.  Revoking closes it for that app at its next switch (at
 * once if it is on the current call chain); ending the creator unmaps it.
 *
 * Everything an app declared (services, handles, regions, grants) is also
 * written into its context page (struct exec_share_rec), which a snapshot
 * saves: a resumed app gets it all back, checked as if it had made the
 * calls again; a handle whose provider did not come back answers
 * FOMOS_E_GONE.
 *
 * Portable: the kernel, fomos-host (no protection: a development runner)
 * and the unit tests.
 */
#include "exec_priv.h"
#include "lib.h"
#include "log.h"

#define EXEC_SERVICES_MAX	64		/* services published at once, system-wide */
#define EXEC_SHARE_MAGIC	0x3152485353534f46ull	/* "FOSSSHR1" */
#define EXEC_ARGS_MAX		3		/* pointer arguments: a0..a2, each with its length next */

struct exec_service {
	struct app *provider;		/* NULL: a free entry */
	char name[EXEC_SVC_NAME];
	uint32_t version, count;
	uint64_t fn[EXEC_SVC_FNS];	/* addresses in the provider's code */
	uint32_t args[EXEC_SVC_FNS];	/* FOMOS_ARG_* */
	uint64_t calls, faults;
};

static struct exec_service exec_svcs[EXEC_SERVICES_MAX];
static uint64_t exec_share_gen = 1;	/* bumped whenever who-sees-what may have changed */
static uint32_t exec_regions_live;	/* regions in all: none, no view to build */
static uint32_t exec_call_depth;

/* --- names and the table --------------------------------------------------------- */

static int exec_svc_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* A service name from the app's memory, NUL terminated, byte by byte so
 * that a name at the very end of its memory is fine.  0, or -1 (not its
 * memory, not a good name). */
static int exec_svc_name(const struct app *a, const char *name, char *out)
{
	uint64_t p = (uint64_t)(uintptr_t)name;
	uint32_t i;

	for (i = 0; i < EXEC_SVC_NAME; i++) {
		if (!exec_app_range(a, (const void *)(uintptr_t)(p + i), 1, 0))
			return -1;
		plat_user_open();
		out[i] = *(const volatile char *)(uintptr_t)(p + i);
		plat_user_close();
		if (!out[i])
			return i ? 0 : -1;
		if (!exec_svc_char(out[i]))
			return -1;
	}
	return -1;
}

/* A name kept in a record the app can write (its page, after a resume). */
static int exec_svc_name_ok(const char *n)
{
	uint32_t i;

	for (i = 0; i < EXEC_SVC_NAME && n[i]; i++)
		if (!exec_svc_char(n[i]))
			return 0;
	return i > 0 && i < EXEC_SVC_NAME;
}

static struct exec_service *exec_svc_find(const char *name)
{
	uint32_t i;

	for (i = 0; i < EXEC_SERVICES_MAX; i++)
		if (exec_svcs[i].provider && !strcmp(exec_svcs[i].name, name))
			return &exec_svcs[i];
	return NULL;
}

/* The app's declarations, written into its context page for snapshots.
 * service: called from one of a's services (user memory is closed to
 * them but for such writes); else from the kernel between calls (a
 * resume), where it is open already. */
static void exec_share_record(struct app *a, int service)
{
	struct exec_share_rec *rec;
	uint32_t i, n = 0, f;

	if (!a->page)
		return;
	rec = &a->page->share;
	if (service)
		plat_user_open();
	memset(rec, 0, sizeof(*rec));
	rec->magic = EXEC_SHARE_MAGIC;
	for (i = 0; i < EXEC_SERVICES_MAX && n < EXEC_APP_SERVICES; i++) {
		const struct exec_service *s = &exec_svcs[i];

		if (s->provider != a)
			continue;
		memcpy(rec->services[n].name, s->name, EXEC_SVC_NAME);
		rec->services[n].version = s->version;
		rec->services[n].count = s->count;
		for (f = 0; f < s->count; f++) {
			rec->services[n].fns[f].fn = (fomos_service_fn)(uintptr_t)s->fn[f];
			rec->services[n].fns[f].args = s->args[f];
		}
		n++;
	}
	for (i = 0; i < EXEC_HANDLES; i++) {
		memcpy(rec->handles[i].name, a->handles[i].name, EXEC_SVC_NAME);
		rec->handles[i].min_version = a->handles[i].min_version;
	}
	memcpy(rec->regions, a->regions, sizeof(rec->regions));
	if (service)
		plat_user_close();
}

/* --- publishing and looking up ------------------------------------------------------ */

/* Which arguments are pointers: a0..a2 may be, each with its length in
 * the next argument, which is then a plain value; a3 never is. */
static int exec_args_ok(uint32_t args)
{
	uint32_t i;

	if (args >> (2 * EXEC_ARGS_MAX))
		return 0;
	for (i = 0; i + 1 < EXEC_ARGS_MAX; i++)
		if (((args >> (2 * i)) & 3) && ((args >> (2 * (i + 1))) & 3))
			return 0;
	return 1;
}

static void exec_wake_waiters(const char *name)
{
	struct app *w;

	for (w = exec_apps; w; w = w->next)
		if (w->state == APP_RUNNING && !strcmp(w->wants, name)) {
			w->wants[0] = 0;
			w->wake_ns = 0;
		}
}

/* The checks and the work of publish(), on a copy in kernel memory. */
static int32_t exec_publish_as(struct app *a, const char *name, uint32_t version, const struct fomos_fn *fns,
    uint32_t count)
{
	struct exec_service *s = exec_svc_find(name);
	uint32_t i, mine = 0;

	if (!count || count > EXEC_SVC_FNS)
		return FOMOS_E_BADARG;
	for (i = 0; i < count; i++) {
		uint64_t fn = (uint64_t)(uintptr_t)fns[i].fn;

		if (fn - (a->home + a->code_start) >= (uint64_t)(a->code_end - a->code_start) ||
		    !exec_args_ok(fns[i].args) || fns[i].reserved)
			return FOMOS_E_BADARG;
	}
	if (s && s->provider != a)
		return FOMOS_E_BUSY;	/* the name is another app's */
	if (!s) {
		for (i = 0; i < EXEC_SERVICES_MAX; i++) {
			mine += exec_svcs[i].provider == a;
			if (!s && !exec_svcs[i].provider)
				s = &exec_svcs[i];
		}
		if (!s || mine >= EXEC_APP_SERVICES)
			return FOMOS_E_BUSY;
	}
	if (!a->callbuf) {
		if (!plat_room(EXEC_CALLBUF_BYTES) ||
		    plat_map(a->home + EXEC_CALLBUF_OFFSET, EXEC_CALLBUF_BYTES, PLAT_RW) < 0)
			return FOMOS_E_NOMEM;
		a->callbuf = 1;
	}
	memset(s, 0, sizeof(*s));
	s->provider = a;
	memcpy(s->name, name, EXEC_SVC_NAME);
	s->version = version;
	s->count = count;
	for (i = 0; i < count; i++) {
		s->fn[i] = (uint64_t)(uintptr_t)fns[i].fn;
		s->args[i] = fns[i].args;
	}
	exec_share_gen++;
	exec_wake_waiters(name);
	klog("exec: %s[%llu] provides service %s, version %u (%u functions)\n", a->name, ULL(a->pid), name,
	    version, count);
	return 0;
}

FOMOS_CALL int32_t exec_publish(const char *name, uint32_t version, const struct fomos_fn *fns, uint32_t count)
{
	struct fomos_fn copy[EXEC_SVC_FNS];
	struct app *a = exec_current;
	char n[EXEC_SVC_NAME] = { 0 };
	int32_t r;

	EXEC_SERVICE();
	if (exec_svc_name(a, name, n) < 0 || !count || count > EXEC_SVC_FNS ||
	    !exec_app_range(a, fns, (uint64_t)count * sizeof(*fns), 0))
		return FOMOS_E_BADARG;
	plat_user_open();
	memcpy(copy, fns, count * sizeof(*fns));	/* read once: checked and used as copied */
	plat_user_close();
	r = exec_publish_as(a, n, version, copy, count);
	if (!r)
		exec_share_record(a, 1);
	return r;
}

/* Binds handle h of a to service s. */
static void exec_bind(struct exec_handle *h, const struct exec_service *s)
{
	uint32_t svc = (uint32_t)(s - exec_svcs);

	if (h->svc == svc && h->provider == s->provider->pid)
		return;		/* the same: who sees what did not change */
	h->svc = svc;
	h->provider = s->provider->pid;
	exec_share_gen++;	/* a consumer more: FOMOS_CONSUMERS grants may open */
}

FOMOS_CALL int32_t exec_lookup(const char *name, uint32_t min_version)
{
	struct app *a = exec_current;
	struct exec_handle *h = NULL;
	const struct exec_service *s;
	char n[EXEC_SVC_NAME] = { 0 };
	uint32_t i;

	EXEC_SERVICE();
	if (exec_svc_name(a, name, n) < 0)
		return FOMOS_E_BADARG;
	s = exec_svc_find(n);
	if (!s || s->version < min_version) {
		memcpy(a->wants, n, EXEC_SVC_NAME);	/* woken when it appears */
		return s ? FOMOS_E_VERSION : FOMOS_E_NOTFOUND;
	}
	for (i = 0; i < EXEC_HANDLES && !h; i++)
		if (!strcmp(a->handles[i].name, n))
			h = &a->handles[i];
	for (i = 0; i < EXEC_HANDLES && !h; i++)
		if (!a->handles[i].name[0])
			h = &a->handles[i];
	if (!h)
		return FOMOS_E_BUSY;
	memcpy(h->name, n, EXEC_SVC_NAME);
	h->min_version = min_version;
	exec_bind(h, s);
	exec_share_record(a, 1);
	exec_share_switch(a);	/* regions granted to its providers' consumers open now */
	return (int32_t)(h - a->handles) + 1;
}

/* The live service behind a's handle, or an error. */
static int32_t exec_resolve(struct app *a, int32_t handle, struct exec_service **out)
{
	struct exec_handle *h;
	struct exec_service *s;

	if (handle < 1 || handle > EXEC_HANDLES || !a->handles[handle - 1].name[0])
		return FOMOS_E_BADARG;
	h = &a->handles[handle - 1];
	if (!h->provider) {
		/* Resumed: bound again by name, to whoever provides it now. */
		s = exec_svc_find(h->name);
		if (!s || s->version < h->min_version)
			return FOMOS_E_GONE;
		exec_bind(h, s);
	}
	s = &exec_svcs[h->svc];
	if (!s->provider || s->provider->pid != h->provider || s->provider->state != APP_RUNNING)
		return FOMOS_E_GONE;
	*out = s;
	return 0;
}

/* --- regions: who sees what --------------------------------------------------------- */

static int exec_consumer_of(const struct app *x, const struct app *p)
{
	uint32_t i;

	for (i = 0; i < EXEC_HANDLES; i++)
		if (x->handles[i].name[0] && x->handles[i].provider == p->pid)
			return 1;
	return 0;
}

/* The rights x has on region r of c: FOMOS_SHARE_* or 0. */
static uint32_t exec_region_rights(const struct app *x, const struct app *c, const struct exec_region *r)
{
	uint32_t rights = 0, g;

	if (c == x)
		return FOMOS_SHARE_WRITE;
	for (g = 0; g < EXEC_GRANTS; g++)
		if (r->grant_rights[g] && r->grant_pid[g] == x->pid)
			rights |= r->grant_rights[g];
	if (r->consumers && exec_consumer_of(x, c))
		rights |= r->consumers;
	return rights;
}

/* Adds c's regions that x sees to x's view, while there is room. */
static void exec_view_add(struct app *x, const struct app *c)
{
	uint32_t k, rights;

	for (k = 0; k < EXEC_REGIONS && x->view_n < EXEC_VIEW_MAX; k++) {
		if (!c->regions[k].size || !(rights = exec_region_rights(x, c, &c->regions[k])))
			continue;
		x->view[x->view_n] = (c->slot * EXEC_REGIONS + k) | (rights == FOMOS_SHARE_WRITE ? PLAT_VIEW_WRITE : 0);
		x->view_size[x->view_n++] = c->regions[k].size;
	}
}

/* What x sees, in the order that keeps what it chose when there are more
 * than EXEC_VIEW_MAX: its own regions, then its providers', then what
 * other apps granted it unasked. */
static void exec_view_build(struct app *x)
{
	const struct app *c;
	int pass;

	x->view_gen = exec_share_gen;
	x->view_n = 0;
	if (!exec_regions_live)
		return;
	exec_view_add(x, x);
	for (pass = 0; pass < 2; pass++)
		for (c = exec_apps; c; c = c->next)
			if (c != x && c->state == APP_RUNNING && exec_consumer_of(x, c) == !pass)
				exec_view_add(x, c);
}

void exec_share_switch(struct app *a)
{
	if (a->view_gen != exec_share_gen)
		exec_view_build(a);
	plat_home_switch(a->slot, a->view, a->view_n);
}

int exec_share_range(const struct app *a, uint64_t p, uint64_t len, int write)
{
	uint32_t i;

	if (!exec_regions_live)
		return 0;
	if (a->view_gen != exec_share_gen)
		exec_view_build((struct app *)a);	/* the cache of what it sees, not its state */
	for (i = 0; i < a->view_n; i++) {
		uint32_t d = a->view[i] & ~PLAT_VIEW_WRITE;
		uint64_t va = exec_region_va(d / EXEC_REGIONS, d % EXEC_REGIONS);

		if (p >= va && p - va <= a->view_size[i] && len <= a->view_size[i] - (p - va))
			return !write || (a->view[i] & PLAT_VIEW_WRITE);
	}
	return 0;
}

/* --- the call ------------------------------------------------------------------------ */

struct exec_copy_back {
	uint64_t to, from, len;
};

/* Pointer arguments: passed as they are when in a region both apps see,
 * else copied into p's call buffer.  0, or an error (nothing ran). */
static int32_t exec_call_args(struct app *a, struct app *p, uint32_t kinds, uint64_t *args,
    struct exec_copy_back *back, uint32_t *nback)
{
	uint64_t used = 0, buf = p->home + EXEC_CALLBUF_OFFSET;
	uint32_t i;

	for (i = 0; i < EXEC_ARGS_MAX; i++) {
		uint32_t kind = (kinds >> (2 * i)) & 3;
		uint64_t ptr = args[1 + i], len = args[2 + i];
		int out = !!(kind & FOMOS_ARG_OUT(0));

		if (!kind || !len)
			continue;
		if (exec_share_range(a, ptr, len, out) && exec_share_range(p, ptr, len, out))
			continue;
		if (!exec_app_range(a, (const void *)(uintptr_t)ptr, len, out))
			return FOMOS_E_BADARG;
		if (len > EXEC_CALLBUF_BYTES - used)
			return FOMOS_E_TOOBIG;
		plat_homes_open();
		plat_user_open();
		if (kind & FOMOS_ARG_IN(0))
			memcpy((void *)(uintptr_t)(buf + used), (const void *)(uintptr_t)ptr, len);
		else	/* nothing of the last caller's stays for this one to see */
			memset((void *)(uintptr_t)(buf + used), 0, len);
		plat_user_close();
		if (out)
			back[(*nback)++] = (struct exec_copy_back){ ptr, buf + used, len };
		args[1 + i] = buf + used;
		used += ALIGN_UP(len, 16);
	}
	return 0;
}

/* Runs function fn of s for a; *r gets its value.  Returns 1 if the
 * provider faulted or overran (then *r is FOMOS_E_FAULT), else 0: a
 * provider may well return FOMOS_E_FAULT itself (passing on what a call of
 * its own answered), which must not end it. */
static int exec_call_into(struct app *a, struct exec_service *s, uint32_t fn, uint64_t *args, int64_t *r)
{
	struct app *p = s->provider;
	struct fomos_ctx *c;
	void *const *services = exec_services;
	uint64_t start = exec_cur_start, now = plat_now_ns(), spent;
	int32_t aborted = exec_call_aborted, failed;

	exec_share_switch(p);
	plat_user_open();
	c = exec_fresh_ctx(p, now);	/* its own context, fresh, as at each call */
	c->caller = a->pid;
	plat_user_close();
	args[0] = (uint64_t)(uintptr_t)c;

	exec_current = p;
	exec_services = p->services;
	exec_cur_start = now;
	exec_call_aborted = 0;
	p->on_chain = 1;
	exec_call_depth++;
	if (exec_unprotected)
		*r = ((fomos_service_fn)(uintptr_t)s->fn[fn])(c, args[1], args[2], args[3], args[4]);
	else
		*r = plat_enter_call(s->fn[fn], args, p->stack_top);
	/* The provider's verdict, read while it is still the current app: a
	 * tick from here on judges the caller. */
	failed = exec_call_aborted;
	exec_call_depth--;
	p->on_chain = 0;
	spent = plat_now_ns() - now;
	p->cpu_ns += spent;
	exec_current = a;
	exec_services = services;
	/* The call's time counts against the caller's budget (a caller
	 * looping on calls is still a runaway), but not a provider's overrun:
	 * that one is the provider's, and ended it. */
	exec_cur_start = failed ? start + spent : start;
	if (failed) {
		uint64_t n = strlen(p->reason);

		fmt_snprintf(p->reason + n, sizeof(p->reason) - n, ", in a call from %s[%llu]", a->name, ULL(a->pid));
		s->faults++;
		*r = FOMOS_E_FAULT;
	}
	exec_call_aborted = aborted;
	return failed != 0;
}

FOMOS_CALL int64_t exec_svc_call(int32_t handle, uint32_t fn, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct exec_copy_back back[EXEC_ARGS_MAX];
	uint64_t args[5] = { 0, a0, a1, a2, a3 };
	struct app *a = exec_current, *p;
	struct exec_service *s;
	uint32_t nback = 0, i;
	int64_t r;
	int failed;

	EXEC_SERVICE();
	if ((r = exec_resolve(a, handle, &s)) != 0)
		return r;
	if (fn >= s->count)
		return FOMOS_E_BADARG;
	p = s->provider;
	if (p->on_chain || exec_call_depth >= EXEC_CALL_DEPTH)
		return FOMOS_E_BUSY;	/* its stack is in use: it called us, directly or not */
	if ((r = exec_call_args(a, p, s->args[fn], args, back, &nback)) != 0) {
		exec_share_switch(a);
		return r;
	}
	s->calls++;
	failed = exec_call_into(a, s, fn, args, &r);
	if (failed || p->kill_pending) {
		/* Kernel work on other homes (its `restart` loads a new one), as
		 * system() does it. */
		plat_homes_open();
		plat_user_open();
		exec_end(p, failed ? p->ended_by : APP_END_KILLED, failed ? -1 : -9);
		plat_user_close();
		exec_share_switch(a);
		return failed ? FOMOS_E_FAULT : FOMOS_E_GONE;
	}
	if (nback) {
		plat_homes_open();
		for (i = 0; i < nback; i++) {
			/* Checked again: the call may have taken a region away. */
			if (!exec_app_range(a, (const void *)(uintptr_t)back[i].to, back[i].len, 1))
				continue;
			plat_user_open();
			memcpy((void *)(uintptr_t)back[i].to, (const void *)(uintptr_t)back[i].from, back[i].len);
			plat_user_close();
		}
	}
	exec_share_switch(a);
	return r;
}

/* --- sharing ------------------------------------------------------------------------- */

uint64_t exec_region_bytes(const struct app *a)
{
	uint64_t n = 0;
	uint32_t k;

	for (k = 0; k < EXEC_REGIONS; k++)
		n += a->regions[k].size;
	return n;
}

/* Region k of a, bytes long, mapped (zeroed).  0 or -1. */
int exec_region_map(struct app *a, uint32_t k, uint64_t bytes)
{
	if (k >= EXEC_REGIONS || a->regions[k].size || !bytes || bytes > EXEC_REGION_MAX ||
	    bytes % 4096 || !plat_room(bytes) || plat_map(exec_region_va(a->slot, k), bytes, PLAT_RW) < 0)
		return -1;
	memset(&a->regions[k], 0, sizeof(a->regions[k]));
	a->regions[k].size = bytes;
	exec_regions_live++;
	exec_share_gen++;
	return 0;
}

FOMOS_CALL void *exec_share(uint64_t size)
{
	struct app *a = exec_current;
	uint64_t bytes = ALIGN_UP(size, 4096);
	uint32_t k;

	EXEC_SERVICE();
	if (!size || size > EXEC_REGION_MAX || bytes + exec_region_bytes(a) + a->mem.mapped > a->mem.quota)
		return NULL;
	for (k = 0; k < EXEC_REGIONS && a->regions[k].size; k++)
		;
	if (k == EXEC_REGIONS || exec_region_map(a, k, bytes) < 0)
		return NULL;
	exec_share_record(a, 1);
	exec_share_switch(a);	/* open to it from this call on */
	return (void *)(uintptr_t)exec_region_va(a->slot, k);
}

/* A grant of region r to pid; rights 0 takes it back.  0 or an error. */
static int32_t exec_grant_as(struct exec_region *r, uint64_t pid, uint32_t rights)
{
	uint32_t g, free = EXEC_GRANTS;

	if (rights != 0 && rights != FOMOS_SHARE_READ && rights != FOMOS_SHARE_WRITE)
		return FOMOS_E_BADARG;
	if (pid == FOMOS_CONSUMERS) {
		r->consumers = (uint8_t)rights;
		exec_share_gen++;
		return 0;
	}
	for (g = 0; g < EXEC_GRANTS; g++) {
		if (r->grant_rights[g] && r->grant_pid[g] == pid)
			break;
		if (!r->grant_rights[g] && free == EXEC_GRANTS)
			free = g;
	}
	if (g == EXEC_GRANTS) {
		if (!rights)
			return 0;
		if (free == EXEC_GRANTS)
			return FOMOS_E_BUSY;
		g = free;
	}
	r->grant_pid[g] = rights ? pid : 0;
	r->grant_rights[g] = (uint8_t)rights;
	exec_share_gen++;
	return 0;
}

FOMOS_CALL int32_t exec_grant(void *region, uint64_t pid, uint32_t rights)
{
	struct app *a = exec_current;
	uint64_t va = (uint64_t)(uintptr_t)region;
	uint32_t k;
	int32_t r;

	EXEC_SERVICE();
	for (k = 0; k < EXEC_REGIONS; k++)
		if (a->regions[k].size && va == exec_region_va(a->slot, k))
			break;
	if (k == EXEC_REGIONS || pid == a->pid)
		return FOMOS_E_BADARG;
	if (pid != FOMOS_CONSUMERS && rights && !exec_find(pid))
		return FOMOS_E_NOTFOUND;
	r = exec_grant_as(&a->regions[k], pid, rights);
	if (!r)
		exec_share_record(a, 1);
	return r;
}

/* --- ending and resuming ---------------------------------------------------------------- */

/* Grants to pid (0: to any pid no running app has) go, from the
 * creators' snapshot records too.  The kernel's work between calls, or
 * with every home open (exec_end's callers). */
static void exec_drop_grants(uint64_t pid)
{
	struct app *o;
	uint32_t k, g;

	for (o = exec_apps; o; o = o->next) {
		int changed = 0;

		if (o->state != APP_RUNNING)
			continue;
		for (k = 0; k < EXEC_REGIONS; k++)
			for (g = 0; g < EXEC_GRANTS; g++) {
				uint64_t to = o->regions[k].grant_pid[g];

				if (o->regions[k].grant_rights[g] && (pid ? to == pid : !exec_find(to))) {
					o->regions[k].grant_rights[g] = 0;
					changed = 1;
				}
			}
		if (changed)
			exec_share_record(o, 0);
	}
}

void exec_share_release(struct app *a)
{
	uint32_t i, k;

	for (i = 0; i < EXEC_SERVICES_MAX; i++)
		if (exec_svcs[i].provider == a)
			exec_svcs[i].provider = NULL;	/* its consumers' handles answer FOMOS_E_GONE */
	for (k = 0; k < EXEC_REGIONS; k++) {
		if (!a->regions[k].size)
			continue;
		plat_unmap(exec_region_va(a->slot, k), a->regions[k].size);
		a->regions[k].size = 0;
		exec_regions_live--;
	}
	/* Grants to it go, from the creators' records too: a pid is never
	 * used again in this boot, but a resumed grant must not outlive it. */
	exec_drop_grants(a->pid);
	memset(a->handles, 0, sizeof(a->handles));
	a->wants[0] = 0;
	a->view_n = 0;
	exec_share_gen++;
}

void exec_share_resume(struct app *a)
{
	const struct exec_share_rec *rec = &a->page->share;
	uint32_t i, k, g;

	/* Between calls: user memory is open to the kernel. */
	if (rec->magic != EXEC_SHARE_MAGIC)
		return;
	for (i = 0; i < EXEC_APP_SERVICES; i++) {
		const char *n = rec->services[i].name;

		if (!n[0])
			continue;
		if (!exec_svc_name_ok(n) || rec->services[i].count > EXEC_SVC_FNS ||
		    exec_publish_as(a, n, rec->services[i].version, rec->services[i].fns, rec->services[i].count) < 0)
			klog("exec: %s[%llu]: its saved service '%.31s' is not published again\n", a->name,
			    ULL(a->pid), exec_svc_name_ok(n) ? n : "?");
	}
	for (i = 0; i < EXEC_HANDLES; i++) {
		if (!exec_svc_name_ok(rec->handles[i].name))
			continue;
		memcpy(a->handles[i].name, rec->handles[i].name, EXEC_SVC_NAME);
		a->handles[i].min_version = rec->handles[i].min_version;
		a->handles[i].provider = 0;	/* bound at its first call, if someone provides it */
	}
	for (k = 0; k < EXEC_REGIONS; k++) {
		const struct exec_region *r = &rec->regions[k];

		if (!a->regions[k].size)
			continue;	/* not restored: nothing to grant */
		a->regions[k].consumers = r->consumers == FOMOS_SHARE_READ || r->consumers == FOMOS_SHARE_WRITE ?
		    r->consumers : 0;
		for (g = 0; g < EXEC_GRANTS; g++)
			if (r->grant_pid[g] && r->grant_pid[g] != a->pid)
				exec_grant_as(&a->regions[k], r->grant_pid[g], r->grant_rights[g]);
	}
	exec_share_gen++;
	exec_share_record(a, 0);
}

void exec_share_prune(void)
{
	exec_drop_grants(0);
	exec_share_gen++;
}

/* --- for ps and `services` --------------------------------------------------------------- */

/* Appends to out[*n..cap), never past it, always NUL terminated. */
static void exec_put(char *out, uint32_t cap, uint32_t *n, const char *fmt, ...) FMT_PRINTF(4, 5);
static void exec_put(char *out, uint32_t cap, uint32_t *n, const char *fmt, ...)
{
	va_list ap;

	if (*n + 1 >= cap)
		return;
	va_start(ap, fmt);
	*n += (uint32_t)MIN((uint64_t)fmt_vsnprintf(out + *n, cap - *n, fmt, ap), (uint64_t)(cap - *n - 1));
	va_end(ap);
}

/* c holds a handle bound to service i. */
static int exec_uses(const struct app *c, uint32_t i)
{
	uint32_t h;

	for (h = 0; h < EXEC_HANDLES; h++)
		if (c->handles[h].name[0] && c->handles[h].provider && c->handles[h].svc == i &&
		    c->handles[h].provider == exec_svcs[i].provider->pid)
			return 1;
	return 0;
}

uint32_t exec_share_describe(const struct app *a, char *out, uint32_t cap)
{
	const char *sep = "";
	uint32_t n = 0, i;

	if (cap)
		out[0] = 0;
	for (i = 0; i < EXEC_SERVICES_MAX; i++)
		if (exec_svcs[i].provider == a) {
			exec_put(out, cap, &n, "%sprovides %s", sep, exec_svcs[i].name);
			sep = ", ";
		}
	for (i = 0; i < EXEC_HANDLES; i++)
		if (a->handles[i].name[0]) {
			exec_put(out, cap, &n, "%suses %s", sep, a->handles[i].name);
			sep = ", ";
		}
	return n;
}

uint32_t exec_services_list(char *out, uint32_t cap)
{
	uint32_t n = 0, i, found = 0;
	const struct app *c;

	if (cap)
		out[0] = 0;
	exec_put(out, cap, &n, "%-14s %7s %-18s %4s %9s %6s  %s\n", "SERVICE", "VERSION", "PROVIDER", "FNS",
	    "CALLS", "FAULTS", "USED BY");
	for (i = 0; i < EXEC_SERVICES_MAX; i++) {
		const struct exec_service *s = &exec_svcs[i];
		const char *sep = "";
		char who[48];

		if (!s->provider)
			continue;
		found++;
		fmt_snprintf(who, sizeof(who), "%s[%llu]", s->provider->name, ULL(s->provider->pid));
		exec_put(out, cap, &n, "%-14s %7u %-18s %4u %9llu %6llu  ", s->name, s->version, who, s->count,
		    ULL(s->calls), ULL(s->faults));
		for (c = exec_apps; c; c = c->next)
			if (c->state == APP_RUNNING && exec_uses(c, i)) {
				exec_put(out, cap, &n, "%s%s[%llu]", sep, c->name, ULL(c->pid));
				sep = " ";
			}
		exec_put(out, cap, &n, "%s\n", *sep ? "" : "-");
	}
	if (!found)
		exec_put(out, cap, &n, "(no app publishes a service)\n");
	return n;
}
