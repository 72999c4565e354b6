/*
 * The input state apps read: struct fomos_input, kept here for every input
 * driver.  Apps poll it between their calls (fomos_next_event in
 * sdk/fomos.h), so what they must be able to trust is the ring: event n is
 * complete in events[n % FOMOS_EVENT_RING] once event_count is past n.
 */
#include <stdint.h>
#include <stddef.h>
#include "fomos.h"
#include "input.h"
#include "lib.h"

static void
input_queue(struct input *in, uint64_t time_ns, uint32_t type, uint32_t code,
    int32_t value, uint32_t codepoint)
{
	struct fomos_input *sh = in->shared;
	uint64_t n = sh->event_count;
	struct fomos_event *e = &sh->events[n % FOMOS_EVENT_RING];

	e->time_ns = time_ns;
	e->type = type;
	e->code = code;
	e->value = value;
	e->codepoint = codepoint;
	sh->event_pid[n % FOMOS_EVENT_RING] = in->focus_pid;
	/* Apps run between our writes, never during one; this only keeps the
	 * compiler from publishing the count before the event. */
	__asm__ volatile("" ::: "memory");
	sh->event_count = n + 1;
}

static int32_t
clamp(int64_t v, int32_t max)
{
	return v < 0 ? 0 : v > max ? max : (int32_t)v;
}

static int32_t
screen_side(uint32_t pixels)
{
	if (pixels == 0)		/* no screen: keep the pointer at 0 */
		return 1;
	return pixels > INT32_MAX ? INT32_MAX : (int32_t)pixels;
}

void
input_init(struct input *in, struct fomos_input *shared, uint32_t width, uint32_t height)
{
	memset(shared, 0, sizeof(*shared));
	in->shared = shared;
	in->focus_pid = 0;
	in->width = screen_side(width);
	in->height = screen_side(height);
	shared->pointer_x = in->width / 2;
	shared->pointer_y = in->height / 2;
}

static uint32_t
button_bit(uint32_t code)
{
	switch (code) {
	case FOMOS_BTN_LEFT:	return FOMOS_BUTTON_LEFT;
	case FOMOS_BTN_RIGHT:	return FOMOS_BUTTON_RIGHT;
	case FOMOS_BTN_MIDDLE:	return FOMOS_BUTTON_MIDDLE;
	}
	return 0;
}

void
input_key(struct input *in, uint64_t time_ns, uint32_t code, int32_t value, uint32_t codepoint)
{
	/* Mouse buttons come as keys from some drivers: keep buttons true. */
	if (button_bit(code) != 0) {
		input_button(in, time_ns, code, value);
		return;
	}
	if (code >= FOMOS_KEY_COUNT || value < 0 || value > 2)
		return;
	in->shared->keys[code] = value != 0;
	input_queue(in, time_ns, FOMOS_EV_KEY, code, value, value != 0 ? codepoint : 0);
}

void
input_button(struct input *in, uint64_t time_ns, uint32_t code, int32_t value)
{
	uint32_t bit = button_bit(code);

	if (code >= FOMOS_KEY_COUNT || value < 0 || value > 2)
		return;
	in->shared->keys[code] = value != 0;
	if (value != 0)
		in->shared->buttons |= bit;
	else
		in->shared->buttons &= ~bit;
	input_queue(in, time_ns, FOMOS_EV_BUTTON, code, value, 0);
}

void
input_move(struct input *in, uint64_t time_ns, int32_t dx, int32_t dy)
{
	struct fomos_input *sh = in->shared;

	sh->pointer_x = clamp((int64_t)sh->pointer_x + dx, in->width - 1);
	sh->pointer_y = clamp((int64_t)sh->pointer_y + dy, in->height - 1);
	if (dx != 0)
		input_queue(in, time_ns, FOMOS_EV_MOTION, FOMOS_AXIS_X, dx, 0);
	if (dy != 0)
		input_queue(in, time_ns, FOMOS_EV_MOTION, FOMOS_AXIS_Y, dy, 0);
}

void
input_warp(struct input *in, uint64_t time_ns, int32_t x, int32_t y)
{
	struct fomos_input *sh = in->shared;
	int32_t nx = clamp(x, in->width - 1), ny = clamp(y, in->height - 1);
	int32_t dx = nx - sh->pointer_x, dy = ny - sh->pointer_y;

	sh->pointer_x = nx;
	sh->pointer_y = ny;
	if (dx != 0)
		input_queue(in, time_ns, FOMOS_EV_MOTION, FOMOS_AXIS_X, dx, 0);
	if (dy != 0)
		input_queue(in, time_ns, FOMOS_EV_MOTION, FOMOS_AXIS_Y, dy, 0);
}

void
input_wheel(struct input *in, uint64_t time_ns, int32_t clicks)
{
	if (clicks != 0)
		input_queue(in, time_ns, FOMOS_EV_WHEEL, FOMOS_AXIS_WHEEL, clicks, 0);
}

void
input_screen(struct input *in, uint64_t time_ns, uint32_t width, uint32_t height)
{
	struct fomos_input *sh = in->shared;

	in->width = screen_side(width);
	in->height = screen_side(height);
	sh->pointer_x = clamp(sh->pointer_x, in->width - 1);
	sh->pointer_y = clamp(sh->pointer_y, in->height - 1);
	input_queue(in, time_ns, FOMOS_EV_SCREEN, width, (int32_t)MIN(height, (uint32_t)INT32_MAX), 0);
}

void
input_set_focus(struct input *in, uint64_t pid)
{
	in->focus_pid = pid;
}

void
input_renumber(struct input *in, uint64_t first)
{
	static struct fomos_event events[FOMOS_EVENT_RING];
	static uint64_t pids[FOMOS_EVENT_RING];
	struct fomos_input *sh = in->shared;
	uint64_t count = sh->event_count, k = count < FOMOS_EVENT_RING ? count : FOMOS_EVENT_RING, i;

	if (first <= count)
		return;
	for (i = 0; i < k; i++) {
		events[i] = sh->events[(count - k + i) % FOMOS_EVENT_RING];
		pids[i] = sh->event_pid[(count - k + i) % FOMOS_EVENT_RING];
	}
	memset(sh->events, 0, sizeof(sh->events));
	memset(sh->event_pid, 0, sizeof(sh->event_pid));
	for (i = 0; i < k; i++) {
		sh->events[(first + i) % FOMOS_EVENT_RING] = events[i];
		sh->event_pid[(first + i) % FOMOS_EVENT_RING] = pids[i];
	}
	__asm__ volatile("" ::: "memory");
	sh->event_count = first + k;
}
