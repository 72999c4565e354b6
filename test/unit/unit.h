/*
 * A tiny unit-test framework, in the spirit of xv6's usertests: every test
 * is a void function listed by name in main.c's table.  A failed check
 * prints file:line and what it compared, and the test goes on, so one run
 * shows every broken check.
 *
 * The kernel's panic() is replaced by one that longjmps back: CHECK_PANICS
 * expects a panic from a statement; a panic nobody expected fails the
 * running test and ends it.
 */
#ifndef UNIT_H
#define UNIT_H

#include <setjmp.h>
#include <stdint.h>
#include <string.h>

void unit_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define CHECK(cond) do {						\
	if (!(cond))							\
		unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);	\
} while (0)

#define CHECK_EQ_U64(a, b) do {						\
	uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);		\
	if (a_ != b_)							\
		unit_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", \
		    #a, #b, (unsigned long long)a_, (unsigned long long)b_); \
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)		\
		unit_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
		    #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");	\
} while (0)

/* Set while a CHECK_PANICS statement runs; panic() jumps to it. */
extern jmp_buf *unit_panic_catch;
/* The last panic's message. */
extern char unit_panic_msg[512];

/* Runs stmt, which must panic with a message containing `want`. */
#define CHECK_PANICS(stmt, want) do {					\
	jmp_buf jb_;							\
	unit_panic_catch = &jb_;					\
	if (setjmp(jb_) == 0) {						\
		stmt;							\
		unit_panic_catch = NULL;				\
		unit_fail(__FILE__, __LINE__, "no panic from %s", #stmt); \
	} else if (strstr(unit_panic_msg, (want)) == NULL) {		\
		unit_fail(__FILE__, __LINE__, "panic \"%s\" lacks \"%s\"", \
		    unit_panic_msg, (want));				\
	}								\
} while (0)

/* Where the files ninja builds are (the directory of the test binary). */
const char *unit_build_dir(void);

#endif
