/*
 * Where input arrives from every source — virtio keyboards, mice and
 * tablets, the serial line, fomos-host's window and --type — and becomes the
 * one struct fomos_input that every app reads through ctx->input.  Key
 * codes go through the keyboard layout (keymap=us|fr in boot.cfg) to get
 * their text.
 *
 * Portable: the kernel and fomos-host.  Times are nanoseconds on the
 * executor's clock (timer_ns(), or fomos-host's), when the event reached
 * the system.
 */
#ifndef INPUTHUB_H
#define INPUTHUB_H

#include <stdint.h>
#include "fomos.h"

void inputhub_init(uint32_t screen_w, uint32_t screen_h, uint32_t layout);
const struct fomos_input *inputhub_shared(void);
void inputhub_set_focus(uint64_t pid);	/* see input_set_focus */
int32_t inputhub_width(void);		/* the screen the pointer moves on */
int32_t inputhub_height(void);
/* The screen changed size (input_screen). */
void inputhub_screen(uint64_t time_ns, uint32_t width, uint32_t height);

/* A keyboard key (evdev code; value 1 press, 0 release, 2 repeat) or a
 * pointer button (FOMOS_BTN_*): the text comes from the layout. */
void inputhub_key(uint64_t time_ns, uint32_t code, int32_t value);
void inputhub_move(uint64_t time_ns, int32_t dx, int32_t dy);
void inputhub_warp(uint64_t time_ns, int32_t x, int32_t y);
void inputhub_wheel(uint64_t time_ns, int32_t clicks);
/* A byte typed as on the serial line (UTF-8, CR is Enter, ESC sequences
 * are the editing keys): it carries the codepoint typed, whatever the
 * layout. */
void inputhub_serial(uint64_t time_ns, uint8_t byte);
/* Called now and then: a lone ESC on the serial line, quiet for a while,
 * is the Escape key. */
void inputhub_tick(uint64_t now_ns);
/* The serial text so far is all there is (fomos-host's --type): a lone
 * ESC at its end is the Escape key. */
void inputhub_serial_idle(uint64_t now_ns);
/* A resume: events are numbered from first on (input_renumber). */
void inputhub_renumber(uint64_t first);
/* Caps Lock's state, for keyboard LEDs. */
int inputhub_caps_lock(void);

#endif
