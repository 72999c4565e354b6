/* keymap: what a key press types on a US or French keyboard. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fomos.h"
#include "keymap.h"
#include "unit.h"

#define KEY_102ND	86	/* the ISO key left of Z */
#define KEY_KPENTER	96

/* Presses and releases code; returns what the press typed. */
static uint32_t
tap(struct keymap *k, uint32_t code)
{
	uint32_t cp = keymap_key(k, code, 1);

	CHECK_EQ_U64(keymap_key(k, code, 0), 0);
	return cp;
}

/* The same with modifier mod held around it. */
static uint32_t
tap_with(struct keymap *k, uint32_t mod, uint32_t code)
{
	uint32_t cp;

	CHECK_EQ_U64(keymap_key(k, mod, 1), 0);
	cp = tap(k, code);
	CHECK_EQ_U64(keymap_key(k, mod, 0), 0);
	return cp;
}

/* Taps the keys first..last (mod held, if not 0) and checks they type want. */
static void
types(const char *file, int line, struct keymap *k, uint32_t mod,
    uint32_t first, uint32_t last, const uint32_t *want)
{
	uint32_t code, cp;
	size_t i = 0;

	for (code = first; code <= last; code++, i++) {
		cp = mod != 0 ? tap_with(k, mod, code) : tap(k, code);
		if (want[i] == 0) {
			unit_fail(file, line, "key %u typed U+%04X past the expected text", code, cp);
			return;
		}
		if (cp != want[i])
			unit_fail(file, line, "key %u typed U+%04X, not U+%04X", code, cp, want[i]);
	}
	if (want[i] != 0)
		unit_fail(file, line, "only %zu keys for the expected text", i);
}

#define TYPES(k, mod, first, last, want) types(__FILE__, __LINE__, k, mod, first, last, want)

void
keymap_by_name_knows_us_and_fr_only(void)
{
	CHECK_EQ_U64(keymap_by_name("us"), KEYMAP_US);
	CHECK_EQ_U64(keymap_by_name("fr"), KEYMAP_FR);
	CHECK(keymap_by_name("de") == -1);
	CHECK(keymap_by_name("") == -1);
	CHECK(keymap_by_name("fr ") == -1);
	CHECK(keymap_by_name(NULL) == -1);
}

void
keymap_us_types_letters_digits_and_punctuation(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_US);
	TYPES(&k, 0, FOMOS_KEY_1, FOMOS_KEY_EQUAL, U"1234567890-=");
	TYPES(&k, 0, FOMOS_KEY_Q, FOMOS_KEY_RIGHTBRACE, U"qwertyuiop[]");
	TYPES(&k, 0, FOMOS_KEY_A, FOMOS_KEY_GRAVE, U"asdfghjkl;'`");
	TYPES(&k, 0, FOMOS_KEY_BACKSLASH, FOMOS_KEY_BACKSLASH, U"\\");
	TYPES(&k, 0, FOMOS_KEY_Z, FOMOS_KEY_SLASH, U"zxcvbnm,./");
	TYPES(&k, 0, KEY_102ND, KEY_102ND, U"<");
}

void
keymap_us_shift_gives_capitals_and_symbols(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_US);
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_1, FOMOS_KEY_EQUAL, U"!@#$%^&*()_+");
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_Q, FOMOS_KEY_RIGHTBRACE, U"QWERTYUIOP{}");
	TYPES(&k, FOMOS_KEY_RIGHTSHIFT, FOMOS_KEY_A, FOMOS_KEY_GRAVE, U"ASDFGHJKL:\"~");
	TYPES(&k, FOMOS_KEY_RIGHTSHIFT, FOMOS_KEY_BACKSLASH, FOMOS_KEY_BACKSLASH, U"|");
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_Z, FOMOS_KEY_SLASH, U"ZXCVBNM<>?");
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_A), 'a');	/* Shift is up again */
}

void
keymap_us_caps_lock_capitalizes_letters_only(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_US);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_CAPSLOCK), 0);
	CHECK_EQ_U64(k.caps, 1);
	TYPES(&k, 0, FOMOS_KEY_Q, FOMOS_KEY_RIGHTBRACE, U"QWERTYUIOP[]");
	TYPES(&k, 0, FOMOS_KEY_1, FOMOS_KEY_5, U"12345");
	/* Shift with Caps Lock: lowercase letters, still the shifted symbols. */
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_A, FOMOS_KEY_GRAVE, U"asdfghjkl:\"~");
	/* A held Caps Lock repeats without toggling; its release changes nothing. */
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_CAPSLOCK, 1), 0);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_CAPSLOCK, 2), 0);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_CAPSLOCK, 2), 0);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_CAPSLOCK, 2), 0);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_CAPSLOCK, 0), 0);
	CHECK_EQ_U64(k.caps, 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_A), 'a');
	tap(&k, FOMOS_KEY_CAPSLOCK);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_A), 'A');
}

void
keymap_fr_digit_row_needs_shift(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_FR);
	TYPES(&k, 0, FOMOS_KEY_1, FOMOS_KEY_EQUAL, U"&é\"'(-è_çà)=");
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_1, FOMOS_KEY_EQUAL, U"1234567890°+");
	TYPES(&k, FOMOS_KEY_RIGHTSHIFT, FOMOS_KEY_1, FOMOS_KEY_0, U"1234567890");
	TYPES(&k, 0, FOMOS_KEY_GRAVE, FOMOS_KEY_GRAVE, U"²");
}

void
keymap_fr_letters_and_punctuation_are_azerty(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_FR);
	TYPES(&k, 0, FOMOS_KEY_Q, FOMOS_KEY_P, U"azertyuiop");
	TYPES(&k, 0, FOMOS_KEY_RIGHTBRACE, FOMOS_KEY_RIGHTBRACE, U"$");
	TYPES(&k, 0, FOMOS_KEY_A, FOMOS_KEY_APOSTROPHE, U"qsdfghjklmù");
	TYPES(&k, 0, FOMOS_KEY_BACKSLASH, FOMOS_KEY_BACKSLASH, U"*");
	TYPES(&k, 0, KEY_102ND, KEY_102ND, U"<");
	TYPES(&k, 0, FOMOS_KEY_Z, FOMOS_KEY_SLASH, U"wxcvbn,;:!");

	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_Q, FOMOS_KEY_P, U"AZERTYUIOP");
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_RIGHTBRACE, FOMOS_KEY_RIGHTBRACE, U"£");
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_A, FOMOS_KEY_APOSTROPHE, U"QSDFGHJKLM%");
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_BACKSLASH, FOMOS_KEY_BACKSLASH, U"µ");
	TYPES(&k, FOMOS_KEY_RIGHTSHIFT, KEY_102ND, KEY_102ND, U">");
	TYPES(&k, FOMOS_KEY_RIGHTSHIFT, FOMOS_KEY_Z, FOMOS_KEY_SLASH, U"WXCVBN?./§");
}

void
keymap_fr_altgr_types_the_third_level(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_FR);
	TYPES(&k, FOMOS_KEY_RIGHTALT, FOMOS_KEY_2, FOMOS_KEY_EQUAL, U"~#{[|`\\^@]}");
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_RIGHTALT, FOMOS_KEY_E), 0x20ac);	/* € */
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_RIGHTALT, KEY_102ND), '|');
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_RIGHTALT, FOMOS_KEY_RIGHTBRACE), 0xa4);	/* ¤ */
	/* AltGr held across several keys, Shift does not change level 3. */
	keymap_key(&k, FOMOS_KEY_RIGHTALT, 1);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_0), '@');
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_0), '@');
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_RIGHTALT, 2), 0);	/* repeat: still held */
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_8), '\\');
	/* A key with no third level types its first. */
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_TAB), '\t');
	keymap_key(&k, FOMOS_KEY_RIGHTALT, 0);
	CHECK_EQ_U64(k.altgr, 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_0), 0xe0);	/* à */
	/* Left Alt is not AltGr. */
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTALT, FOMOS_KEY_2), 0xe9);
}

void
keymap_us_right_alt_types_plain_keys(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_US);
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_RIGHTALT, FOMOS_KEY_2), '2');
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_RIGHTALT, FOMOS_KEY_E), 'e');
}

void
keymap_fr_caps_lock_capitalizes_letters_and_accented_keys(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_FR);
	tap(&k, FOMOS_KEY_CAPSLOCK);
	TYPES(&k, 0, FOMOS_KEY_1, FOMOS_KEY_EQUAL, U"&É\"'(-È_ÇÀ)=");
	TYPES(&k, 0, FOMOS_KEY_A, FOMOS_KEY_APOSTROPHE, U"QSDFGHJKLMÙ");
	TYPES(&k, 0, FOMOS_KEY_Z, FOMOS_KEY_SLASH, U"WXCVBN,;:!");
	/* With Shift: lowercase letters, and the accented keys type digits. */
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_1, FOMOS_KEY_EQUAL, U"1234567890°+");
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_Q, FOMOS_KEY_P, U"azertyuiop");
	TYPES(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_APOSTROPHE, FOMOS_KEY_APOSTROPHE, U"%");
	/* AltGr's level is not capitalized. */
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_RIGHTALT, FOMOS_KEY_0), '@');
	tap(&k, FOMOS_KEY_CAPSLOCK);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_2), 0xe9);
}

/* Taps the dead key (with dead_mod held, if not 0), then code (with mod). */
static uint32_t
dead_then(struct keymap *k, uint32_t dead, uint32_t dead_mod, uint32_t mod, uint32_t code)
{
	CHECK_EQ_U64(dead_mod ? tap_with(k, dead_mod, dead) : tap(k, dead), 0);
	CHECK(k->dead != 0);
	return mod ? tap_with(k, mod, code) : tap(k, code);
}

#define CIRC(mod, code)		dead_then(&k, FOMOS_KEY_LEFTBRACE, 0, mod, code)
#define DIAER(mod, code)	dead_then(&k, FOMOS_KEY_LEFTBRACE, FOMOS_KEY_LEFTSHIFT, mod, code)

void
keymap_fr_dead_circumflex_and_diaeresis_accent_the_next_letter(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_FR);
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_Q), 0xe2);	/* â */
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_E), 0xea);	/* ê */
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_I), 0xee);	/* î */
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_O), 0xf4);	/* ô */
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_U), 0xfb);	/* û */
	CHECK_EQ_U64(CIRC(FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_E), 0xca);	/* Ê */
	CHECK_EQ_U64(CIRC(FOMOS_KEY_RIGHTSHIFT, FOMOS_KEY_O), 0xd4);	/* Ô */
	CHECK_EQ_U64(DIAER(0, FOMOS_KEY_Q), 0xe4);	/* ä */
	CHECK_EQ_U64(DIAER(0, FOMOS_KEY_E), 0xeb);	/* ë */
	CHECK_EQ_U64(DIAER(0, FOMOS_KEY_I), 0xef);	/* ï */
	CHECK_EQ_U64(DIAER(0, FOMOS_KEY_O), 0xf6);	/* ö */
	CHECK_EQ_U64(DIAER(0, FOMOS_KEY_U), 0xfc);	/* ü */
	CHECK_EQ_U64(DIAER(0, FOMOS_KEY_Y), 0xff);	/* ÿ */
	CHECK_EQ_U64(DIAER(FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_Y), 0x178);	/* Ÿ */
	CHECK_EQ_U64(DIAER(FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_I), 0xcf);	/* Ï */
	CHECK_EQ_U64(k.dead, 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_E), 'e');	/* the accent went on one letter */
	/* Caps Lock capitals take the accent too. */
	tap(&k, FOMOS_KEY_CAPSLOCK);
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_Q), 0xc2);	/* Â */
	tap(&k, FOMOS_KEY_CAPSLOCK);
	/* AltGr's dead keys: ^ on ù, ` on *, ´ on the comma, ¨ on ^. */
	CHECK_EQ_U64(dead_then(&k, FOMOS_KEY_APOSTROPHE, FOMOS_KEY_RIGHTALT, 0, FOMOS_KEY_E), 0xea);
	CHECK_EQ_U64(dead_then(&k, FOMOS_KEY_BACKSLASH, FOMOS_KEY_RIGHTALT, 0, FOMOS_KEY_E), 0xe8);
	CHECK_EQ_U64(dead_then(&k, FOMOS_KEY_M, FOMOS_KEY_RIGHTALT, 0, FOMOS_KEY_E), 0xe9);
	CHECK_EQ_U64(dead_then(&k, FOMOS_KEY_LEFTBRACE, FOMOS_KEY_RIGHTALT, 0, FOMOS_KEY_U), 0xfc);
}

void
keymap_fr_dead_key_then_space_or_itself_types_the_accent(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_FR);
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_SPACE), '^');
	CHECK_EQ_U64(DIAER(0, FOMOS_KEY_SPACE), 0xa8);	/* ¨ */
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_LEFTBRACE), '^');
	CHECK_EQ_U64(k.dead, 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_Q), 'a');
	/* Holding the dead key down is still one accent. */
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_LEFTBRACE, 1), 0);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_LEFTBRACE, 2), 0);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_LEFTBRACE, 2), 0);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_LEFTBRACE, 0), 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_O), 0xf4);	/* ô */
}

void
keymap_fr_dead_key_before_a_key_without_that_accent_is_dropped(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_FR);
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_W), 'z');
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_Q), 'a');
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_1), '&');
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_ENTER), '\n');
	CHECK_EQ_U64(DIAER(0, FOMOS_KEY_C), 'c');
	/* Backspace takes back the accent, not the character before it. */
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_BACKSPACE), 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_Q), 'a');
	/* A second, different dead key replaces the first. */
	tap(&k, FOMOS_KEY_LEFTBRACE);
	CHECK_EQ_U64(DIAER(0, FOMOS_KEY_Q), 0xe4);	/* ä */
	/* An arrow cancels it. */
	CHECK_EQ_U64(CIRC(0, FOMOS_KEY_LEFT), 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_Q), 'a');
	/* A dead key we have no accents for swallows itself (AltGr+j: hook). */
	CHECK_EQ_U64(dead_then(&k, FOMOS_KEY_J, FOMOS_KEY_RIGHTALT, 0, FOMOS_KEY_Q), 'a');
	CHECK_EQ_U64(dead_then(&k, FOMOS_KEY_J, FOMOS_KEY_RIGHTALT, 0, FOMOS_KEY_SPACE), 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_SPACE), ' ');
}

void
keymap_ctrl_letters_give_control_codes_on_both_layouts(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_US);
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTCTRL, FOMOS_KEY_C), 3);
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTCTRL, FOMOS_KEY_A), 1);
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_RIGHTCTRL, FOMOS_KEY_Z), 26);
	keymap_key(&k, FOMOS_KEY_LEFTCTRL, 1);
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_C), 3);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_1), 0);		/* no control code */
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_SLASH), 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_ENTER), '\n');
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_TAB), '\t');
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_CAPSLOCK), 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_D), 4);		/* Caps Lock on: still 4 */
	keymap_key(&k, FOMOS_KEY_LEFTCTRL, 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_D), 'D');

	/* FR: by the letter typed, not the key's US name. */
	keymap_init(&k, KEYMAP_FR);
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTCTRL, FOMOS_KEY_Q), 1);		/* a */
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTCTRL, FOMOS_KEY_A), 17);	/* q */
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTCTRL, FOMOS_KEY_W), 26);	/* z */
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTCTRL, FOMOS_KEY_SEMICOLON), 13);	/* m */
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTCTRL, FOMOS_KEY_2), 0);		/* é */
	/* Ctrl cancels a pending dead key instead of accenting. */
	tap(&k, FOMOS_KEY_LEFTBRACE);
	CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTCTRL, FOMOS_KEY_Q), 1);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_Q), 'a');
}

void
keymap_releases_type_nothing_and_end_their_modifier(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_US);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_LEFTSHIFT, 1), 0);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_RIGHTSHIFT, 1), 0);
	CHECK_EQ_U64(k.shift, 3);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_A, 1), 'A');
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_A, 2), 'A');	/* repeat types again */
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_A, 0), 0);
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_LEFTSHIFT, 0), 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_A), 'A');	/* right Shift still held */
	CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_RIGHTSHIFT, 0), 0);
	CHECK_EQ_U64(k.shift, 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_A), 'a');

	keymap_key(&k, FOMOS_KEY_LEFTCTRL, 1);
	keymap_key(&k, FOMOS_KEY_RIGHTCTRL, 1);
	keymap_key(&k, FOMOS_KEY_RIGHTCTRL, 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_A), 1);
	keymap_key(&k, FOMOS_KEY_LEFTCTRL, 0);
	CHECK_EQ_U64(k.ctrl, 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_A), 'a');

	keymap_key(&k, FOMOS_KEY_LEFTALT, 1);
	keymap_key(&k, FOMOS_KEY_RIGHTALT, 1);
	CHECK_EQ_U64(k.alt, 3);
	CHECK_EQ_U64(k.altgr, 1);
	keymap_key(&k, FOMOS_KEY_LEFTALT, 0);
	keymap_key(&k, FOMOS_KEY_RIGHTALT, 0);
	CHECK_EQ_U64(k.alt, 0);
	CHECK_EQ_U64(k.altgr, 0);
}

void
keymap_enter_backspace_tab_escape_and_space_on_both_layouts(void)
{
	struct keymap k;
	uint32_t layout;

	for (layout = KEYMAP_US; layout <= KEYMAP_FR; layout++) {
		keymap_init(&k, layout);
		CHECK_EQ_U64(tap(&k, FOMOS_KEY_ENTER), '\n');
		CHECK_EQ_U64(tap(&k, KEY_KPENTER), '\n');
		CHECK_EQ_U64(tap(&k, FOMOS_KEY_BACKSPACE), '\b');
		CHECK_EQ_U64(tap(&k, FOMOS_KEY_TAB), '\t');
		CHECK_EQ_U64(tap(&k, FOMOS_KEY_ESC), 0x1b);
		CHECK_EQ_U64(tap(&k, FOMOS_KEY_SPACE), ' ');
		CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_SPACE), ' ');
		CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_LEFTSHIFT, FOMOS_KEY_TAB), '\t');
		CHECK_EQ_U64(tap_with(&k, FOMOS_KEY_RIGHTALT, FOMOS_KEY_SPACE), ' ');
		/* Keys that type nothing. */
		CHECK_EQ_U64(tap(&k, FOMOS_KEY_UP), 0);
		CHECK_EQ_U64(tap(&k, FOMOS_KEY_DELETE), 0);
		CHECK_EQ_U64(tap(&k, FOMOS_KEY_F1), 0);
		CHECK_EQ_U64(tap(&k, FOMOS_BTN_LEFT), 0);
		CHECK_EQ_U64(tap(&k, 0), 0);
		CHECK_EQ_U64(tap(&k, 0xffffffffu), 0);
		/* Values other than press, release, repeat are not key events. */
		CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_ENTER, 3), 0);
		CHECK_EQ_U64(keymap_key(&k, FOMOS_KEY_LEFTSHIFT, -1), 0);
		CHECK_EQ_U64(k.shift, 0);
	}
}

void
keymap_init_forgets_everything_and_unknown_layouts_are_us(void)
{
	struct keymap k;

	keymap_init(&k, KEYMAP_FR);
	keymap_key(&k, FOMOS_KEY_LEFTSHIFT, 1);
	keymap_key(&k, FOMOS_KEY_LEFTCTRL, 1);
	keymap_key(&k, FOMOS_KEY_RIGHTALT, 1);
	tap(&k, FOMOS_KEY_CAPSLOCK);
	keymap_init(&k, KEYMAP_FR);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_Q), 'a');
	tap(&k, FOMOS_KEY_LEFTBRACE);
	keymap_init(&k, KEYMAP_FR);
	CHECK_EQ_U64(k.dead, 0);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_E), 'e');

	keymap_init(&k, 7);
	CHECK_EQ_U64(k.layout, KEYMAP_US);
	CHECK_EQ_U64(tap(&k, FOMOS_KEY_Q), 'q');
}
