/*
 * What the test apps that probe services and the context share: one log
 * line per answer.  Header-only, so every app stays one file.
 */
#ifndef APPLIB_H
#define APPLIB_H

#include <stdio.h>
#include <fomos.h>

/* Logs "PREFIX: WHAT -> V": how the attack and service apps report what a
 * service answered. */
static inline void log_answer(const char *prefix, const char *what, int64_t v)
{
	printf("%s: %s -> %ld", prefix, what, v);
}

#endif
