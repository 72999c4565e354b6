/*
 * Time.  The TSC is the clock: calibrated once against a fixed-frequency
 * counter (ACPI PM timer, else HPET, else the PIT), it gives nanoseconds
 * since efi_main.  The local APIC timer gives a periodic interrupt that wakes
 * the CPU from hlt.
 */
#ifndef TIMER_H
#define TIMER_H

#include <stdint.h>

#define TIMER_HZ	1000

/* tsc0: rdtsc at efi_main, the zero of timer_ns().  Returns 0, or -1 if the
 * TSC could not be calibrated (then a nominal 1 GHz is assumed and said). */
int timer_init(uint64_t tsc0);
uint64_t timer_ns(void);		/* monotonic, since efi_main */
uint64_t timer_tsc_hz(void);
/* A TSC interval in ns, and an rdtsc value as timer_ns() time: a multiply,
 * inline, for the executor's clock read at every app call. */
extern uint64_t timer_tsc0, timer_mult;
static inline uint64_t timer_tsc_delta_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * timer_mult) >> 32);
}
static inline uint64_t timer_tsc_to_ns(uint64_t tsc)
{
	return timer_tsc_delta_ns(tsc - timer_tsc0);
}
/* Resuming saved apps: the clock jumps forward to ns if it is behind, so
 * that time never goes back for them (no effect if it is ahead). */
void timer_advance_to(uint64_t ns);
uint64_t timer_ticks(void);		/* periodic interrupts so far */
void timer_delay_ns(uint64_t ns);	/* busy wait */

/* Called from every timer interrupt with the interrupted frame (the
 * executor's budget check). */
struct trap_frame;
void timer_set_tick_hook(void (*fn)(struct trap_frame *f));

/* The local APIC, also used by device interrupts later. */
void lapic_eoi(void);

#endif
