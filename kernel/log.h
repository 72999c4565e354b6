/*
 * The kernel log: every line goes to serial, to the screen once the console
 * runs, and into a ring that keeps the most recent 64 KiB for later reading.
 * Lines start with the module's name: "pmm: ...", "kernel: ready ...".
 */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include <stdint.h>
#include "fmt.h"

void klog(const char *fmt, ...) FMT_PRINTF(1, 2);
void log_write(const char *s, size_t n);
/* Text efi/ already printed through the firmware (which mirrored it on
 * serial): into the ring only. */
void log_ingest(const char *s, size_t n);
/* Sends the whole ring to the console: it starts after the first lines. */
void log_replay_to_console(void);
/* Copies up to n of the most recent bytes; returns how many. */
size_t log_tail(char *buf, size_t n);

#endif
