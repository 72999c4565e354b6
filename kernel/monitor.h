/*
 * A command line on the serial port, until the desktop's console app takes
 * over: enough to look at a running kernel and to turn it off.
 */
#ifndef MONITOR_H
#define MONITOR_H

void monitor_start(void);	/* prints the first prompt */
void monitor_poll(void);	/* reads what serial received; runs whole lines */

/* ctx->system(): runs one command line, its answer into out (NUL-terminated,
 * cut to cap).  Returns the answer's full length, or -1 for an unknown
 * command. */
int64_t monitor_system(const char *line, uint32_t len, char *out, uint32_t cap);

/* ctx->term_read(): the app `pid` takes the serial line if nobody has it;
 * until monitor_release(pid), serial bytes queue for monitor_term_read(). */
int monitor_claim(uint64_t pid);	/* 1: pid owns it (now), 0: another app does */
void monitor_release(uint64_t pid);
uint32_t monitor_term_read(char *buf, uint32_t cap);

#endif
