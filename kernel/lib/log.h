/*
 * The log: every line goes to each sink (serial, then the screen's console
 * once it runs; standard output under fomos-host) and into a ring that keeps
 * the most recent 64 KiB for `log`.  Lines start with the module's name:
 * "pmm: ...", "kernel: ready ...".
 *
 * Portable: the kernel, fomos-host and the unit tests build it.  Whoever
 * boots the system adds the sinks, and may give a guard that keeps each
 * write whole (the kernel masks interrupts: its interrupt handlers log too).
 */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include <stdint.h>
#include "fmt.h"

#define LOG_SINKS	4

typedef void log_sink_fn(const char *s, size_t n);

void klog(const char *fmt, ...) FMT_PRINTF(1, 2);
void log_write(const char *s, size_t n);
/* Adds a sink (at most LOG_SINKS); it gets every write from now on. */
void log_add_sink(log_sink_fn *fn);
/* enter() runs before each write and returns what leave() gets after it. */
void log_set_guard(uint64_t (*enter)(void), void (*leave)(uint64_t));
/* Text already printed elsewhere (efi/ printed it through the firmware,
 * which mirrored it on serial): into the ring only. */
void log_ingest(const char *s, size_t n);
/* Sends the whole ring to one sink: a console that starts after the first
 * lines shows them too. */
void log_replay(log_sink_fn *fn);
/* Copies up to n of the most recent bytes; returns how many. */
size_t log_tail(char *buf, size_t n);

#endif
