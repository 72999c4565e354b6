/*
 * The names of the x86-64 exceptions (Intel SDM vol. 3, 6.3.1), for the
 * kernel's fault dump and for the executor's words when an app faults.
 * Portable.
 */
#ifndef EXCEPTION_H
#define EXCEPTION_H

#include <stdint.h>

/* "page fault" for 14; "unknown exception" for what has no name. */
const char *exception_name(uint64_t vector);

#endif
