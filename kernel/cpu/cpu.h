/*
 * The x86-64 instructions the kernel needs, as inline functions.  Nothing
 * here has state; it is the vocabulary the rest of the kernel uses.
 */
#ifndef CPU_H
#define CPU_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

#define CPU_READ_CR(n) \
	static inline uint64_t read_cr##n(void) { uint64_t v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; }
CPU_READ_CR(0)
CPU_READ_CR(2)
CPU_READ_CR(3)
CPU_READ_CR(4)

static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }

static inline void cpu_cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void cpu_sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cpu_pause(void) { __asm__ volatile("pause"); }
/* sti takes effect after the next instruction, so "sti; hlt" cannot lose an
 * interrupt that arrives in between. */
static inline void cpu_sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

static inline uint64_t cpu_save_irq(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) :: "memory");
	return f;
}

static inline void cpu_restore_irq(uint64_t f)
{
	if (f & (1 << 9))
		cpu_sti();
}

__attribute__((noreturn)) static inline void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* SMAP: ring-0 access to user pages only while AC is set (stac). */
static inline void cpu_stac(void) { __asm__ volatile("stac" ::: "memory", "cc"); }
static inline void cpu_clac(void) { __asm__ volatile("clac" ::: "memory", "cc"); }

/* The protection-key rights register (PKU): two bits per key, access- and
 * write-disable. */
static inline void cpu_wrpkru(uint32_t v)
{
	__asm__ volatile("wrpkru" :: "a"(v), "c"(0), "d"(0) : "memory");
}

static inline uint64_t cpu_xgetbv(uint32_t n)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(n));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_xsetbv(uint32_t n, uint64_t v)
{
	__asm__ volatile("xsetbv" :: "c"(n), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

#define MSR_EFER	0xc0000080
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_FMASK	0xc0000084
#define EFER_SCE	(1u << 0)
#define MSR_APIC_BASE	0x1b
#define EFER_NXE	(1u << 11)
#define CR0_WP		(1u << 16)
#define CR4_UMIP	(1u << 11)
#define CR4_OSXSAVE	(1u << 18)
#define CR4_SMEP	(1u << 20)
#define CR4_SMAP	(1u << 21)
#define CR4_PKE		(1u << 22)
#define RFLAGS_TF	(1u << 8)
#define RFLAGS_IF	(1u << 9)
#define RFLAGS_DF	(1u << 10)
#define RFLAGS_NT	(1u << 14)
#define RFLAGS_AC	(1u << 18)

#endif
