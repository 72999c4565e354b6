/*
 * The IDT: all 256 vectors point at isr.S's stubs, so an unexpected vector
 * still arrives somewhere that can report it.
 */
#include <stdint.h>

#include "trap.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;		/* 0x8e: present, ring 0, 64-bit interrupt gate */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

static struct idt_gate idt[256] __attribute__((aligned(16)));
trap_handler_fn *idt_handlers[256];

static uint8_t idt_ist_for(int v)
{
	switch (v) {
	case 2: return IST_NMI;
	case 8: return IST_DOUBLE_FAULT;
	case 14: return IST_PAGE_FAULT;
	case 18: return IST_MACHINE_CHECK;
	}
	return v < 32 ? IST_EXCEPTION : IST_INTERRUPT;
}

void idt_init(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = {
		sizeof(idt) - 1, (uint64_t)(uintptr_t)idt,
	};
	int v;

	for (v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)(uintptr_t)(isr_stubs + v * ISR_STUB_SIZE);

		idt[v].offset_lo = a;
		idt[v].selector = GDT_KCODE;
		idt[v].ist = idt_ist_for(v);
		/* An interrupt gate, ring 0 only: `int N` from an app is a
		 * general protection fault.  But int3 (vector 3) may come from
		 * ring 3, so an app's breakpoint is reported as one. */
		idt[v].type = v == 3 ? 0xee : 0x8e;
		idt[v].offset_mid = a >> 16;
		idt[v].offset_hi = a >> 32;
	}
	__asm__ volatile("lidt %0" :: "m"(idtr));
}

void idt_set_handler(uint8_t vector, trap_handler_fn *fn)
{
	idt_handlers[vector] = fn;
}
