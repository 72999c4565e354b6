/*
 * Keyboard layouts: evdev key codes (linux/input-event-codes.h) to text.
 *
 * The French table is xkeyboard-config 2.35's symbols/fr "basic" (which
 * includes symbols/latin for the AltGr letters) and the ISO key from
 * symbols/pc; the US one is symbols/us "basic".  Levels follow xkb: Shift
 * is level 2, AltGr (right Alt, FR only) level 3.  Level 4 (AltGr+Shift) is
 * not kept: AltGr with Shift types level 3.
 *
 * Caps Lock, as xkbcommon applies it: on a letter key (a-z) it swaps the
 * first two levels, so Shift+Caps gives lowercase; on any other key it
 * capitalizes an accented lowercase letter the key types (FR: é è ç à ù
 * give É È Ç À Ù; with Shift they type digits, which stay).  It leaves
 * AltGr's level alone.
 *
 * Dead keys: a dead key's table entry is the combining mark it stands for
 * (U+0300-U+036F), kept in keymap.dead until the next key press other than
 * a modifier.  That key gets the accent if the pair is in dead_accents; space
 * or the same dead key again types the accent itself; Backspace cancels the
 * accent and types nothing; any other key (a Ctrl shortcut, an arrow, a
 * letter with no such accent) drops the accent and does what it does.  A
 * dead key we have no accents for (AltGr+j's hook, AltGr+!'s dot below)
 * swallows itself the same way.
 */
#include <stdint.h>
#include <stddef.h>
#include "keymap.h"
#include "lib.h"

/* The evdev key codes, linux/input-event-codes.h (sdk/fomos.h's FOMOS_KEY_*
 * are the same numbers): 1 to 58 run along the rows of a PC keyboard. */
enum {
	KEY_ESC = 1, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9,
	KEY_0, KEY_MINUS, KEY_EQUAL, KEY_BACKSPACE, KEY_TAB,
	KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P,
	KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_ENTER, KEY_LEFTCTRL,
	KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L,
	KEY_SEMICOLON, KEY_APOSTROPHE, KEY_GRAVE, KEY_LEFTSHIFT, KEY_BACKSLASH,
	KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M,
	KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_RIGHTSHIFT, KEY_KPASTERISK, KEY_LEFTALT,
	KEY_SPACE, KEY_CAPSLOCK,
	KEY_102ND = 86,		/* ISO: the key left of Z */
	KEY_KPENTER = 96, KEY_RIGHTCTRL = 97, KEY_RIGHTALT = 100,
};
_Static_assert(KEY_SPACE == 57 && KEY_CAPSLOCK == 58, "evdev codes run 1 to 58");
#define KEYMAP_CODES	(KEY_102ND + 1)	/* the tables cover codes below this */

#define MARK_FIRST	0x300	/* combining diacritical marks: dead keys */
#define MARK_LAST	0x36f
#define MARK_GRAVE	0x300
#define MARK_ACUTE	0x301
#define MARK_CIRCUMFLEX	0x302
#define MARK_DIAERESIS	0x308
#define MARK_HOOK	0x309
#define MARK_DOT_BELOW	0x323

/* Levels 1-3 of every key that types text, by evdev code; 0 where a level
 * has nothing (AltGr then falls back to the first two levels, as xkb does
 * for a key without a third). */
static const uint16_t keymap_us[KEYMAP_CODES][3] = {
	[KEY_1] = { '1', '!' },	[KEY_2] = { '2', '@' },
	[KEY_3] = { '3', '#' },	[KEY_4] = { '4', '$' },
	[KEY_5] = { '5', '%' },	[KEY_6] = { '6', '^' },
	[KEY_7] = { '7', '&' },	[KEY_8] = { '8', '*' },
	[KEY_9] = { '9', '(' },	[KEY_0] = { '0', ')' },
	[KEY_MINUS] = { '-', '_' },	[KEY_EQUAL] = { '=', '+' },
	[KEY_Q] = { 'q', 'Q' },	[KEY_W] = { 'w', 'W' },
	[KEY_E] = { 'e', 'E' },	[KEY_R] = { 'r', 'R' },
	[KEY_T] = { 't', 'T' },	[KEY_Y] = { 'y', 'Y' },
	[KEY_U] = { 'u', 'U' },	[KEY_I] = { 'i', 'I' },
	[KEY_O] = { 'o', 'O' },	[KEY_P] = { 'p', 'P' },
	[KEY_LEFTBRACE] = { '[', '{' },	[KEY_RIGHTBRACE] = { ']', '}' },
	[KEY_A] = { 'a', 'A' },	[KEY_S] = { 's', 'S' },
	[KEY_D] = { 'd', 'D' },	[KEY_F] = { 'f', 'F' },
	[KEY_G] = { 'g', 'G' },	[KEY_H] = { 'h', 'H' },
	[KEY_J] = { 'j', 'J' },	[KEY_K] = { 'k', 'K' },
	[KEY_L] = { 'l', 'L' },
	[KEY_SEMICOLON] = { ';', ':' },	[KEY_APOSTROPHE] = { '\'', '"' },
	[KEY_GRAVE] = { '`', '~' },	[KEY_BACKSLASH] = { '\\', '|' },
	[KEY_Z] = { 'z', 'Z' },	[KEY_X] = { 'x', 'X' },
	[KEY_C] = { 'c', 'C' },	[KEY_V] = { 'v', 'V' },
	[KEY_B] = { 'b', 'B' },	[KEY_N] = { 'n', 'N' },
	[KEY_M] = { 'm', 'M' },
	[KEY_COMMA] = { ',', '<' },	[KEY_DOT] = { '.', '>' },
	[KEY_SLASH] = { '/', '?' },	[KEY_102ND] = { '<', '>' },
};

/* By physical position: KEY_Q is where AZERTY has A. */
static const uint16_t keymap_fr[KEYMAP_CODES][3] = {
	[KEY_1] = { '&', '1', 0xb9 },		/* ¹ */
	[KEY_2] = { 0xe9, '2', '~' },		/* é */
	[KEY_3] = { '"', '3', '#' },
	[KEY_4] = { '\'', '4', '{' },
	[KEY_5] = { '(', '5', '[' },
	[KEY_6] = { '-', '6', '|' },
	[KEY_7] = { 0xe8, '7', '`' },		/* è */
	[KEY_8] = { '_', '8', '\\' },
	[KEY_9] = { 0xe7, '9', '^' },		/* ç */
	[KEY_0] = { 0xe0, '0', '@' },		/* à */
	[KEY_MINUS] = { ')', 0xb0, ']' },	/* ° */
	[KEY_EQUAL] = { '=', '+', '}' },
	[KEY_Q] = { 'a', 'A', 0xe6 },		/* æ */
	[KEY_W] = { 'z', 'Z', 0xab },		/* « */
	[KEY_E] = { 'e', 'E', 0x20ac },		/* € */
	[KEY_R] = { 'r', 'R', 0xb6 },		/* ¶ */
	[KEY_T] = { 't', 'T', 0x167 },		/* ŧ */
	[KEY_Y] = { 'y', 'Y', 0x2190 },		/* ← */
	[KEY_U] = { 'u', 'U', 0x2193 },		/* ↓ */
	[KEY_I] = { 'i', 'I', 0x2192 },		/* → */
	[KEY_O] = { 'o', 'O', 0xf8 },		/* ø */
	[KEY_P] = { 'p', 'P', 0xfe },		/* þ */
	[KEY_LEFTBRACE] = { MARK_CIRCUMFLEX, MARK_DIAERESIS, MARK_DIAERESIS },
	[KEY_RIGHTBRACE] = { '$', 0xa3, 0xa4 },	/* £ ¤ */
	[KEY_A] = { 'q', 'Q', '@' },
	[KEY_S] = { 's', 'S', 0xdf },		/* ß */
	[KEY_D] = { 'd', 'D', 0xf0 },		/* ð */
	[KEY_F] = { 'f', 'F', 0x111 },		/* đ */
	[KEY_G] = { 'g', 'G', 0x14b },		/* ŋ */
	[KEY_H] = { 'h', 'H', 0x127 },		/* ħ */
	[KEY_J] = { 'j', 'J', MARK_HOOK },
	[KEY_K] = { 'k', 'K', 0x138 },		/* ĸ */
	[KEY_L] = { 'l', 'L', 0x142 },		/* ł */
	[KEY_SEMICOLON] = { 'm', 'M', 0xb5 },	/* µ */
	[KEY_APOSTROPHE] = { 0xf9, '%', MARK_CIRCUMFLEX },	/* ù */
	[KEY_GRAVE] = { 0xb2, '~', 0xac },	/* ² ¬ */
	[KEY_BACKSLASH] = { '*', 0xb5, MARK_GRAVE },	/* µ */
	[KEY_Z] = { 'w', 'W', 0x142 },		/* ł */
	[KEY_X] = { 'x', 'X', 0xbb },		/* » */
	[KEY_C] = { 'c', 'C', 0xa2 },		/* ¢ */
	[KEY_V] = { 'v', 'V', 0x201e },		/* „ */
	[KEY_B] = { 'b', 'B', 0x201c },		/* “ */
	[KEY_N] = { 'n', 'N', 0x201d },		/* ” */
	[KEY_M] = { ',', '?', MARK_ACUTE },
	[KEY_COMMA] = { ';', '.', 0x2022 },	/* • */
	[KEY_DOT] = { ':', '/', 0xb7 },		/* · */
	[KEY_SLASH] = { '!', 0xa7, MARK_DOT_BELOW },	/* § */
	[KEY_102ND] = { '<', '>', '|' },
};

/* What a dead key followed by a letter types. */
static const struct dead_accent {
	uint16_t mark;		/* the dead key's combining mark */
	uint16_t spacing;	/* the accent on its own: dead key, then space */
	char bases[13];		/* the letters it goes on ... */
	uint16_t composed[12];	/* ... and what each becomes */
} dead_accents[] = {
	{ MARK_CIRCUMFLEX, '^', "aeiouAEIOU",
	    { 0xe2, 0xea, 0xee, 0xf4, 0xfb, 0xc2, 0xca, 0xce, 0xd4, 0xdb } },
	{ MARK_DIAERESIS, 0xa8, "aeiouyAEIOUY",
	    { 0xe4, 0xeb, 0xef, 0xf6, 0xfc, 0xff, 0xc4, 0xcb, 0xcf, 0xd6, 0xdc, 0x178 } },
	{ MARK_GRAVE, '`', "aeiouAEIOU",
	    { 0xe0, 0xe8, 0xec, 0xf2, 0xf9, 0xc0, 0xc8, 0xcc, 0xd2, 0xd9 } },
	{ MARK_ACUTE, 0xb4, "aeiouyAEIOUY",
	    { 0xe1, 0xe9, 0xed, 0xf3, 0xfa, 0xfd, 0xc1, 0xc9, 0xcd, 0xd3, 0xda, 0xdd } },
};

void
keymap_init(struct keymap *k, uint32_t layout)
{
	memset(k, 0, sizeof(*k));
	/* The layout comes from a config file: an unknown one is US. */
	k->layout = layout == KEYMAP_FR ? KEYMAP_FR : KEYMAP_US;
}

int
keymap_by_name(const char *name)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "us") == 0)
		return KEYMAP_US;
	if (strcmp(name, "fr") == 0)
		return KEYMAP_FR;
	return -1;
}

/* Tracks Shift, Ctrl, Alt, AltGr and Caps Lock.  Returns 1 if code is one
 * of them. */
static int
keymap_modifier(struct keymap *k, uint32_t code, int32_t value)
{
	uint8_t *held, bit = 1;

	switch (code) {
	case KEY_CAPSLOCK:
		if (value == 1)		/* a held Caps Lock repeats: not a toggle */
			k->caps = !k->caps;
		return 1;
	case KEY_LEFTSHIFT:	held = &k->shift; break;
	case KEY_RIGHTSHIFT:	held = &k->shift; bit = 2; break;
	case KEY_LEFTCTRL:	held = &k->ctrl; break;
	case KEY_RIGHTCTRL:	held = &k->ctrl; bit = 2; break;
	case KEY_LEFTALT:		held = &k->alt; break;
	case KEY_RIGHTALT:
		held = &k->alt;
		bit = 2;
		k->altgr = value != 0;
		break;
	default:
		return 0;
	}
	if (value != 0)
		*held |= bit;
	else
		*held &= (uint8_t)~bit;
	return 1;
}

static int
is_mark(uint32_t cp)
{
	return cp >= MARK_FIRST && cp <= MARK_LAST;
}

/* What the key gives at the current level, before Ctrl and dead keys. */
static uint32_t
keymap_level(const struct keymap *k, uint32_t code)
{
	const uint16_t *sym;
	uint32_t cp;
	int shift = k->shift != 0;

	switch (code) {
	case KEY_ESC:		return 0x1b;
	case KEY_BACKSPACE:	return '\b';
	case KEY_TAB:		return '\t';
	case KEY_ENTER:		return '\n';
	case KEY_KPENTER:		return '\n';
	case KEY_SPACE:		return ' ';
	}
	if (code >= KEYMAP_CODES)
		return 0;
	sym = k->layout == KEYMAP_FR ? keymap_fr[code] : keymap_us[code];
	if (k->altgr && k->layout == KEYMAP_FR && sym[2] != 0)
		return sym[2];
	if (sym[0] >= 'a' && sym[0] <= 'z')
		return sym[shift ^ (k->caps != 0)];
	cp = sym[shift];
	/* Latin-1's lowercase letters sit 0x20 above their capitals; 0xf7 is
	 * the division sign and 0xff has its capital elsewhere. */
	if (k->caps && cp >= 0xe0 && cp <= 0xfe && cp != 0xf7)
		cp -= 0x20;
	return cp;
}

static const struct dead_accent *
dead_accent(uint32_t mark)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(dead_accents); i++)
		if (dead_accents[i].mark == mark)
			return &dead_accents[i];
	return NULL;
}

/* Applies a pending dead key to what the key types, or arms one. */
static uint32_t
keymap_dead(struct keymap *k, uint32_t code, int32_t value, uint32_t cp)
{
	const struct dead_accent *a;
	uint32_t mark = k->dead;
	size_t i;

	if (is_mark(cp)) {
		if (value == 2)		/* a held dead key is still one accent */
			return 0;
		k->dead = mark == cp ? 0 : cp;
		a = dead_accent(cp);
		return mark == cp && a != NULL ? a->spacing : 0;
	}
	if (mark == 0)
		return cp;
	k->dead = 0;
	a = dead_accent(mark);
	if (code == KEY_BACKSPACE)
		return 0;
	if (cp == ' ')
		return a != NULL ? a->spacing : 0;
	for (i = 0; a != NULL && a->bases[i] != '\0'; i++)
		if ((uint32_t)(uint8_t)a->bases[i] == cp)
			return a->composed[i];
	return cp;
}

uint32_t
keymap_key(struct keymap *k, uint32_t code, int32_t value)
{
	uint32_t cp;

	if (value < 0 || value > 2)
		return 0;
	if (keymap_modifier(k, code, value) || value == 0)
		return 0;
	cp = keymap_level(k, code);
	if (k->ctrl) {
		k->dead = 0;
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			return cp & 0x1f;
		/* Enter, Tab, ... stay themselves; Ctrl+1 types nothing. */
		return cp < 0x20 ? cp : 0;
	}
	return keymap_dead(k, code, value, cp);
}
