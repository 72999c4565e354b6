/*
 * An app's home: the fixed stretch of virtual memory that holds everything
 * of one app, at an address that depends only on its slot.
 *
 *   home + 0            the image: header, code, constants, data, bss
 *   home + 1 GiB        its surface, its window's pixels (unless nofb)
 *   home + 1.5 GiB      its shared regions (ctx->share): region k at
 *                       + k x 64 MiB, 4 of them at most, mapped as created
 *   home + 2 GiB        its arena, which ctx->calloc carves; mapped as it
 *                       grows, never beyond the app's quota (at most
 *                       EXEC_ARENA_MAX)
 *   ... a gap where nothing is ever mapped: a stack overflow faults there
 *   home + 4 GiB - 32 MiB   the top of its stack (64 KiB)
 *   home + 4 GiB - 31 MiB   its context page: the copy of the context it
 *                       gets at each call, its store slot, its view of the
 *                       input (struct exec_page); all of it the app's to
 *                       scribble on, nothing the kernel trusts
 *   home + 4 GiB - 30 MiB   its call buffer (256 KiB, once it publishes a
 *                       service): what a caller's pointer arguments are
 *                       copied into
 *
 * Homes are 4 GiB apart plus a "colour" of (slot % 256) x 68 KiB: without
 * it every app's code and stack pages would share the same low address bits
 * and fight over the same TLB sets (measured: QEMU's TLB, indexed by those
 * bits, thrashed at every call).
 *
 * Nothing of an app lives outside its home, which is what makes saving an
 * app (its home and its store pointer), a quota (the arena's size) and
 * isolation (a protection key per home) cheap.  The geometry lives here,
 * apart from the executor, because the snapshot format and the init-file
 * parser depend on it and on nothing else of the executor.
 *
 * Portable: the kernel, fomos-host, the unit tests and the fuzzers.
 */
#ifndef HOME_H
#define HOME_H

#include <stdint.h>

#define EXEC_MAX_SLOTS		8192
#define EXEC_HOME_BASE		(1ull << 40)	/* 1 TiB: far above any RAM the kernel identity-maps */
#define EXEC_HOME_SIZE		(4ull << 30)
#define EXEC_SURFACE_OFFSET	(1ull << 30)
#define EXEC_ARENA_OFFSET	(2ull << 30)
#define EXEC_STACK_OFFSET	((4ull << 30) - (32ull << 20))	/* the top of the app's stack */
#define EXEC_STACK_SIZE		(64ull << 10)
#define EXEC_PAGE_OFFSET	(EXEC_STACK_OFFSET + (1ull << 20))
#define EXEC_PAGE_BYTES		(12ull << 10)	/* sizeof(struct exec_page), page aligned */
#define EXEC_CALLBUF_OFFSET	(EXEC_STACK_OFFSET + (2ull << 20))
#define EXEC_CALLBUF_BYTES	(256ull << 10)
#define EXEC_REGION_OFFSET	(3ull << 29)	/* 1.5 GiB */
#define EXEC_REGION_MAX		(64ull << 20)	/* the largest region */
#define EXEC_REGIONS		4		/* regions one app may create */
/* Below the stack, nothing is mapped for at least this much: a fault there
 * is reported as a stack overflow. */
#define EXEC_STACK_GUARD	(1ull << 20)
/* The largest arena (quota=) a home holds with the guard left free. */
#define EXEC_ARENA_MAX		((2ull << 30) - (64ull << 20))

_Static_assert(EXEC_ARENA_OFFSET + EXEC_ARENA_MAX <= EXEC_STACK_OFFSET - EXEC_STACK_SIZE - EXEC_STACK_GUARD,
    "the largest arena must end below the stack's guard");
_Static_assert(EXEC_PAGE_OFFSET + EXEC_PAGE_BYTES + 256 * 0x11000ull <= EXEC_HOME_SIZE,
    "the context page, coloured, must stay inside its home");
_Static_assert(EXEC_CALLBUF_OFFSET + EXEC_CALLBUF_BYTES + 256 * 0x11000ull <= EXEC_HOME_SIZE,
    "the call buffer, coloured, must stay inside its home");
_Static_assert(EXEC_SURFACE_OFFSET + 8192ull * 8192 * 4 < EXEC_REGION_OFFSET &&
    EXEC_REGION_OFFSET + EXEC_REGIONS * EXEC_REGION_MAX <= EXEC_ARENA_OFFSET,
    "the regions lie between the largest surface and the arena");
_Static_assert(EXEC_SURFACE_OFFSET + 8192ull * 8192 * 4 <= EXEC_ARENA_OFFSET,
    "the largest window's surface (8192 x 8192) must fit below the arena");

/* Where slot 0's home starts: EXEC_HOME_BASE on the kernel and under
 * fomos-host.  The unit tests move it (their sanitizer owns 1 TiB). */
extern uint64_t exec_home_base;

static inline uint64_t exec_home(uint32_t slot)
{
	return exec_home_base + (uint64_t)slot * EXEC_HOME_SIZE + (uint64_t)(slot % 256) * 0x11000;
}

/* Where region k of the app in home `slot` starts. */
static inline uint64_t exec_region_va(uint32_t slot, uint32_t k)
{
	return exec_home(slot) + EXEC_REGION_OFFSET + (uint64_t)k * EXEC_REGION_MAX;
}

#endif
