/*
 * The serial line as a keyboard.  What a terminal emulator (QEMU's -serial
 * stdio, screen, minicom, PuTTY) sends for each key: UTF-8 text (RFC 3629),
 * the C0 control codes, and the ECMA-48 / VT100 sequences for the editing
 * keys: CSI (ESC [) with an optional number and a final byte, and SS3
 * (ESC O) with one byte, which terminals send in "application cursor" mode.
 *
 * seq holds the bytes of what is in progress: an escape sequence (seq[0] is
 * ESC), a UTF-8 character (utf8_need > 0), or a '\r' that a '\n' may follow
 * ("\r\n" is one Enter, but a terminal that sends only '\r' must not wait).
 * A byte that cannot continue what is in progress ends it (dropping it, or
 * for a lone ESC, pressing Escape) and is then read afresh.
 */
#include <stdint.h>
#include <stddef.h>
#include "lib.h"
#include "serin.h"

#define ESC	0x1b
#define DEL	0x7f

/* The evdev key codes we send, linux/input-event-codes.h (sdk/fomos.h's
 * FOMOS_KEY_* are the same numbers). */
enum {
	KEY_ESC = 1, KEY_1 = 2, KEY_BACKSPACE = 14, KEY_TAB = 15, KEY_Q = 16,
	KEY_ENTER = 28, KEY_LEFTCTRL = 29, KEY_A = 30, KEY_LEFTSHIFT = 42,
	KEY_BACKSLASH = 43, KEY_SPACE = 57,
	KEY_HOME = 102, KEY_UP = 103, KEY_PAGEUP = 104, KEY_LEFT = 105,
	KEY_RIGHT = 106, KEY_END = 107, KEY_DOWN = 108, KEY_PAGEDOWN = 109,
	KEY_INSERT = 110, KEY_DELETE = 111,
};

/* The US keys that type printable ASCII, by row: plain and with Shift. */
static const struct us_row {
	uint8_t first;		/* evdev code of the row's first key */
	const char *plain, *shifted;
} us_rows[] = {
	{ KEY_1, "1234567890-=", "!@#$%^&*()_+" },
	{ KEY_Q, "qwertyuiop[]", "QWERTYUIOP{}" },
	{ KEY_A, "asdfghjkl;'`", "ASDFGHJKL:\"~" },
	{ KEY_BACKSLASH, "\\zxcvbnm,./", "|ZXCVBNM<>?" },
	{ KEY_SPACE, " ", "" },
};

/* The editing keys' sequences: what follows ESC [ or ESC O. */
static const struct esc_key {
	const char *tail;
	uint32_t code;
} esc_keys[] = {
	{ "[A", KEY_UP },	{ "OA", KEY_UP },
	{ "[B", KEY_DOWN },	{ "OB", KEY_DOWN },
	{ "[C", KEY_RIGHT },	{ "OC", KEY_RIGHT },
	{ "[D", KEY_LEFT },	{ "OD", KEY_LEFT },
	{ "[H", KEY_HOME },	{ "OH", KEY_HOME },
	{ "[1~", KEY_HOME },	{ "[7~", KEY_HOME },	/* rxvt */
	{ "[F", KEY_END },	{ "OF", KEY_END },
	{ "[4~", KEY_END },	{ "[8~", KEY_END },	/* rxvt */
	{ "[2~", KEY_INSERT },	{ "[3~", KEY_DELETE },
	{ "[5~", KEY_PAGEUP },	{ "[6~", KEY_PAGEDOWN },
};

void
serin_init(struct serin *s)
{
	memset(s, 0, sizeof(*s));
}

static void
serin_reset(struct serin *s)
{
	s->seq_len = 0;
	s->utf8_need = 0;
}

static void
tap(uint32_t code, uint32_t cp, serin_emit_fn *emit, void *arg)
{
	emit(arg, code, 1, cp);
	emit(arg, code, 0, 0);
}

/* A key pressed and released with a modifier held around it. */
static void
tap_with(uint32_t mod, uint32_t code, uint32_t cp, serin_emit_fn *emit, void *arg)
{
	if (mod != 0)
		emit(arg, mod, 1, 0);
	tap(code, cp, emit, arg);
	if (mod != 0)
		emit(arg, mod, 0, 0);
}

/* The US key for printable ASCII c; *shift set if it needs Shift. */
static uint32_t
us_key(uint8_t c, int *shift)
{
	size_t r, i;

	for (r = 0; r < ARRAY_LEN(us_rows); r++) {
		for (i = 0; us_rows[r].plain[i] != '\0'; i++) {
			*shift = us_rows[r].shifted[i] == (char)c;
			if (*shift || us_rows[r].plain[i] == (char)c)
				return us_rows[r].first + (uint32_t)i;
		}
	}
	return 0;
}

/* A C0 control code other than Enter, Tab and Backspace: Ctrl with the key
 * of the character 0x40 above it (Ctrl-C is 3), Shift too for ^ and _. */
static void
serin_control(uint8_t b, serin_emit_fn *emit, void *arg)
{
	uint8_t c = b >= 1 && b <= 26 ? b + 0x60 : b + 0x40;
	int shift;
	uint32_t code = us_key(c, &shift);

	emit(arg, KEY_LEFTCTRL, 1, 0);
	tap_with(shift ? KEY_LEFTSHIFT : 0, code, b, emit, arg);
	emit(arg, KEY_LEFTCTRL, 0, 0);
}

/* One character, as keys. */
static void
serin_char(uint32_t cp, serin_emit_fn *emit, void *arg)
{
	uint32_t code;
	int shift;

	switch (cp) {
	case '\r':
	case '\n':	tap(KEY_ENTER, '\n', emit, arg); return;
	case '\b':
	case DEL:	tap(KEY_BACKSPACE, '\b', emit, arg); return;
	case '\t':	tap(KEY_TAB, '\t', emit, arg); return;
	case ESC:	tap(KEY_ESC, ESC, emit, arg); return;
	}
	if (cp < 0x20) {
		serin_control((uint8_t)cp, emit, arg);
	} else if (cp < DEL) {
		code = us_key((uint8_t)cp, &shift);
		tap_with(shift ? KEY_LEFTSHIFT : 0, code, cp, emit, arg);
	} else if (cp >= 0xa0) {	/* C1 controls (U+0080-U+009F) are no text */
		tap(0, cp, emit, arg);
	}
}

/* The finished sequence in seq: its key, or nothing if unknown. */
static void
serin_escape(struct serin *s, serin_emit_fn *emit, void *arg)
{
	size_t i, n = s->seq_len - 1;

	for (i = 0; i < ARRAY_LEN(esc_keys); i++) {
		if (strlen(esc_keys[i].tail) == n &&
		    memcmp(esc_keys[i].tail, s->seq + 1, n) == 0) {
			tap(esc_keys[i].code, 0, emit, arg);
			break;
		}
	}
	serin_reset(s);
}

/* Feeds b to the escape sequence in progress.  Returns 0 if b is not part
 * of it and must be read afresh. */
static int
serin_escape_byte(struct serin *s, uint8_t b, serin_emit_fn *emit, void *arg)
{
	if (s->seq_len == 1) {
		if (b != '[' && b != 'O') {
			serin_reset(s);
			tap(KEY_ESC, ESC, emit, arg);
			return 0;
		}
		s->seq[s->seq_len++] = b;
		return 1;
	}
	if (b < 0x20 || b > 0x7e) {	/* no terminal puts these inside */
		serin_reset(s);
		return 0;
	}
	/* A sequence longer than seq is no key we know: keep the last byte's
	 * place so that its final byte still ends it, unrecognized. */
	if (s->seq_len == sizeof(s->seq))
		s->seq_len--;
	s->seq[s->seq_len++] = b;
	if (s->seq[1] == 'O' || (b >= 0x40 && b <= 0x7e))
		serin_escape(s, emit, arg);
	return 1;
}

/* Feeds b to the UTF-8 character in progress.  Returns 0 if b is not a
 * continuation byte and must be read afresh. */
static int
serin_utf8_byte(struct serin *s, uint8_t b, serin_emit_fn *emit, void *arg)
{
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t cp, i, n;

	if ((b & 0xc0) != 0x80) {
		serin_reset(s);
		return 0;
	}
	s->seq[s->seq_len++] = b;
	if (--s->utf8_need > 0)
		return 1;
	n = s->seq_len;
	cp = s->seq[0] & (0x7f >> n);
	for (i = 1; i < n; i++)
		cp = cp << 6 | (s->seq[i] & 0x3f);
	serin_reset(s);
	/* Overlong forms, UTF-16 surrogates and codepoints past Unicode's end
	 * are not text (RFC 3629, section 3). */
	if (cp < least[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 1;
	serin_char(cp, emit, arg);
	return 1;
}

/* b with nothing in progress. */
static void
serin_start(struct serin *s, uint8_t b, serin_emit_fn *emit, void *arg)
{
	if (b == ESC || b == '\r') {
		s->seq[0] = b;
		s->seq_len = 1;
		if (b == '\r')		/* Enter now: a '\n' may never come */
			serin_char('\r', emit, arg);
		return;
	}
	if (b < 0x80) {
		serin_char(b, emit, arg);
		return;
	}
	/* Lead bytes; 0xc0, 0xc1 only start overlong forms and 0xf5 and up
	 * codepoints past U+10FFFF.  A stray continuation byte is dropped. */
	if (b >= 0xc2 && b <= 0xdf)
		s->utf8_need = 1;
	else if (b >= 0xe0 && b <= 0xef)
		s->utf8_need = 2;
	else if (b >= 0xf0 && b <= 0xf4)
		s->utf8_need = 3;
	else
		return;
	s->seq[0] = b;
	s->seq_len = 1;
}

void
serin_byte(struct serin *s, uint8_t b, serin_emit_fn *emit, void *arg)
{
	if (s->utf8_need > 0) {
		if (serin_utf8_byte(s, b, emit, arg))
			return;
	} else if (s->seq_len > 0 && s->seq[0] == ESC) {
		if (serin_escape_byte(s, b, emit, arg))
			return;
	} else if (s->seq_len > 0) {	/* the '\r' of a possible "\r\n" */
		serin_reset(s);
		if (b == '\n')
			return;
	}
	serin_start(s, b, emit, arg);
}

/* A pending '\r' stays: its Enter is out already, and a driver's idle
 * timeout may fall between the '\r' and the '\n' of one line end. */
void
serin_idle(struct serin *s, serin_emit_fn *emit, void *arg)
{
	int lone_esc = s->utf8_need == 0 && s->seq_len == 1 && s->seq[0] == ESC;

	if (s->utf8_need > 0 || (s->seq_len > 0 && s->seq[0] == ESC))
		serin_reset(s);
	if (lone_esc)
		tap(KEY_ESC, ESC, emit, arg);
}
