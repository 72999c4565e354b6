/*
 * The executor's platform on the PC (exec_plat.h): an app's pages come
 * from the pmm and are mapped in the kernel's one page table; a CPU
 * exception in an app's code and the timer tick that finds a call past its
 * budget both turn the interrupted frame towards exec_abort_landing; app
 * files come from the boot disk, or from what efi/ loaded.
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
#include "pmm.h"
#include "serial.h"
#include "timer.h"
#include "trap.h"

/* --- memory -------------------------------------------------------------------- */

static uint64_t exec_pc_flags(uint32_t how)
{
	uint64_t small = how & PLAT_TRACK ? PG_SMALL : 0;

	switch (how & ~(uint32_t)PLAT_TRACK) {
	case PLAT_RO: return PG_RO | PG_NX | small;
	case PLAT_RX: return PG_RO | small;
	}
	return PG_RW | PG_NX | small;
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
	uint64_t done = 0, run = size / PAGE_SIZE, flags = exec_pc_flags(how);

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
	uint64_t flags = exec_pc_flags(how), off = 0;

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

/* Leaves the app: the interrupted frame returns to exec_enter's epilogue on
 * the kernel stack instead of into the app. */
static void exec_pc_leave(struct trap_frame *f)
{
	f->rip = (uint64_t)(uintptr_t)exec_abort_landing;
	f->rsp = exec_kernel_rsp;
	f->rflags = 0x202;	/* interrupts on, as in the executor */
}

static int exec_pc_trap(struct trap_frame *f)
{
	struct exec_fault fault = { (uint32_t)f->vector, f->error, 0, f->rip, f->rsp };

	if (f->vector == 14)
		fault.addr = read_cr2();
	if (!exec_faulted(&fault))
		return 0;
	exec_pc_leave(f);
	return 1;
}

/* Every timer tick: the pessimistic half of "optimistically cooperative,
 * pessimistically preemptive".  Inside a service the app called (log,
 * calloc), the kernel's own state may be half changed: wait until it
 * returns into the app. */
static void exec_pc_tick(struct trap_frame *f)
{
	if (!exec_call_id() || trap_in_kernel(f->rip))
		return;
	if (exec_overran(plat_now_ns() - exec_call_start_ns()))
		exec_pc_leave(f);
}

void exec_pc_init(void)
{
	trap_set_app_hook(exec_pc_trap);
	timer_set_tick_hook(exec_pc_tick);
	exec_set_fs(files_app_fs());
}
