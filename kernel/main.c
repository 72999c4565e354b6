/*
 * kernel_main: from the firmware's machine to ours, then the system's one
 * loop.
 *
 * Order matters.  We arrive on the firmware's stack, under its GDT, IDT and
 * page tables, all in boot-services memory.  So: serial and the pmm first
 * (from free RAM only), then our own stack; on it, our GDT, IDT and page
 * tables; only then is boot-services memory released to the pmm.
 *
 * The loop (main_turn) is the only place that knows every subsystem: the
 * devices, the apps (exec/), the serial line (shell/), the disk work for
 * apps and the screen, each given its turn; when nobody is due it halts the
 * CPU until the next interrupt.
 */
#include "acpi.h"
#include "bench.h"
#include "bench_disk.h"
#include "boot.h"
#include "cmd.h"
#include "console.h"
#include "cpu.h"
#include "display.h"
#include "drivers.h"
#include "exec.h"
#include "exec_pc.h"
#include "exec_plat.h"
#include "exec_snap.h"
#include "files.h"
#include "gpu3d.h"
#include "inputhub.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "monitor.h"
#include "net.h"
#include "paging.h"
#include "panic.h"
#include "pmm.h"
#include "scanout.h"
#include "serial.h"
#include "timer.h"
#include "trap.h"

#define KSTACK_PAGES	16	/* 64 KiB, with an unmapped guard page below */
#define MAIN_FRAME_NS	(1000000000ull / 60)	/* the screen is recomposed at most 60 times a second */
#define MAIN_CHORES_NS	1000000ull		/* the serial line, disk work and the screen: once a ms */
#define MAIN_FILES_NS	500000ull		/* disk work for apps per chores turn */

static uint64_t main_guard;	/* the page below the kernel stack */
static uint32_t *main_frame;	/* what the display composes in at boot */

static const char *const main_fb_formats[] = { "none", "RGBX", "BGRX", "bitmask" };

static void main_log_memory(const struct boot_info *bi)
{
	uint64_t usable = 0;
	uint32_t i;

	for (i = 0; i < bi->region_count; i++) {
		uint32_t t = bi->regions[i].type;

		if (t == MEM_USABLE || t == MEM_BOOT_SERVICES || t == MEM_LOADER)
			usable += bi->regions[i].pages * PAGE_SIZE;
	}
	klog("mem: %llu MiB usable (%u regions in the memory map)\n", usable >> 20, bi->region_count);
}

/* Overflows the kernel stack into its guard page. */
static uint64_t main_recurse(uint64_t depth)
{
	volatile uint8_t pad[512];

	pad[0] = (uint8_t)depth;
	if (depth == UINT64_MAX)	/* never true; keeps clang from calling this an infinite loop */
		return pad[0];
	return main_recurse(depth + 1) + pad[0];
}

/* fault=KIND in boot.cfg: a test-only way to check the fault dump. */
static void main_fault_on_purpose(const char *kind)
{
	volatile uint64_t zero = 0;

	if (!kind[0])
		return;
	klog("kernel: faulting on purpose (fault=%s in boot.cfg)\n", kind);
	if (!strcmp(kind, "page"))
		*(volatile uint64_t *)(uintptr_t)(zero + 8) = 1;
	else if (!strcmp(kind, "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(kind, "gp"))
		*(volatile uint64_t *)(uintptr_t)(zero + 0x8000000000000000ull) = 1;
	else if (!strcmp(kind, "div"))
		klog("%llu\n", 1 / zero);
	else if (!strcmp(kind, "stack"))
		main_recurse(0);
	else if (!strcmp(kind, "breakpoint"))
		__asm__ volatile("int3");
	else
		klog("kernel: unknown fault kind '%s' in boot.cfg, ignored\n", kind);
}

/* --- the loop ------------------------------------------------------------------- */

/* One turn: the devices, a round of the apps that are due, and, once a
 * millisecond, the serial line, disk work and the screen.  Returns how many
 * apps were called; *next_wake_ns as exec_round's.  (The benchmark drives
 * the loop turn by turn: bench_run gets this.) */
static uint32_t main_turn(uint64_t *next_wake_ns)
{
	static uint64_t next_chores_tsc, next_frame;
	uint32_t called;
	uint64_t tsc, now;

	/* Devices first: what arrived reaches the apps in this same round. */
	drivers_poll();
	net_poll();
	exec_clicks();
	called = exec_round(next_wake_ns);
	exec_snap_poll();

	/* Polling the UART is an I/O port access (slow, very slow under TCG):
	 * the serial line, the disk work and the display are looked at once a
	 * millisecond, not once per round of apps that return at once.  The
	 * check is on the raw TSC: this runs once per round. */
	tsc = rdtsc();
	if (tsc < next_chores_tsc)
		return called;
	next_chores_tsc = tsc + timer_tsc_hz() / (1000000000ull / MAIN_CHORES_NS);
	now = timer_tsc_to_ns(tsc);
	trap_poll_nmi();
	monitor_poll();
	inputhub_tick(now);
	scanout_poll();
	/* Disk work for the apps, in slices: the loop never waits long for
	 * the disk. */
	exec_files_poll(MAIN_FILES_NS);
	if (now >= next_frame) {
		next_frame = now + MAIN_FRAME_NS;
		exec_frame();
		console_sync();
		display_flush();
	}
	return called;
}

static __attribute__((noreturn)) void main_loop(void)
{
	uint64_t next;

	console_defer(1);
	/* The apps' first calls come before the kernel's prompt: an app that
	 * takes the serial line as its terminal (the console) takes it before
	 * anyone can type into ours. */
	main_turn(&next);
	monitor_start();
	for (;;) {
		/* Nothing due: sleep until the next interrupt (the 1 kHz tick at
		 * the latest), then look again. */
		if (!main_turn(&next) && next > plat_now_ns())
			cpu_sti_hlt();
	}
}

/* --- bringing it up ---------------------------------------------------------------- */

static uint64_t main_irq_off(void)
{
	return cpu_save_irq();
}

static void main_irq_restore(uint64_t f)
{
	cpu_restore_irq(f);
}

static void main_log_serial(const char *s, size_t n)
{
	serial_write(s, n);
}

static void main_log_console(const char *s, size_t n)
{
	console_write(s, n);
}

/* A fault dump or a panic takes the screen: only the console stays. */
static void main_on_fatal(void)
{
	console_defer(0);
	display_panic();
}

/* A new mode (the host's window, or `resolution`): apps and the pointer
 * learn the size. */
static void main_resized(uint32_t w, uint32_t h)
{
	exec_set_screen(w, h);
	inputhub_screen(timer_ns(), w, h);
}

static void main_start_apps(struct boot_info *bi)
{
	exec_init(display_ready() ? display_width() : 0, display_ready() ? display_height() : 0);
	exec_set_system(cmd_system);
	if (net_up())
		exec_set_net(&net_sock_ops);
	if (gpu3d_ops())
		exec_set_gpu(gpu3d_ops());
	exec_pc_set_boot_files(bi->files, bi->file_count);
	exec_pc_init();
}

/* Runs on the kernel's own stack. */
static void main_on_own_stack(void *arg)
{
	struct boot_info *bi = arg;
	uint64_t freed, ns;

	gdt_init();
	idt_init();
	if (paging_init(bi) == 0) {
		paging_map(main_guard, main_guard, PAGE_SIZE, 0);
		freed = pmm_release_type(bi->regions, bi->region_count, MEM_BOOT_SERVICES);
		klog("pmm: reclaimed %llu MiB of boot-services memory, %llu MiB free\n",
		    freed * PAGE_SIZE >> 20, pmm_free_pages() * PAGE_SIZE >> 20);
	}
	acpi_init(bi->rsdp);
	timer_init(bi->tsc_at_entry);
	cpu_sti();
	inputhub_init(bi->fb.width, bi->fb.height, bi->cfg.keymap);
	drivers_init();
	if (scanout_init(main_frame, main_resized) && (inputhub_width() != (int32_t)display_width() ||
	    inputhub_height() != (int32_t)display_height()))
		inputhub_screen(timer_ns(), display_width(), display_height());
	net_init(&bi->cfg);
	files_init();

	ns = timer_ns();
	klog("kernel: ready in %llu.%llu ms\n", ns / 1000000, ns / 100000 % 10);
	main_fault_on_purpose(bi->cfg.fault);
	main_start_apps(bi);
	if (bi->cfg.bench) {
		bench_disk_ovmf(&bi->diskbench, &bi->diskbench_usb);
		bench_run(main_turn, &bi->fb);
	}
	exec_snap_resume(bi->cfg.resume);
	exec_pc_start_init();
	main_loop();
}

void kernel_main(struct boot_info *bi)
{
	uint64_t stack;
	uint32_t *frame;

	cpu_cli();
	serial_init();
	log_ingest(bi->early_log, bi->early_log_len);
	log_add_sink(main_log_serial);
	log_set_guard(main_irq_off, main_irq_restore);
	trap_set_fatal_hook(main_on_fatal);
	klog("kernel: Fomos in C, image at 0x%llx (link base 0x%llx)\n", bi->image_base, bi->link_base);
	trap_set_image(bi->image_base, bi->image_size, bi->link_base);
	main_log_memory(bi);
	if (pmm_init(bi->regions, bi->region_count) < 0) {
		klog("kernel: no usable memory in the memory map\nkernel: halted\n");
		cpu_halt_forever();
	}
	frame = bi->fb.format != FB_NONE ? kcalloc((uint64_t)bi->fb.width * bi->fb.height, 4) : NULL;
	main_frame = frame;
	if (display_init(&bi->fb, frame, 0xff000000u) == 0 && console_init() == 0) {
		log_replay(main_log_console);
		log_add_sink(main_log_console);
	}
	if (bi->fb.format != FB_NONE)
		klog("fb: %ux%u %s, stride %u, at 0x%llx\n", bi->fb.width, bi->fb.height,
		    main_fb_formats[bi->fb.format], bi->fb.stride, bi->fb.base);
	else
		klog("fb: none, serial console only\n");

	stack = pmm_alloc(KSTACK_PAGES + 1);
	if (!stack)
		panic("kernel: no memory for the kernel stack");
	/* The guard page is unmapped once our page tables exist (paging_init
	 * maps everything, so protect it right after). */
	main_guard = stack;
	cpu_run_on_stack(stack + (KSTACK_PAGES + 1) * PAGE_SIZE, main_on_own_stack, bi);
}
