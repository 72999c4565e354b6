/*
 * The executor's platform on the PC (exec_plat.h): an app's pages come
 * from the pmm and are mapped in the kernel's one page table, as user
 * pages tagged with its home's protection key; apps run in ring 3
 * (enter_pc.S); a CPU exception in an app's code and the timer tick that
 * finds a call past its budget both turn the interrupted frame towards
 * exec_abort_landing; app files come from the boot disk, or from what efi/
 * loaded.
 *
 * Isolation without a context switch (../shared/design.md, "Isolation"):
 * one page table, never a CR3 switch.  A home is user pages; everything
 * else is supervisor-only, so ring 3 reaches nothing of the kernel, and
 * SMEP/SMAP keep the kernel from running or (outside the checked accesses
 * of a service) touching app memory.  Each home's pages carry a
 * protection key; PKRU, written when the next app to run has another key
 * than the last, opens key 0 (the shared stub page) and that app's key
 * only, for its own code and for the kernel's services working for it.
 * 14 keys go round more homes: the key of the home run most recently is
 * taken (the executor's order is a cycle), that home's pages are retagged
 * with the parked key 15, which no app's PKRU opens (libmpk's approach).
 * A shared region (ctx->share) is a protection domain of its own, keyed
 * like a home: PKRU opens it, read-only or read-write, for the apps that
 * see it.  The kernel itself runs with every
 * key open: a protection-key fault in the kernel outside a service opens
 * them all and retries.
 *
 * Kernel only.  Everything portable about running apps is exec.c's.
 */
#include "boot.h"
#include "cpu.h"
#include "exec.h"
#include "exec_pc.h"
#include "exec_plat.h"
#include "exec_priv.h"
#include "files.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "paging.h"
#include "panic.h"
#include "pmm.h"
#include "serial.h"
#include "timer.h"
#include "trap.h"
#include "user.h"

#define EXEC_PC_STUB_VA		(EXEC_HOME_BASE - (2ull << 20))	/* the shared stub page */
#define EXEC_PC_KEY_PARKED	15	/* homes that hold no key: closed to every app */
#define EXEC_PC_KEY_LAST	14	/* keys 1..14 go to homes */
#define PF_PROTECTION_KEY	(1u << 5)	/* page-fault error code: PKRU refused it */

extern const uint8_t exec_stubs[], exec_stubs_end[], exec_return_stub_code[];
extern uint64_t exec_user_return_stub, exec_call_trampoline;
extern volatile uint8_t exec_in_service;
FOMOS_CALL int exec_enter_user(app_entry_fn fn, struct fomos_ctx *ctx, uint64_t stack_top);
FOMOS_CALL int64_t exec_enter_user_call(uint64_t fn, const uint64_t *args, uint64_t stack_top);
void exec_syscall_entry(void);

_Static_assert(EXEC_SVC_COUNT == 31 && EXEC_SVC_RETURN == 63, "enter_pc.S has the same numbers");

/* Protection domains: home `slot` is domain slot; region k of home s is
 * EXEC_MAX_SLOTS + s * EXEC_REGIONS + k (the view numbers of
 * plat_home_switch, moved up by EXEC_MAX_SLOTS). */
#define EXEC_PC_DOMAINS		(EXEC_MAX_SLOTS * (1 + EXEC_REGIONS))
#define EXEC_PC_VIEW_MAX	(EXEC_PC_KEY_LAST - 2)	/* regions open at once, besides the home: 13 keys pinned at most */

static uint32_t exec_pc_mode = EXEC_PC_RING3;
static uint8_t exec_pc_slot_key[EXEC_PC_DOMAINS];	/* a domain's key, 0: parked */
static uint32_t exec_pc_key_slot[EXEC_PC_KEY_LAST + 1];	/* domain + 1, 0: free */
static uint64_t exec_pc_key_used[EXEC_PC_KEY_LAST + 1], exec_pc_key_clock;
static uint32_t exec_pc_pkru;				/* what PKRU holds */
struct exec_pc_stats exec_pc_stats;

/* --- homes and keys ------------------------------------------------------------ */

static uint32_t exec_pc_slot_of(uint64_t va)
{
	return (uint32_t)((va - EXEC_HOME_BASE) / EXEC_HOME_SIZE);
}

/* The domain of the page at va (above EXEC_HOME_BASE): its home, or the
 * region it lies in. */
static uint32_t exec_pc_domain_of(uint64_t va)
{
	uint32_t slot = exec_pc_slot_of(va);
	uint64_t off = va - exec_home(slot);

	if (off - EXEC_REGION_OFFSET < EXEC_REGIONS * EXEC_REGION_MAX)
		return EXEC_MAX_SLOTS + slot * EXEC_REGIONS + (uint32_t)((off - EXEC_REGION_OFFSET) / EXEC_REGION_MAX);
	return slot;
}

/* The key a page at va gets now: its domain's, or the parked one. */
static uint64_t exec_pc_key_flags(uint64_t va)
{
	uint32_t k;

	if (exec_pc_mode != EXEC_PC_KEYS || va < EXEC_HOME_BASE)
		return 0;
	k = exec_pc_slot_key[exec_pc_domain_of(va)];
	return PG_KEY(k ? k : EXEC_PC_KEY_PARKED);
}

static void exec_pc_set_pkru(uint32_t v)
{
	if (v == exec_pc_pkru)
		return;
	cpu_wrpkru(v);
	exec_pc_pkru = v;
	exec_pc_stats.pkru_writes++;
}

/* Each part of a home is mapped as one run from its start (home.h): the
 * image, the surface, the arena as it grew, the stack, the context page,
 * the call buffer; a region is one run too.  Retagging walks those runs
 * only. */
static void exec_pc_retag(uint32_t domain, uint32_t key)
{
	static const uint64_t parts[][2] = {
		{ 0, EXEC_SURFACE_OFFSET },
		{ EXEC_SURFACE_OFFSET, EXEC_REGION_OFFSET - EXEC_SURFACE_OFFSET },
		{ EXEC_ARENA_OFFSET, EXEC_ARENA_MAX },
		{ EXEC_STACK_OFFSET - EXEC_STACK_SIZE, EXEC_STACK_SIZE },
		{ EXEC_PAGE_OFFSET, EXEC_PAGE_BYTES },
		{ EXEC_CALLBUF_OFFSET, EXEC_CALLBUF_BYTES },
	};
	uint64_t home;
	uint32_t i;

	if (domain >= EXEC_MAX_SLOTS) {
		domain -= EXEC_MAX_SLOTS;
		paging_set_key(exec_region_va(domain / EXEC_REGIONS, domain % EXEC_REGIONS), EXEC_REGION_MAX, key);
		return;
	}
	home = exec_home(domain);
	for (i = 0; i < ARRAY_LEN(parts); i++)
		paging_set_key(home + parts[i][0], parts[i][1], key);
}

/* A key for slot: a free one, or the one of the home run most recently
 * (that home is parked: retagged, closed to everyone until it runs
 * again).  Most recently, not least: the executor calls apps in one fixed
 * cycle, for which evicting the most recent is what keeps the most keys
 * (measured: least-recent eviction retagged a home at every call with 16
 * apps; most-recent retags 3 homes per round of 16). */
static uint32_t exec_pc_pick_key(uint32_t pinned)
{
	uint32_t k, best = 0;

	for (k = 1; k <= EXEC_PC_KEY_LAST; k++) {
		if (pinned & (1u << k))
			continue;
		if (!exec_pc_key_slot[k])
			return k;
		if (!best || exec_pc_key_used[k] > exec_pc_key_used[best])
			best = k;
	}
	return best;
}

/* pinned: keys this very switch opens, never taken; keep: keys better
 * kept if any other will do (a cross-app call's other side). */
static uint32_t exec_pc_take_key(uint32_t domain, uint32_t pinned, uint32_t keep)
{
	uint32_t best = exec_pc_pick_key(pinned | keep);

	if (!best)
		best = exec_pc_pick_key(pinned);	/* at most 13 pinned of 14: never 0 */
	if (exec_pc_key_slot[best]) {
		uint32_t victim = exec_pc_key_slot[best] - 1;

		exec_pc_slot_key[victim] = 0;
		exec_pc_retag(victim, EXEC_PC_KEY_PARKED);
	}
	exec_pc_key_slot[best] = domain + 1;
	exec_pc_slot_key[domain] = (uint8_t)best;
	exec_pc_retag(domain, best);
	paging_flush();		/* once, for both */
	exec_pc_stats.retags++;
	return best;
}

/* The key of a domain this switch opens, taken if it has none. */
static uint32_t exec_pc_open_key(uint32_t domain, uint32_t *pinned, uint32_t keep)
{
	uint32_t k = exec_pc_slot_key[domain];

	if (!k)
		k = exec_pc_take_key(domain, *pinned, keep);
	*pinned |= 1u << k;
	exec_pc_key_used[k] = ++exec_pc_key_clock;
	return k;
}

void plat_home_switch(uint32_t slot, const uint32_t *view, uint32_t n)
{
	uint32_t pinned = 0, keep = 0, pkru, i, k;

	if (exec_pc_mode != EXEC_PC_KEYS)
		return;
	/* Inside a service this is a cross-app call going in or coming back
	 * (exec_share.c): the keys open now are the other side's, which runs
	 * again in a moment.  Evicting them (the most recent, the right victim
	 * for the round's cycle) would retag both sides at every call. */
	if (exec_in_service && exec_pc_pkru)
		for (k = 1; k <= EXEC_PC_KEY_LAST; k++)
			if (!(exec_pc_pkru & (1u << (2 * k))))
				keep |= 1u << k;
	/* Two bits a key, access- and write-disable: all set but key 0's,
	 * the home's, and the regions' it sees (write-disable kept for a
	 * read-only one). */
	k = exec_pc_open_key(slot, &pinned, keep);
	pkru = 0xfffffffcu & ~(3u << (2 * k));
	for (i = 0; i < MIN(n, (uint32_t)EXEC_PC_VIEW_MAX); i++) {
		k = exec_pc_open_key(EXEC_MAX_SLOTS + (view[i] & ~PLAT_VIEW_WRITE), &pinned, keep);
		pkru &= ~((view[i] & PLAT_VIEW_WRITE ? 3u : 1u) << (2 * k));
	}
	exec_pc_set_pkru(pkru);
}

void plat_homes_open(void)
{
	exec_pc_set_pkru(0);
}

void plat_user_open(void)
{
	if (cpu_smap_on)
		cpu_stac();
}

void plat_user_close(void)
{
	if (cpu_smap_on)
		cpu_clac();
}

uint64_t plat_service_stub(uint32_t n)
{
	return exec_pc_mode == EXEC_PC_RING0 ? 0 : EXEC_PC_STUB_VA + 16ull * n;
}

FOMOS_CALL int plat_enter(app_entry_fn fn, struct fomos_ctx *ctx, uint64_t stack_top)
{
	if (exec_pc_mode == EXEC_PC_RING0)
		return exec_enter(fn, ctx, stack_top);
	return exec_enter_user(fn, ctx, stack_top);
}

FOMOS_CALL int64_t plat_enter_call(uint64_t fn, const uint64_t *args, uint64_t stack_top)
{
	uint64_t rsp = exec_kernel_rsp;
	uint8_t in = exec_in_service;
	int64_t r;

	if (exec_pc_mode == EXEC_PC_RING0) {
		r = exec_enter_call(fn, args, stack_top);
	} else {
		plat_user_open();	/* the return address goes on its stack */
		r = exec_enter_user_call(fn, args, stack_top);
		plat_user_close();
	}
	exec_kernel_rsp = rsp;
	exec_in_service = in;
	return r;
}

uint32_t exec_pc_get_mode(void)
{
	return exec_pc_mode;
}

int exec_pc_set_mode(uint32_t mode)
{
	if (exec_running() || (mode == EXEC_PC_KEYS && !cpu_user.pku) || mode > EXEC_PC_KEYS)
		return -1;
	if ((mode == EXEC_PC_RING0) != (exec_pc_mode == EXEC_PC_RING0))
		cpu_user_ring0_apps(mode == EXEC_PC_RING0);
	exec_pc_mode = mode;
	exec_pc_set_pkru(0);
	return 0;
}

/* --- memory -------------------------------------------------------------------- */

/* Every page of a home is a user page, with its home's key. */
static uint64_t exec_pc_flags(uint64_t va, uint32_t how)
{
	uint64_t more = (how & PLAT_TRACK ? PG_SMALL : 0) | PG_USER | exec_pc_key_flags(va);

	switch (how & ~(uint32_t)PLAT_TRACK) {
	case PLAT_RO: return PG_RO | PG_NX | more;
	case PLAT_RX: return PG_RO | more;
	}
	return PG_RW | PG_NX | more;
}

void plat_unmap(uint64_t va, uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		uint64_t pa = paging_translate(va + off);

		if (pa)
			pmm_free(pa, 1);
	}
	paging_map(va, 0, size, 0);
}

/* Fresh zeroed pages, in as few physically contiguous runs as the pmm can
 * give; zeroed through the identity map, so the home is mapped once, with
 * its final flags. */
int plat_map(uint64_t va, uint64_t size, uint32_t how)
{
	uint64_t done = 0, run = size / PAGE_SIZE, flags = exec_pc_flags(va, how);

	while (done < size) {
		uint64_t want = MIN(run, (size - done) / PAGE_SIZE), pa;

		while (!(pa = pmm_alloc(want)) && want > 1)
			want /= 2;
		if (!pa || paging_map(va + done, pa, want * PAGE_SIZE, flags) < 0) {
			if (pa)
				pmm_free(pa, want);
			plat_unmap(va, done);
			return -1;
		}
		memset((void *)(uintptr_t)pa, 0, want * PAGE_SIZE);
		done += want * PAGE_SIZE;
		run = want;
	}
	return 0;
}

/* Remaps each physically contiguous run of [va, va+size) with new flags. */
int plat_protect(uint64_t va, uint64_t size, uint32_t how)
{
	uint64_t flags = exec_pc_flags(va, how), off = 0;

	while (off < size) {
		uint64_t pa = paging_translate(va + off), n = PAGE_SIZE;

		if (!pa)
			return -1;
		while (off + n < size && paging_translate(va + off + n) == pa + n)
			n += PAGE_SIZE;
		if (paging_map(va + off, pa, n, flags) < 0)
			return -1;
		off += n;
	}
	return 0;
}

int plat_room(uint64_t bytes)
{
	return bytes / PAGE_SIZE + 64 <= pmm_free_pages();
}

void *plat_alloc(uint64_t size)
{
	return kcalloc(1, size);
}

void plat_free(void *p)
{
	kfree(p);
}

void plat_take_dirty(uint64_t va, uint64_t size, void (*fn)(void *arg, uint64_t offset), void *arg)
{
	paging_take_dirty(va, size, fn, arg);
}

/* --- time, the terminal ------------------------------------------------------------ */

uint64_t plat_now_ns(void)
{
	return timer_tsc_to_ns(rdtsc());
}

void plat_term_write(const char *s, uint32_t n)
{
	serial_write(s, n);
}

/* --- app files ----------------------------------------------------------------------- */

static const struct boot_file *exec_pc_files;
static uint32_t exec_pc_file_count;

void exec_pc_set_boot_files(const struct boot_file *files, uint32_t count)
{
	exec_pc_files = files;
	exec_pc_file_count = count;
}

static const struct boot_file *exec_pc_boot_file(const char *path)
{
	uint32_t i;

	for (i = 0; i < exec_pc_file_count; i++)
		if (!strcmp(exec_pc_files[i].path, path))
			return &exec_pc_files[i];
	return NULL;
}

int plat_app_file(const char *name, char *path, const uint8_t **data, uint64_t *size)
{
	const struct boot_file *f;
	void *buf;
	int r;

	fmt_snprintf(path, BOOT_PATH_MAX, "/fomos/apps/%s.app", name);
	/* The disk first: an app copied onto the ESP after boot runs too. */
	if (files_ready()) {
		r = files_read_all(path, &buf, size);
		if (r == 0) {
			*data = exec_keep_file(buf, *size);	/* files_read_all kmalloc'ed it */
			return *data ? 0 : FOMOS_E_NOMEM;
		}
		if (r == FOMOS_E_NOTFOUND)
			return r;
		klog("exec: reading %s from the disk failed (%d); using the copy loaded at boot\n", path, r);
	}
	f = exec_pc_boot_file(path);
	if (!f)
		return FOMOS_E_NOTFOUND;
	*data = f->data;
	*size = f->size;
	return 0;
}

static void exec_pc_init_report(void *arg, const char *msg)
{
	(void)arg;
	klog("exec: /fomos/%s\n", msg);
}

void exec_pc_start_init(void)
{
	static struct init_entry entries[64];
	const struct boot_file *f = exec_pc_boot_file("/fomos/init");
	struct app *a;
	uint32_t n, i;

	if (!f) {
		klog("exec: no /fomos/init, no apps started\n");
		return;
	}
	n = init_parse((const char *)f->data, f->size, entries, ARRAY_LEN(entries), exec_pc_init_report, NULL);
	for (i = 0; i < n; i++) {
		for (a = exec_apps; a; a = a->next)
			if (a->state == APP_RUNNING && !strcmp(a->name, entries[i].name))
				break;
		if (a)
			klog("exec: %s is running already (resumed), not started again\n", a->name);
		else
			exec_run_name(entries[i].name, &entries[i].opts);
	}
}

/* --- faults and runaway apps ------------------------------------------------------- */

/* Leaves the app: the interrupted frame returns to exec_enter's epilogue
 * on the kernel stack, in ring 0, instead of into the app. */
static void exec_pc_leave(struct trap_frame *f)
{
	f->rip = (uint64_t)(uintptr_t)exec_abort_landing;
	f->rsp = exec_kernel_rsp;
	f->cs = GDT_KCODE;
	f->ss = GDT_KDATA;
	f->rflags = 0x2;	/* interrupts off until the epilogue restores the kernel's flags */
}

/* The app's own code was running (ring 3; the benchmark's ring-0 mode:
 * outside the kernel's image). */
static int exec_pc_app_code(const struct trap_frame *f)
{
	return (f->cs & 3) == 3 || (exec_pc_mode == EXEC_PC_RING0 && !trap_in_kernel(f->rip));
}

static int exec_pc_trap(struct trap_frame *f)
{
	uint64_t cr2 = f->vector == 14 ? read_cr2() : 0;
	struct exec_fault fault = { (uint32_t)f->vector, f->error, cr2, f->rip, f->rsp };

	if (!exec_call_id() || !exec_pc_app_code(f)) {
		/* The kernel's own code.  Reaching a home closed by its key
		 * outside a service is the kernel at work (the compositor, a
		 * snapshot): open every key and go on. */
		if (f->vector == 14 && (f->error & PF_PROTECTION_KEY) && !exec_in_service) {
			exec_pc_set_pkru(0);
			return 1;
		}
		/* A service working for the app touched user memory it should
		 * not have (another home, or past a check): the app's doing. */
		if (f->vector == 14 && exec_in_service && cr2 >= EXEC_PC_STUB_VA && cr2 < (1ull << 47) &&
		    exec_trespassed(cr2, !!(f->error & 2))) {
			exec_pc_leave(f);
			return 1;
		}
		return 0;
	}
	if (!exec_faulted(&fault))
		return 0;
	exec_pc_leave(f);
	return 1;
}

/* Every timer tick: the pessimistic half of "optimistically cooperative,
 * pessimistically preemptive".  In the app's own code the call ends at
 * once.  Inside a service (whose state may be half changed) the verdict is
 * only recorded: the SYSCALL entry leaves through the abort landing when
 * the service returns, so a service's time counts against the budget
 * too. */
static void exec_pc_tick(struct trap_frame *f)
{
	int app_code = exec_pc_app_code(f);

	if (exec_call_id() && (app_code || exec_in_service) &&
	    exec_overran(plat_now_ns() - exec_call_start_ns()) && app_code)
		exec_pc_leave(f);
}

/* The shared read-only page of stubs every app's context points at. */
static void exec_pc_map_stubs(void)
{
	uint64_t pa = pmm_alloc(1), n = (uint64_t)(exec_stubs_end - exec_stubs);

	if (!pa || n > PAGE_SIZE || paging_map(EXEC_PC_STUB_VA, pa, PAGE_SIZE, PG_RO | PG_USER) < 0)
		panic("exec: no memory for the stub page");
	memset((void *)(uintptr_t)pa, 0xcc, PAGE_SIZE);	/* int3 between the stubs */
	memcpy((void *)(uintptr_t)pa, exec_stubs, n);
	/* enter_pc.S has one 16-byte stub per service, then the return stub. */
	if (exec_return_stub_code - exec_stubs != 16 * EXEC_SVC_COUNT)
		panic("enter_pc.S has %llu service stubs, exec_plat.h %u\n",
		    ULL((exec_return_stub_code - exec_stubs) / 16), EXEC_SVC_COUNT);
	exec_user_return_stub = EXEC_PC_STUB_VA + 16ull * EXEC_SVC_COUNT;
	exec_call_trampoline = exec_user_return_stub + 16;
}

void exec_pc_init(void)
{
	cpu_user_init((uint64_t)(uintptr_t)exec_syscall_entry);
	exec_pc_map_stubs();
	if (cpu_user.pku)
		exec_pc_mode = EXEC_PC_KEYS;
	else
		klog("exec: this CPU has no protection keys: apps cannot reach the kernel, but can "
		    "reach each other's memory\n");
	trap_set_app_hook(exec_pc_trap);
	timer_set_tick_hook(exec_pc_tick);
	exec_set_fs(files_app_fs());
}
