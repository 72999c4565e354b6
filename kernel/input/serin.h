/*
 * The serial line as a keyboard: bytes a terminal sends (UTF-8 text, Enter,
 * Backspace/DEL, Tab, Escape and the ANSI/VT100 sequences for arrows, Home,
 * End, Delete, PgUp/PgDn) become key events, the same ones a keyboard would
 * give.  Pure: host-tested.
 *
 * A printable character becomes a press and a release of the key that types
 * it on a US keyboard (uppercase and shifted symbols with Left Shift pressed
 * around it), carrying the codepoint on the press; a character no US key
 * types (é, €, 日) becomes a press and release of code 0 carrying it.
 */
#ifndef SERIN_H
#define SERIN_H

#include <stdint.h>

struct serin {
	uint8_t seq[8];		/* an escape sequence or UTF-8 character in progress, or a
				 * '\r' whose Enter went out, held to swallow a following '\n' */
	uint32_t seq_len;
	uint32_t utf8_need;	/* continuation bytes still expected */
};

/* Called once per key event: value 1 press, 0 release. */
typedef void serin_emit_fn(void *arg, uint32_t code, int32_t value, uint32_t codepoint);

void serin_init(struct serin *s);
void serin_byte(struct serin *s, uint8_t b, serin_emit_fn *emit, void *arg);
/* The line went quiet: a lone pending ESC is the Escape key, an unfinished
 * UTF-8 sequence is dropped. */
void serin_idle(struct serin *s, serin_emit_fn *emit, void *arg);

#endif
