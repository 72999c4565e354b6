/*
 * Interrupts and exceptions.  isr.S saves the registers into a struct
 * trap_frame on the current stack (or an IST stack) and calls trap_dispatch.
 * Exceptions (vectors 0-31) in kernel code print a full dump and halt; other
 * vectors go to the handler registered for them.
 */
#ifndef TRAP_H
#define TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame must match isr.S");

#define VEC_NMI		2
#define VEC_MACHINE_CHECK	18
#define VEC_TIMER	0x20
#define VEC_VIRTIO	0x30	/* every virtio device's MSI-X entry 0 (and the xHCI's) */
#define VEC_LEGACY	0x31	/* ISA interrupts through the I/O APIC (the i8042's) */
#define VEC_SPURIOUS	0xff

typedef void trap_handler_fn(struct trap_frame *f);

void idt_init(void);
void idt_set_handler(uint8_t vector, trap_handler_fn *fn);
void trap_dispatch(struct trap_frame *f);	/* from isr.S only */
/* A CPU exception while an app runs goes here first; the hook returns 1 if
 * it was the app's (and the frame now leads back to the executor), 0 if it
 * is the kernel's own (dumped, then the machine halts). */
typedef int trap_app_hook_fn(struct trap_frame *f);
void trap_set_app_hook(trap_app_hook_fn *fn);
/* Before a fault dump or a panic takes the screen (main.c: the console
 * shows the dump over every app). */
void trap_set_fatal_hook(void (*fn)(void));
/* NMIs are counted by the handler and logged here, from the main loop. */
void trap_poll_nmi(void);
int trap_in_kernel(uint64_t addr);	/* addr lies in the kernel's own image */
/* Where the image lives, so fault dumps can print offsets into fomos.efi. */
void trap_set_image(uint64_t base, uint64_t size, uint64_t link_base);
__attribute__((noreturn)) void trap_fatal(struct trap_frame *f, const char *why);

/* gdt.c: segments, the TSS and its IST stacks. */
#define GDT_KCODE	0x08
#define GDT_KDATA	0x10
#define GDT_USER_BASE	0x18	/* STAR's SYSRET base: user data 0x20, user code 0x28 (| 3) */
#define GDT_TSS		0x30
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
#define IST_PAGE_FAULT		4	/* an app that overflows its stack faults with no stack left */
/* Every vector gets a stack of its own: from ring 3 TSS.rsp0 would do,
 * but the benchmark still runs apps in ring 0, and the kernel's own stack
 * may be what overflowed.  Interrupt gates clear IF and handlers never set
 * it, so no IST stack is entered twice at once. */
#define IST_EXCEPTION		5	/* the other exceptions, 0-31 */
#define IST_INTERRUPT		6	/* timer and device interrupts, 32-255 */
void gdt_init(void);

/* isr.S */
extern const uint8_t isr_stubs[];	/* 256 stubs, ISR_STUB_SIZE bytes apart */
#define ISR_STUB_SIZE	16
/* Calls fn(arg) on a new stack; never returns. */
__attribute__((noreturn)) void cpu_run_on_stack(uint64_t top, void (*fn)(void *), void *arg);

#endif
