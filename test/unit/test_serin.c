/* serin: what a terminal on the serial line types, as key events. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fomos.h"
#include "keymap.h"
#include "serin.h"
#include "unit.h"

struct ev {
	uint32_t code;
	int32_t value;
	uint32_t cp;
};

/* What the emit callback heard since the last feed. */
struct heard {
	size_t n;
	struct ev ev[64];
};

static void
hear(void *arg, uint32_t code, int32_t value, uint32_t cp)
{
	struct heard *h = arg;

	if (h->n < sizeof(h->ev) / sizeof(h->ev[0]))
		h->ev[h->n] = (struct ev){ code, value, cp };
	h->n++;
}

static struct heard *
feed(struct serin *s, struct heard *h, const char *bytes)
{
	memset(h, 0, sizeof(*h));
	while (*bytes != '\0')
		serin_byte(s, (uint8_t)*bytes++, hear, h);
	return h;
}

static struct heard *
idle(struct serin *s, struct heard *h)
{
	memset(h, 0, sizeof(*h));
	serin_idle(s, hear, h);
	return h;
}

static void
heard_is(const char *file, int line, const struct heard *h, const struct ev *want, size_t n)
{
	size_t i;

	if (h->n != n)
		unit_fail(file, line, "%zu events, not %zu", h->n, n);
	for (i = 0; i < n && i < h->n; i++) {
		if (h->ev[i].code != want[i].code || h->ev[i].value != want[i].value ||
		    h->ev[i].cp != want[i].cp)
			unit_fail(file, line, "event %zu: code %u value %d cp U+%04X, not %u %d U+%04X",
			    i, h->ev[i].code, h->ev[i].value, h->ev[i].cp,
			    want[i].code, want[i].value, want[i].cp);
	}
}

#define HEARD(h, ...) heard_is(__FILE__, __LINE__, (h), (const struct ev[]){ __VA_ARGS__ }, \
	sizeof((const struct ev[]){ __VA_ARGS__ }) / sizeof(struct ev))
#define NOTHING(h) CHECK_EQ_U64((h)->n, 0)

/* The events of one key typed. */
#define TAP(code, cp)	{ (code), 1, (cp) }, { (code), 0, 0 }
#define SHIFTED(code, cp) \
	{ FOMOS_KEY_LEFTSHIFT, 1, 0 }, TAP(code, cp), { FOMOS_KEY_LEFTSHIFT, 0, 0 }
#define CTRL(code, cp) \
	{ FOMOS_KEY_LEFTCTRL, 1, 0 }, TAP(code, cp), { FOMOS_KEY_LEFTCTRL, 0, 0 }

void
serin_letters_digits_and_space_become_us_key_taps(void)
{
	struct serin s;
	struct heard h;

	serin_init(&s);
	HEARD(feed(&s, &h, "az 09"), TAP(FOMOS_KEY_A, 'a'), TAP(FOMOS_KEY_Z, 'z'),
	    TAP(FOMOS_KEY_SPACE, ' '), TAP(FOMOS_KEY_0, '0'), TAP(FOMOS_KEY_9, '9'));
	HEARD(feed(&s, &h, "[;'`\\,./-="), TAP(FOMOS_KEY_LEFTBRACE, '['),
	    TAP(FOMOS_KEY_SEMICOLON, ';'), TAP(FOMOS_KEY_APOSTROPHE, '\''),
	    TAP(FOMOS_KEY_GRAVE, '`'), TAP(FOMOS_KEY_BACKSLASH, '\\'),
	    TAP(FOMOS_KEY_COMMA, ','), TAP(FOMOS_KEY_DOT, '.'), TAP(FOMOS_KEY_SLASH, '/'),
	    TAP(FOMOS_KEY_MINUS, '-'), TAP(FOMOS_KEY_EQUAL, '='));
}

void
serin_capitals_and_shifted_symbols_hold_left_shift(void)
{
	struct serin s;
	struct heard h;

	serin_init(&s);
	HEARD(feed(&s, &h, "Hi!"), SHIFTED(FOMOS_KEY_H, 'H'), TAP(FOMOS_KEY_I, 'i'),
	    SHIFTED(FOMOS_KEY_1, '!'));
	HEARD(feed(&s, &h, "~{|}\"?"), SHIFTED(FOMOS_KEY_GRAVE, '~'),
	    SHIFTED(FOMOS_KEY_LEFTBRACE, '{'), SHIFTED(FOMOS_KEY_BACKSLASH, '|'),
	    SHIFTED(FOMOS_KEY_RIGHTBRACE, '}'), SHIFTED(FOMOS_KEY_APOSTROPHE, '"'),
	    SHIFTED(FOMOS_KEY_SLASH, '?'));
}

static void
to_keymap(void *arg, uint32_t code, int32_t value, uint32_t cp)
{
	struct keymap *k = arg;
	uint32_t typed = keymap_key(k, code, value);

	/* Only the press carries the text, and it is what the key types. */
	CHECK_EQ_U64(typed, cp);
}

void
serin_every_printable_ascii_types_itself_through_the_us_keymap(void)
{
	struct serin s;
	struct heard h;
	struct keymap k;
	int c;

	serin_init(&s);
	keymap_init(&k, KEYMAP_US);
	for (c = 0x20; c < 0x7f; c++) {
		char one[2] = { (char)c, 0 };

		feed(&s, &h, one);
		CHECK(h.n == 2 || h.n == 4);
		CHECK_EQ_U64(h.ev[h.n / 2 - 1].cp, c);
		CHECK(h.ev[h.n / 2 - 1].code != 0);
		serin_byte(&s, (uint8_t)c, to_keymap, &k);
	}
	CHECK_EQ_U64(k.shift, 0);
}

void
serin_utf8_characters_of_2_3_and_4_bytes_become_code_0_keys(void)
{
	struct serin s;
	struct heard h;

	serin_init(&s);
	HEARD(feed(&s, &h, "\xc3\xa9"), TAP(0, 0xe9));			/* é */
	HEARD(feed(&s, &h, "\xe2\x82\xac"), TAP(0, 0x20ac));		/* € */
	HEARD(feed(&s, &h, "\xe6\x97\xa5"), TAP(0, 0x65e5));		/* 日 */
	HEARD(feed(&s, &h, "\xf0\x9f\x98\x80"), TAP(0, 0x1f600));	/* 😀 */
	/* The smallest and largest of each length. */
	HEARD(feed(&s, &h, "\xc2\xa0\xdf\xbf"), TAP(0, 0xa0), TAP(0, 0x7ff));
	HEARD(feed(&s, &h, "\xe0\xa0\x80\xef\xbf\xbd"), TAP(0, 0x800), TAP(0, 0xfffd));
	HEARD(feed(&s, &h, "\xed\x9f\xbf\xee\x80\x80"), TAP(0, 0xd7ff), TAP(0, 0xe000));
	HEARD(feed(&s, &h, "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"), TAP(0, 0x10000), TAP(0, 0x10ffff));
	/* Mixed with ASCII. */
	HEARD(feed(&s, &h, "a\xc3\xa9z"), TAP(FOMOS_KEY_A, 'a'), TAP(0, 0xe9), TAP(FOMOS_KEY_Z, 'z'));
}

void
serin_malformed_utf8_is_dropped_and_the_next_character_survives(void)
{
	static const char *bad[] = {
		"\xc0\xaf", "\xc1\xbf",			/* overlong '/' and DEL */
		"\xe0\x80\xaf", "\xe0\x9f\xbf",		/* overlong 3 bytes */
		"\xf0\x80\x80\xaf", "\xf0\x8f\xbf\xbf",	/* overlong 4 bytes */
		"\xed\xa0\x80", "\xed\xbf\xbf",		/* UTF-16 surrogates */
		"\xf4\x90\x80\x80", "\xf7\xbf\xbf\xbf",	/* past U+10FFFF */
		"\xf8\x88\x80\x80\x80", "\xfe", "\xff",	/* never UTF-8 */
		"\x80", "\xbf\xbf",			/* stray continuations */
		"\xc2\x85",				/* C1 control: no text */
	};
	struct serin s;
	struct heard h;
	size_t i;

	serin_init(&s);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed(&s, &h, bad[i]);
		if (h.n != 0)
			unit_fail(__FILE__, __LINE__, "bad[%zu] gave %zu events", i, h.n);
		HEARD(feed(&s, &h, "x"), TAP(FOMOS_KEY_X, 'x'));
	}
	/* A character cut short: the byte that cut it is read as itself. */
	HEARD(feed(&s, &h, "\xe2\x82q"), TAP(FOMOS_KEY_Q, 'q'));
	HEARD(feed(&s, &h, "\xf0\x9f\xc3\xa9"), TAP(0, 0xe9));
	HEARD(feed(&s, &h, "\xc3\033[A"), TAP(FOMOS_KEY_UP, 0));
	HEARD(feed(&s, &h, "\xe2\r"), TAP(FOMOS_KEY_ENTER, '\n'));
}

void
serin_cr_lf_and_crlf_are_each_one_enter(void)
{
	struct serin s;
	struct heard h;

	serin_init(&s);
	HEARD(feed(&s, &h, "\r"), TAP(FOMOS_KEY_ENTER, '\n'));
	NOTHING(feed(&s, &h, "\n"));			/* the rest of that "\r\n" */
	HEARD(feed(&s, &h, "\n"), TAP(FOMOS_KEY_ENTER, '\n'));
	HEARD(feed(&s, &h, "a\r\nb"), TAP(FOMOS_KEY_A, 'a'), TAP(FOMOS_KEY_ENTER, '\n'),
	    TAP(FOMOS_KEY_B, 'b'));
	HEARD(feed(&s, &h, "\r\r\n"), TAP(FOMOS_KEY_ENTER, '\n'), TAP(FOMOS_KEY_ENTER, '\n'));
	HEARD(feed(&s, &h, "\n\n"), TAP(FOMOS_KEY_ENTER, '\n'), TAP(FOMOS_KEY_ENTER, '\n'));
	HEARD(feed(&s, &h, "\n\r"), TAP(FOMOS_KEY_ENTER, '\n'), TAP(FOMOS_KEY_ENTER, '\n'));
	/* A quiet moment between the two halves does not split them. */
	HEARD(feed(&s, &h, "\r"), TAP(FOMOS_KEY_ENTER, '\n'));
	NOTHING(idle(&s, &h));
	NOTHING(feed(&s, &h, "\n"));
	HEARD(feed(&s, &h, "\r\033[B"), TAP(FOMOS_KEY_ENTER, '\n'), TAP(FOMOS_KEY_DOWN, 0));
}

void
serin_backspace_del_and_tab_become_their_keys(void)
{
	struct serin s;
	struct heard h;

	serin_init(&s);
	HEARD(feed(&s, &h, "\x7f\b\t"), TAP(FOMOS_KEY_BACKSPACE, '\b'),
	    TAP(FOMOS_KEY_BACKSPACE, '\b'), TAP(FOMOS_KEY_TAB, '\t'));
}

void
serin_control_bytes_become_ctrl_and_a_key(void)
{
	struct serin s;
	struct heard h;
	struct keymap k;

	serin_init(&s);
	HEARD(feed(&s, &h, "\x03"), CTRL(FOMOS_KEY_C, 3));
	HEARD(feed(&s, &h, "\x01\x1a"), CTRL(FOMOS_KEY_A, 1), CTRL(FOMOS_KEY_Z, 26));
	HEARD(feed(&s, &h, "\x0c\x0e"), CTRL(FOMOS_KEY_L, 12), CTRL(FOMOS_KEY_N, 14));
	/* The four above Z: Ctrl-\ and Ctrl-] plain, Ctrl-^ and Ctrl-_ shifted. */
	HEARD(feed(&s, &h, "\x1c\x1d"), CTRL(FOMOS_KEY_BACKSLASH, 0x1c),
	    CTRL(FOMOS_KEY_RIGHTBRACE, 0x1d));
	HEARD(feed(&s, &h, "\x1f"), { FOMOS_KEY_LEFTCTRL, 1, 0 }, SHIFTED(FOMOS_KEY_MINUS, 0x1f),
	    { FOMOS_KEY_LEFTCTRL, 0, 0 });
	memset(&h, 0, sizeof(h));
	serin_byte(&s, 0, hear, &h);		/* Ctrl-@ */
	HEARD(&h, { FOMOS_KEY_LEFTCTRL, 1, 0 }, SHIFTED(FOMOS_KEY_2, 0),
	    { FOMOS_KEY_LEFTCTRL, 0, 0 });
	/* Through the keymap, Ctrl-C is 3 again. */
	keymap_init(&k, KEYMAP_US);
	serin_byte(&s, 0x03, to_keymap, &k);
	CHECK_EQ_U64(k.ctrl, 0);
}

void
serin_arrow_sequences_become_arrow_keys(void)
{
	struct serin s;
	struct heard h;

	serin_init(&s);
	HEARD(feed(&s, &h, "\033[A\033[B\033[C\033[D"), TAP(FOMOS_KEY_UP, 0),
	    TAP(FOMOS_KEY_DOWN, 0), TAP(FOMOS_KEY_RIGHT, 0), TAP(FOMOS_KEY_LEFT, 0));
	/* Application cursor mode (SS3). */
	HEARD(feed(&s, &h, "\033OA\033OB\033OC\033OD"), TAP(FOMOS_KEY_UP, 0),
	    TAP(FOMOS_KEY_DOWN, 0), TAP(FOMOS_KEY_RIGHT, 0), TAP(FOMOS_KEY_LEFT, 0));
	/* Text right after a sequence is text. */
	HEARD(feed(&s, &h, "\033[Dx"), TAP(FOMOS_KEY_LEFT, 0), TAP(FOMOS_KEY_X, 'x'));
}

void
serin_home_end_insert_delete_and_page_sequences_become_their_keys(void)
{
	struct serin s;
	struct heard h;

	serin_init(&s);
	HEARD(feed(&s, &h, "\033[H\033[1~\033OH\033[7~"), TAP(FOMOS_KEY_HOME, 0),
	    TAP(FOMOS_KEY_HOME, 0), TAP(FOMOS_KEY_HOME, 0), TAP(FOMOS_KEY_HOME, 0));
	HEARD(feed(&s, &h, "\033[F\033[4~\033OF\033[8~"), TAP(FOMOS_KEY_END, 0),
	    TAP(FOMOS_KEY_END, 0), TAP(FOMOS_KEY_END, 0), TAP(FOMOS_KEY_END, 0));
	HEARD(feed(&s, &h, "\033[2~\033[3~"), TAP(FOMOS_KEY_INSERT, 0), TAP(FOMOS_KEY_DELETE, 0));
	HEARD(feed(&s, &h, "\033[5~\033[6~"), TAP(FOMOS_KEY_PAGEUP, 0), TAP(FOMOS_KEY_PAGEDOWN, 0));
}

void
serin_unknown_escape_sequences_are_swallowed_whole(void)
{
	static const char *unknown[] = {
		"\033[1;5A",		/* Ctrl-Up */
		"\033[15~",		/* F5 */
		"\033[200~",		/* bracketed paste begins */
		"\033[?25h",		/* a private-mode one */
		"\033[1;2;3;4;5;6;7;8;9;10m",	/* longer than serin keeps */
		"\033[9~", "\033[~", "\033[Z",
		"\033OP", "\033Ox",	/* SS3 F1, and one nobody sends */
	};
	struct serin s;
	struct heard h;
	size_t i;

	serin_init(&s);
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		feed(&s, &h, unknown[i]);
		if (h.n != 0)
			unit_fail(__FILE__, __LINE__, "unknown[%zu] gave %zu events", i, h.n);
		HEARD(feed(&s, &h, "Ax"), SHIFTED(FOMOS_KEY_A, 'A'), TAP(FOMOS_KEY_X, 'x'));
	}
	/* A control byte cannot be inside one: it ends it and is itself. */
	HEARD(feed(&s, &h, "\033[1\r"), TAP(FOMOS_KEY_ENTER, '\n'));
	HEARD(feed(&s, &h, "\n\033[\033[C"), TAP(FOMOS_KEY_RIGHT, 0));
}

void
serin_escape_then_another_byte_is_the_escape_key_then_that_byte(void)
{
	struct serin s;
	struct heard h;

	serin_init(&s);
	HEARD(feed(&s, &h, "\033x"), TAP(FOMOS_KEY_ESC, 0x1b), TAP(FOMOS_KEY_X, 'x'));
	HEARD(feed(&s, &h, "\033\033[A"), TAP(FOMOS_KEY_ESC, 0x1b), TAP(FOMOS_KEY_UP, 0));
	HEARD(feed(&s, &h, "\033\t"), TAP(FOMOS_KEY_ESC, 0x1b), TAP(FOMOS_KEY_TAB, '\t'));
	HEARD(feed(&s, &h, "\033\xc3\xa9"), TAP(FOMOS_KEY_ESC, 0x1b), TAP(0, 0xe9));
	HEARD(feed(&s, &h, "\033P"), TAP(FOMOS_KEY_ESC, 0x1b), SHIFTED(FOMOS_KEY_P, 'P'));
}

void
serin_lone_escape_becomes_the_escape_key_when_the_line_goes_quiet(void)
{
	struct serin s;
	struct heard h;

	serin_init(&s);
	NOTHING(feed(&s, &h, "\033"));
	HEARD(idle(&s, &h), TAP(FOMOS_KEY_ESC, 0x1b));
	NOTHING(idle(&s, &h));
	HEARD(feed(&s, &h, "["), TAP(FOMOS_KEY_LEFTBRACE, '['));
	/* An unfinished sequence or character is dropped. */
	NOTHING(feed(&s, &h, "\033["));
	NOTHING(idle(&s, &h));
	HEARD(feed(&s, &h, "A"), SHIFTED(FOMOS_KEY_A, 'A'));
	NOTHING(feed(&s, &h, "\xe2\x82"));
	NOTHING(idle(&s, &h));
	NOTHING(feed(&s, &h, "\xac"));
	NOTHING(feed(&s, &h, "\033"));
	HEARD(idle(&s, &h), TAP(FOMOS_KEY_ESC, 0x1b));
}

/* Keeps what a keyboard would: which keys are down. */
struct held {
	uint8_t down[FOMOS_KEY_COUNT];
	uint64_t events, bad;
};

static void
check_event(void *arg, uint32_t code, int32_t value, uint32_t cp)
{
	struct held *k = arg;

	k->events++;
	if (code >= FOMOS_KEY_COUNT || (value != 0 && value != 1) ||
	    (value == 0 && cp != 0) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    k->down[code] == value) {	/* a press of a held key, a release of a free one */
		k->bad++;
		return;
	}
	k->down[code] = (uint8_t)value;
}

void
serin_random_bytes_give_only_paired_well_formed_key_events(void)
{
	/* A small fixed-seed fuzz, weighted towards the bytes that start or
	 * continue something: ESC, '[', 'O', digits, '~', UTF-8 leads. */
	static const uint8_t likely[] = "\033\033[[O0123456789;~ABCDHF\r\n\x7f\xc3\xe2\xf0\x80\xbf";
	struct serin s;
	struct held k;
	uint32_t seed = 4242, i, code;
	uint8_t b;

	memset(&k, 0, sizeof(k));
	serin_init(&s);
	for (i = 0; i < 200000; i++) {
		seed = seed * 1103515245 + 12345;
		b = (seed >> 16) & 1 ? likely[(seed >> 17) % (sizeof(likely) - 1)] : (uint8_t)(seed >> 20);
		serin_byte(&s, b, check_event, &k);
		if ((seed >> 24) % 97 == 0)
			serin_idle(&s, check_event, &k);
	}
	serin_idle(&s, check_event, &k);
	CHECK_EQ_U64(k.bad, 0);
	CHECK(k.events > 100000);
	for (code = 0; code < FOMOS_KEY_COUNT; code++)
		if (k.down[code])
			unit_fail(__FILE__, __LINE__, "key %u still held", code);
}
