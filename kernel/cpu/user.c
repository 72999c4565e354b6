/*
 * Ring 3 for apps (user.h).  Facts measured under QEMU's TCG here
 * (../shared/design.md, "Isolation"): setting a CR4 bit the CPU lacks hangs
 * the vCPU instead of raising #GP, so every bit is checked with CPUID
 * first.
 */
#include "cpu.h"
#include "log.h"
#include "trap.h"
#include "user.h"

#define XCR0_PKRU	(1ull << 9)

struct cpu_user_caps cpu_user;
uint8_t cpu_smap_on;

void cpu_user_init(uint64_t entry)
{
	uint32_t r[4], cr4_bits = 0;

	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		cpu_user.smep = !!(r[1] & (1u << 7));
		cpu_user.smap = !!(r[1] & (1u << 20));
		cpu_user.umip = !!(r[2] & (1u << 2));
		cpu_user.pku = !!(r[2] & (1u << 3));
	}
	cr4_bits |= cpu_user.smep ? CR4_SMEP : 0;
	cr4_bits |= cpu_user.smap ? CR4_SMAP : 0;
	cr4_bits |= cpu_user.umip ? CR4_UMIP : 0;
	cr4_bits |= cpu_user.pku ? CR4_PKE : 0;

	/* PKRU in XCR0 would let XRSTOR, which ring 3 may run, load any rights
	 * (ERIM's reason).  Nobody sets it but us, and we never do: make sure. */
	if (read_cr4() & CR4_OSXSAVE) {
		uint64_t xcr0 = cpu_xgetbv(0);

		if (xcr0 & XCR0_PKRU)
			cpu_xsetbv(0, xcr0 & ~XCR0_PKRU);
	}

	wrmsr(MSR_STAR, ((uint64_t)GDT_USER_BASE << 48) | ((uint64_t)GDT_KCODE << 32));
	wrmsr(MSR_LSTAR, entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);

	write_cr4(read_cr4() | cr4_bits);
	if (cpu_user.pku)
		cpu_wrpkru(0);		/* every key open, for the kernel (WRPKRU needs PKE) */
	if (cpu_user.smap) {
		cpu_smap_on = 1;
		cpu_stac();
	}
	klog("cpu: apps in ring 3; SMEP %s, SMAP %s, UMIP %s, protection keys %s\n",
	    cpu_user.smep ? "on" : "absent", cpu_user.smap ? "on" : "absent",
	    cpu_user.umip ? "on" : "absent", cpu_user.pku ? "on" : "absent");
}

void cpu_user_ring0_apps(int on)
{
	uint64_t bits = (cpu_user.smep ? CR4_SMEP : 0) | (cpu_user.smap ? CR4_SMAP : 0);

	write_cr4(on ? read_cr4() & ~bits : read_cr4() | bits);
	cpu_smap_on = cpu_user.smap && !on;
	if (cpu_smap_on)
		cpu_stac();
}
