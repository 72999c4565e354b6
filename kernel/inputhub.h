/*
 * Where input arrives from every source — virtio keyboards, mice and
 * tablets, and the serial line — and becomes the one struct fomos_input that
 * every app reads through ctx->input.  Key codes go through the keyboard
 * layout (keymap=us|fr in boot.cfg) to get their text.
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

/* Drivers call these; `arrived_tsc` is when the event reached the kernel
 * (the interrupt that announced it), which becomes the event's time_ns. */
void inputhub_key(uint64_t arrived_tsc, uint32_t code, int32_t value);
void inputhub_move(uint64_t arrived_tsc, int32_t dx, int32_t dy);
void inputhub_warp(uint64_t arrived_tsc, int32_t x, int32_t y);
void inputhub_wheel(uint64_t arrived_tsc, int32_t clicks);
/* A byte received on the serial line. */
void inputhub_serial(uint64_t arrived_tsc, uint8_t byte);
/* Called now and then: a lone ESC on the serial line, quiet for a while,
 * is the Escape key. */
void inputhub_tick(uint64_t now_tsc);
/* Caps Lock's state, for keyboard LEDs. */
int inputhub_caps_lock(void);

#endif
