/*
 * Ring 3 for apps: SYSCALL/SYSRET, and the CPU's protections of the
 * kernel from its user pages (SMEP, SMAP, UMIP) and of user pages from
 * each other (PKU), each switched on only if CPUID says the CPU has it.
 */
#ifndef USER_H
#define USER_H

#include <stdint.h>

struct cpu_user_caps {
	uint8_t smep, smap, umip, pku;
};

/* What cpu_user_init switched on. */
extern struct cpu_user_caps cpu_user;
/* 1 while SMAP is on: isr.S clears AC on every entry then (clac is an
 * invalid opcode without SMAP). */
extern uint8_t cpu_smap_on;

/* SYSCALL enters at `entry` with IF, TF, DF, AC and NT cleared; SMEP,
 * SMAP, UMIP and PKU on where the CPU has them; XCR0's PKRU bit clear (so
 * an app's XRSTOR cannot load PKRU).  Leaves AC set: the kernel outside a
 * service may touch the homes; services clear it (FMASK) and open user
 * memory only where they mean to. */
void cpu_user_init(uint64_t entry);

/* SMEP and SMAP off (0) or back on (1): the benchmark's ring-0 mode runs
 * app code, which lives in user pages, in ring 0. */
void cpu_user_ring0_apps(int on);

#endif
