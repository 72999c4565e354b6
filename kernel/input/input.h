/*
 * The input state every app sees through ctx->input (struct fomos_input in
 * sdk/fomos.h): pointer position, buttons, held keys and the event ring.
 * Drivers (virtio-input, the serial line) report here; this module keeps the
 * ring and the state consistent.  Pure: host-tested.
 *
 * One writer (the executor's thread of control: drivers run as executor
 * tasks, never in interrupt handlers), many readers (apps, between writes).
 */
#ifndef INPUT_H
#define INPUT_H

#include <stdint.h>
#include "fomos.h"

struct input {
	struct fomos_input *shared;	/* what apps read */
	int32_t width, height;		/* the screen: the pointer stays inside */
	uint64_t focus_pid;		/* stamped on every event (event_pid[]) */
};

void input_init(struct input *in, struct fomos_input *shared, uint32_t width, uint32_t height);
/* Key codes below FOMOS_KEY_COUNT; others are ignored.  Sets keys[] (1 while
 * held) and queues a FOMOS_EV_KEY event. */
void input_key(struct input *in, uint64_t time_ns, uint32_t code, int32_t value, uint32_t codepoint);
/* FOMOS_BTN_LEFT/RIGHT/MIDDLE: updates buttons and keys[], queues a
 * FOMOS_EV_BUTTON event. */
void input_button(struct input *in, uint64_t time_ns, uint32_t code, int32_t value);
/* Relative motion: moves the pointer (clamped to the screen) and queues a
 * FOMOS_EV_MOTION event per axis that moved, carrying the device's raw
 * delta (a game turning its view wants it even at the screen's edge). */
void input_move(struct input *in, uint64_t time_ns, int32_t dx, int32_t dy);
/* Absolute position in screen pixels (the driver scales the device's
 * range): clamped, queued as the motion it amounts to. */
void input_warp(struct input *in, uint64_t time_ns, int32_t x, int32_t y);
void input_wheel(struct input *in, uint64_t time_ns, int32_t clicks);
/* The app with the keyboard focus (0: none): events queued from now on are
 * marked for it in event_pid[]. */
/* The screen is now width x height: the pointer is kept inside it and
 * every app gets a FOMOS_EV_SCREEN event. */
void input_screen(struct input *in, uint64_t time_ns, uint32_t width, uint32_t height);
void input_set_focus(struct input *in, uint64_t pid);
/* Events are numbered from `first` on, if the count is not past it
 * already: a boot that resumes apps goes on with the numbers of the boot
 * they were saved from, so that no app's cursor into the ring is ahead of
 * event_count.  What was queued so far keeps its order, renumbered from
 * first; the rest of the ring is cleared. */
void input_renumber(struct input *in, uint64_t first);

#endif
