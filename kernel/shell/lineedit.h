/*
 * The kernel's command line on the serial port, byte by byte: printable
 * ASCII is kept and echoed, Backspace (BS or DEL) rubs out, and CR, LF or
 * a terminal's CR LF (one Enter, not two) ends the line.
 *
 * Portable: the kernel's monitor and the unit tests.
 */
#ifndef LINEEDIT_H
#define LINEEDIT_H

#include <stdint.h>

#define LINEEDIT_MAX	128	/* a line's bytes, its NUL included */

struct lineedit {
	char line[LINEEDIT_MAX];	/* the line so far, NUL-terminated */
	uint32_t len;
	int prev;			/* the byte before, for CR LF */
};

void lineedit_reset(struct lineedit *le);
/* Takes one byte.  echo gets what a terminal shows for it.  Returns 1 when
 * the byte ended a line (le->line holds it until the next call), else 0. */
int lineedit_feed(struct lineedit *le, uint8_t c, void (*echo)(const char *s, uint32_t n));

#endif
