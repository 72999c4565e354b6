/*
 * The kernel's own GDT and TSS.  Long mode ignores segment bases and limits,
 * so the GDT is a formality except for two things: the code segment's L bit,
 * and the TSS, whose Interrupt Stack Table gives every vector a known-good
 * stack: a kernel stack overflow would otherwise turn into a triple fault and
 * a silent reset, and an interrupt that arrives while an app runs would push
 * its frame on whatever the app's rsp points at (trap.h).
 */
#include <stdint.h>

#include "lib.h"
#include "panic.h"
#include "pmm.h"
#include "trap.h"

#define IST_PAGES	4

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout (Intel SDM vol. 3, 8.7)");

static struct tss gdt_tss;
static uint64_t gdt_table[8] __attribute__((aligned(16)));

static void gdt_load(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gdtr = {
		sizeof(gdt_table) - 1, (uint64_t)(uintptr_t)gdt_table,
	};

	/* A far return is the only way to reload CS in long mode. */
	__asm__ volatile(
	    "lgdt %0\n\t"
	    "pushq %1\n\t"
	    "leaq 1f(%%rip), %%rax\n\t"
	    "pushq %%rax\n\t"
	    "lretq\n"
	    "1:\n\t"
	    "movw %w2, %%ax\n\t"
	    "movw %%ax, %%ds\n\t"
	    "movw %%ax, %%es\n\t"
	    "movw %%ax, %%ss\n\t"
	    "xorl %%eax, %%eax\n\t"
	    "movw %%ax, %%fs\n\t"
	    "movw %%ax, %%gs\n\t"
	    "movw %w3, %%ax\n\t"
	    "ltr %%ax"
	    :: "m"(gdtr), "i"(GDT_KCODE), "i"(GDT_KDATA), "i"(GDT_TSS) : "rax", "memory");
}

void gdt_init(void)
{
	uint64_t tss = (uint64_t)(uintptr_t)&gdt_tss, limit = sizeof(gdt_tss) - 1, stack;
	int i;

	/* SYSCALL and SYSRET fix the order (Intel SDM vol. 2, SYSRET): kernel
	 * code, kernel data at +8; from the user base 0x18, user data at +8
	 * and 64-bit user code at +16.  0x18 itself (32-bit user code) is
	 * never used: apps are 64-bit only. */
	gdt_table[0] = 0;
	gdt_table[1] = 0x00af9a000000ffffull;	/* code: present, ring 0, L=1 */
	gdt_table[2] = 0x00cf92000000ffffull;	/* data: present, ring 0, writable */
	gdt_table[3] = 0;
	gdt_table[4] = 0x00cff2000000ffffull;	/* data: present, ring 3, writable */
	gdt_table[5] = 0x00affa000000ffffull;	/* code: present, ring 3, L=1 */
	/* A 16-byte system descriptor: type 9 = available 64-bit TSS. */
	gdt_table[6] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
	    ((limit >> 16 & 0xf) << 48) | ((tss >> 24 & 0xff) << 56);
	gdt_table[7] = tss >> 32;

	for (i = IST_DOUBLE_FAULT; i <= IST_INTERRUPT; i++) {
		stack = pmm_alloc(IST_PAGES);

		if (!stack)
			panic("gdt: no memory for IST stack %d", i);
		gdt_tss.ist[i - 1] = stack + IST_PAGES * PAGE_SIZE;
	}
	/* Every vector has an IST stack, so rsp0 (ring 3 -> 0 without one) is
	 * never used today; it still gets a stack of its own, so a gate added
	 * without IST cannot run on an app's stack. */
	stack = pmm_alloc(IST_PAGES);
	if (!stack)
		panic("gdt: no memory for the ring-0 stack");
	gdt_tss.rsp[0] = stack + IST_PAGES * PAGE_SIZE;
	gdt_tss.iomap_base = sizeof(gdt_tss);	/* no I/O bitmap: every port is closed to ring 3 */
	gdt_load();
}
