/*
 * Where every interrupt lands.  Device and timer vectors go to their handler.
 * A CPU exception in kernel code is a kernel bug: print everything a person
 * needs to find it (exception, error code, registers, a backtrace with
 * offsets into fomos.efi for llvm-addr2line) on serial and screen, then halt.
 */
#include "cpu.h"
#include "exception.h"
#include "lib.h"
#include "log.h"
#include "panic.h"
#include "trap.h"
#include "unwind.h"

extern trap_handler_fn *idt_handlers[256];

static struct { uint64_t base, size, link_base; } trap_image;
static trap_app_hook_fn *trap_app_hook;
static void (*trap_fatal_hook)(void);
static volatile struct { uint64_t count, rip; } trap_nmi;
static uint64_t trap_nmi_told;		/* NMIs logged so far */
static int trap_in_fatal;

void trap_set_app_hook(trap_app_hook_fn *fn)
{
	trap_app_hook = fn;
}

void trap_poll_nmi(void)
{
	uint64_t n = trap_nmi.count;

	if (n == trap_nmi_told)
		return;
	klog("kernel: %llu NMI%s from the hardware (the last at 0x%llx), ignored: the apps go on\n",
	    n - trap_nmi_told, n - trap_nmi_told == 1 ? "" : "s", trap_nmi.rip);
	trap_nmi_told = n;
}

void trap_set_fatal_hook(void (*fn)(void))
{
	trap_fatal_hook = fn;
}

int trap_in_kernel(uint64_t addr)
{
	return addr - trap_image.base < trap_image.size;
}

void trap_set_image(uint64_t base, uint64_t size, uint64_t link_base)
{
	trap_image.base = base;
	trap_image.size = size;
	trap_image.link_base = link_base;
	unwind_set_image(base, size);
}

/* "0x4001234 (fomos.efi+0x1234)" for addresses inside our image. */
static void trap_addr(const char *label, uint64_t a)
{
	if (a - trap_image.base < trap_image.size)
		klog("fault: %s0x%llx (fomos.efi+0x%llx, link address 0x%llx)\n", label, a,
		    a - trap_image.base, a - trap_image.base + trap_image.link_base);
	else
		klog("fault: %s0x%llx\n", label, a);
}

/* Walks the stack with the image's unwind tables; a run of identical
 * return addresses (deep recursion) prints once with a count. */
static void trap_backtrace(struct unwind_state *s)
{
	uint64_t last = 0, repeats = 0;
	int depth;

	klog("fault: backtrace:\n");
	trap_addr("  ", s->rip);
	for (depth = 0; depth < 64 && unwind_step(s) == 0 && s->rip; depth++) {
		if (s->rip == last) {
			repeats++;
			continue;
		}
		if (repeats)
			klog("fault:   ... the line above %llu more times\n", repeats);
		repeats = 0;
		last = s->rip;
		trap_addr("  ", s->rip);
	}
	if (repeats)
		klog("fault:   ... the line above %llu more times\n", repeats);
}

static void trap_unwind_from_frame(const struct trap_frame *f)
{
	struct unwind_state s = { .rip = f->rip, .rsp = f->rsp };
	const uint64_t gpr[16] = { f->rax, f->rcx, f->rdx, f->rbx, f->rsp, f->rbp, f->rsi, f->rdi,
	    f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15 };

	memcpy(s.regs, gpr, sizeof(gpr));
	trap_backtrace(&s);
}

__attribute__((noreturn)) void trap_fatal(struct trap_frame *f, const char *why)
{
	const char *name = exception_name(f->vector);

	cpu_cli();
	if (trap_in_fatal++) {
		klog("fault: another fault while reporting one (vector %llu, rip=0x%llx)\nkernel: halted\n",
		    f->vector, f->rip);
		cpu_halt_forever();
	}
	if (trap_fatal_hook)
		trap_fatal_hook();
	/* Only these vectors push an error code (Intel SDM vol. 3, 6.13). */
	if (f->vector == 8 || (f->vector >= 10 && f->vector <= 14) || f->vector == 17 ||
	    f->vector == 21 || f->vector == 29 || f->vector == 30)
		klog("\nfault: %s (vector %llu), error code 0x%llx, %s\n", name, f->vector, f->error, why);
	else
		klog("\nfault: %s (vector %llu), %s\n", name, f->vector, why);
	trap_addr("rip=", f->rip);
	klog("fault: rsp=0x%016llx rflags=0x%llx cs=0x%llx ss=0x%llx\n", f->rsp, f->rflags, f->cs, f->ss);
	klog("fault: cr2=0x%016llx cr3=0x%016llx cr0=0x%llx cr4=0x%llx\n",
	    read_cr2(), read_cr3(), read_cr0(), read_cr4());
	klog("fault: rax=0x%016llx rbx=0x%016llx rcx=0x%016llx rdx=0x%016llx\n", f->rax, f->rbx, f->rcx, f->rdx);
	klog("fault: rsi=0x%016llx rdi=0x%016llx rbp=0x%016llx r8 =0x%016llx\n", f->rsi, f->rdi, f->rbp, f->r8);
	klog("fault: r9 =0x%016llx r10=0x%016llx r11=0x%016llx r12=0x%016llx\n", f->r9, f->r10, f->r11, f->r12);
	klog("fault: r13=0x%016llx r14=0x%016llx r15=0x%016llx\n", f->r13, f->r14, f->r15);
	trap_unwind_from_frame(f);
	klog("kernel: halted\n");
	cpu_halt_forever();
}

void trap_dispatch(struct trap_frame *f)
{
	trap_handler_fn *h = idt_handlers[f->vector & 0xff];

	if (f->vector == VEC_NMI) {
		/* The hardware's (a watchdog, a memory error, the host's
		 * inject-nmi), never the running app's.  Counted here and logged
		 * from the main loop: an NMI can arrive in the middle of a log
		 * write, which masking interrupts does not hold off. */
		trap_nmi.count++;
		trap_nmi.rip = f->rip;
		return;
	}
	if (f->vector < 32) {
		/* A machine check is the hardware's too, and fatal.  The app
		 * hook (the executor's) takes what is an app's doing: a fault in
		 * ring 3, or in a service an app called when it touched memory
		 * that is not the app's; everything else is a kernel bug. */
		if (f->vector == VEC_MACHINE_CHECK)
			trap_fatal(f, "the hardware reported an error it cannot correct");
		if (trap_app_hook && trap_app_hook(f))
			return;
		trap_fatal(f, "in kernel code");
	}
	if (h)
		h(f);
	else if (f->vector != VEC_SPURIOUS)
		klog("trap: unexpected interrupt vector %llu, ignored\n", f->vector);
}

void panic(const char *fmt, ...)
{
	struct unwind_state s = { 0 };
	char msg[256];
	va_list ap;

	cpu_cli();
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (trap_fatal_hook)
		trap_fatal_hook();
	klog("\npanic: %s\n", msg);
	/* Unwinding starts inside panic itself, past its prologue. */
	__asm__ volatile("leaq (%%rip), %0\n\tmovq %%rsp, %1\n\tmovq %%rbp, %2"
	    : "=r"(s.rip), "=r"(s.rsp), "=r"(s.regs[5]));
	s.regs[4] = s.rsp;
	trap_backtrace(&s);
	klog("kernel: halted\n");
	cpu_halt_forever();
}
