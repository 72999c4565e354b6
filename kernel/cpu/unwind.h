/*
 * Stack unwinding from the image's own unwind tables.
 *
 * On this (Windows x64) target rbp is not a chain of saved frame pointers:
 * clang points it into the middle of the frame.  The PE's .pdata / .xdata
 * tables describe every prologue instead, and that is what we walk
 * (Microsoft x64 exception handling ABI, "struct UNWIND_INFO").
 */
#ifndef UNWIND_H
#define UNWIND_H

#include <stdint.h>

struct unwind_state {
	uint64_t rip, rsp;
	uint64_t regs[16];	/* by x86 register number: rax 0, rcx 1, ..., rbp 5, ..., r15 15 */
};

/* The image whose tables to use (our own PE image, as loaded). */
void unwind_set_image(uint64_t base, uint64_t size);
/* Moves s to the caller's frame.  Returns 0, or -1 when the walk must stop
 * (rip outside the image, unreadable stack, malformed table). */
int unwind_step(struct unwind_state *s);

#endif
