/*
 * Keyboard layouts: from evdev key codes and the modifier state to the
 * Unicode text a key press types.  US and French (AZERTY, with AltGr and the
 * ^ and ¨ dead keys).  Pure: host-tested.
 *
 * Calling order: keymap_init once, then keymap_key for every key event in
 * the order they happen (releases too: they end Shift, AltGr, ...).
 */
#ifndef KEYMAP_H
#define KEYMAP_H

#include <stdint.h>

enum keymap_layout { KEYMAP_US = 0, KEYMAP_FR = 1 };

struct keymap {
	uint32_t layout;	/* enum keymap_layout */
	uint8_t shift;		/* bit 0 left, bit 1 right held */
	uint8_t ctrl, alt;	/* held: bits as for shift */
	uint8_t altgr;		/* right Alt held (FR: third level) */
	uint8_t caps;		/* Caps Lock on (toggled by its press) */
	uint32_t dead;		/* a dead key waiting for the next letter, 0 if none */
};

void keymap_init(struct keymap *k, uint32_t layout);
/* "us" / "fr" -> layout; -1 for anything else. */
int keymap_by_name(const char *name);
/* Updates the modifier state with the event (value 1 press, 0 release,
 * 2 repeat) and returns the codepoint a press or repeat types: 0 for
 * none (modifiers, arrows, releases, a dead key), '\n' for Enter, '\b' for
 * Backspace, '\t' for Tab, 0x1b for Escape.  With Ctrl held, letters give
 * their control codes (Ctrl-C is 3). */
uint32_t keymap_key(struct keymap *k, uint32_t code, int32_t value);

#endif
