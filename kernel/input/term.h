/*
 * The serial line as an app's terminal (ctx->term_read, sdk/fomos.h v2).
 * The first app that reads owns the line until it ends; while it does,
 * bytes typed there queue for it, as typed (VT100 bytes, not key events),
 * and the kernel's command line steps aside.  Whoever reads the line
 * (the kernel's monitor, fomos-host's standard input and --type) offers
 * each byte to term_feed first.
 *
 * Portable: the kernel, fomos-host and the unit tests.
 */
#ifndef TERM_H
#define TERM_H

#include <stdint.h>

#define TERM_RING	4096	/* bytes kept for an owner that does not read them */

/* 1 if pid owns the line (now), 0 if another app does. */
int term_claim(uint64_t pid);
/* pid ended: the line is nobody's, if it was pid's. */
void term_release(uint64_t pid);
uint64_t term_owner(void);	/* 0: nobody */
/* The owner's bytes, oldest first; returns how many (at most cap). */
uint32_t term_read(char *buf, uint32_t cap);
/* A byte from the line: 1 if it went to the owner (queued; the oldest is
 * dropped when the ring is full), 0 if nobody owns the line. */
int term_feed(uint8_t byte);

#endif
