#ifndef PANIC_H
#define PANIC_H

#include "fmt.h"

/* A broken invariant: print the message (on serial and screen) and halt.
 * Never for bad input from outside. */
__attribute__((noreturn)) void panic(const char *fmt, ...) FMT_PRINTF(1, 2);

#endif
