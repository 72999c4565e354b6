/* input: the pointer, buttons, keys and event ring every app reads. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fomos.h"
#include "input.h"
#include "unit.h"

#define BTN_SIDE	0x113

/* Event n, as an app finds it. */
static const struct fomos_event *
event(const struct fomos_input *sh, uint64_t n)
{
	return &sh->events[n % FOMOS_EVENT_RING];
}

static void
event_is(const char *file, int line, const struct fomos_input *sh, uint64_t n,
    uint64_t time_ns, uint32_t type, uint32_t code, int32_t value, uint32_t cp)
{
	const struct fomos_event *e = event(sh, n);

	if (e->time_ns != time_ns || e->type != type || e->code != code ||
	    e->value != value || e->codepoint != cp)
		unit_fail(file, line, "event %llu: t %llu type %u code %u value %d cp %u, "
		    "not t %llu type %u code %u value %d cp %u", (unsigned long long)n,
		    (unsigned long long)e->time_ns, e->type, e->code, e->value, e->codepoint,
		    (unsigned long long)time_ns, type, code, value, cp);
}

#define EVENT(sh, n, t, type, code, value, cp) \
	event_is(__FILE__, __LINE__, sh, n, t, type, code, value, cp)

void
input_init_zeroes_everything_and_centres_the_pointer(void)
{
	static struct fomos_input sh, zero;
	struct input in;

	memset(&sh, 0xa5, sizeof(sh));
	input_init(&in, &sh, 640, 480);
	CHECK_EQ_U64(sh.pointer_x, 320);
	CHECK_EQ_U64(sh.pointer_y, 240);
	sh.pointer_x = sh.pointer_y = 0;
	CHECK(memcmp(&sh, &zero, sizeof(sh)) == 0);

	input_init(&in, &sh, 1, 1);
	CHECK_EQ_U64(sh.pointer_x, 0);
	CHECK_EQ_U64(sh.pointer_y, 0);
	/* No screen at all: the pointer stays at the origin. */
	input_init(&in, &sh, 0, 0);
	input_move(&in, 1, 50, 50);
	CHECK_EQ_U64(sh.pointer_x, 0);
	CHECK_EQ_U64(sh.pointer_y, 0);
}

void
input_key_press_repeat_and_release_set_keys_and_queue_events(void)
{
	static struct fomos_input sh;
	struct input in;

	input_init(&in, &sh, 640, 480);
	input_key(&in, 100, FOMOS_KEY_A, 1, 'a');
	CHECK_EQ_U64(sh.keys[FOMOS_KEY_A], 1);
	CHECK_EQ_U64(sh.event_count, 1);
	EVENT(&sh, 0, 100, FOMOS_EV_KEY, FOMOS_KEY_A, 1, 'a');
	input_key(&in, 200, FOMOS_KEY_A, 2, 'a');
	CHECK_EQ_U64(sh.keys[FOMOS_KEY_A], 1);
	EVENT(&sh, 1, 200, FOMOS_EV_KEY, FOMOS_KEY_A, 2, 'a');
	input_key(&in, 300, FOMOS_KEY_LEFTSHIFT, 1, 0);
	CHECK_EQ_U64(sh.keys[FOMOS_KEY_LEFTSHIFT], 1);
	/* A release carries no text, whatever the driver passed. */
	input_key(&in, 400, FOMOS_KEY_A, 0, 'a');
	CHECK_EQ_U64(sh.keys[FOMOS_KEY_A], 0);
	CHECK_EQ_U64(sh.keys[FOMOS_KEY_LEFTSHIFT], 1);
	EVENT(&sh, 3, 400, FOMOS_EV_KEY, FOMOS_KEY_A, 0, 0);
	input_key(&in, 500, FOMOS_KEY_LEFTSHIFT, 0, 0);
	CHECK_EQ_U64(sh.keys[FOMOS_KEY_LEFTSHIFT], 0);
	CHECK_EQ_U64(sh.event_count, 5);
	/* Text with no key: a character the serial line sends. */
	input_key(&in, 600, 0, 1, 0x20ac);
	EVENT(&sh, 5, 600, FOMOS_EV_KEY, 0, 1, 0x20ac);
}

void
input_key_codes_past_the_table_and_bad_values_are_ignored(void)
{
	static struct fomos_input sh;
	struct input in;

	input_init(&in, &sh, 640, 480);
	input_key(&in, 1, FOMOS_KEY_COUNT, 1, 'x');
	input_key(&in, 1, 0xffffffffu, 1, 'x');
	input_key(&in, 1, FOMOS_KEY_A, 3, 'x');
	input_key(&in, 1, FOMOS_KEY_A, -1, 'x');
	input_button(&in, 1, FOMOS_KEY_COUNT + 5, 1);
	CHECK_EQ_U64(sh.event_count, 0);
	CHECK_EQ_U64(sh.keys[FOMOS_KEY_A], 0);
	input_key(&in, 2, FOMOS_KEY_COUNT - 1, 1, 0);
	CHECK_EQ_U64(sh.keys[FOMOS_KEY_COUNT - 1], 1);
	CHECK_EQ_U64(sh.event_count, 1);
}

void
input_ring_keeps_the_latest_256_events_and_counts_all(void)
{
	static struct fomos_input sh;
	struct input in;
	struct fomos_ctx ctx = { .input = &sh };
	const struct fomos_event *e;
	uint64_t n, seen = 0;

	input_init(&in, &sh, 640, 480);
	for (n = 0; n < 1000; n++)
		input_key(&in, n, FOMOS_KEY_A + n % 2, 1 - (int32_t)(n / 2 % 2), 'a');
	CHECK_EQ_U64(sh.event_count, 1000);
	for (n = 1000 - FOMOS_EVENT_RING; n < 1000; n++)
		EVENT(&sh, n, n, FOMOS_EV_KEY, FOMOS_KEY_A + n % 2, 1 - (int32_t)(n / 2 % 2),
		    n / 2 % 2 ? 0 : 'a');
	/* An app that fell behind reads the latest 256, oldest first. */
	for (n = 1000 - FOMOS_EVENT_RING; (e = fomos_next_event(&ctx, &seen)) != NULL; n++)
		CHECK_EQ_U64(e->time_ns, n);
	CHECK_EQ_U64(n, 1000);
	CHECK_EQ_U64(seen, 1000);
	input_wheel(&in, 1000, 1);
	CHECK_EQ_U64(sh.event_count, 1001);
	EVENT(&sh, 1000, 1000, FOMOS_EV_WHEEL, FOMOS_AXIS_WHEEL, 1, 0);
	CHECK(fomos_next_event(&ctx, &seen) == event(&sh, 1000));
	CHECK(fomos_next_event(&ctx, &seen) == NULL);
}

/* A resume: the events queued so far are numbered on from the count the
 * apps were saved with, in their order, and the rest of the ring is clear;
 * a count already past it is left alone. */
void
input_renumber_goes_on_from_the_saved_count_keeping_what_was_queued(void)
{
	static struct fomos_input sh;
	struct input in;
	struct fomos_ctx ctx = { .input = &sh };
	const struct fomos_event *e;
	uint64_t seen = 1000, i;

	input_init(&in, &sh, 640, 480);
	input_set_focus(&in, 7);
	input_wheel(&in, 11, 1);
	input_wheel(&in, 12, -1);
	input_renumber(&in, 1000);
	CHECK_EQ_U64(sh.event_count, 1002);
	for (i = 0; i < FOMOS_EVENT_RING; i++)
		if (i != 1000 % FOMOS_EVENT_RING && i != 1001 % FOMOS_EVENT_RING)
			CHECK(sh.events[i].type == 0 && sh.event_pid[i] == 0);
	/* An app resumed with its cursor at 1000 reads the two, in order. */
	e = fomos_next_event(&ctx, &seen);
	CHECK(e != NULL && e->time_ns == 11 && e->value == 1);
	CHECK_EQ_U64(sh.event_pid[1000 % FOMOS_EVENT_RING], 7);
	e = fomos_next_event(&ctx, &seen);
	CHECK(e != NULL && e->time_ns == 12 && e->value == -1);
	CHECK(fomos_next_event(&ctx, &seen) == NULL);
	/* New events follow on. */
	input_wheel(&in, 13, 2);
	CHECK_EQ_U64(sh.event_count, 1003);
	CHECK_EQ_U64(sh.events[1002 % FOMOS_EVENT_RING].time_ns, 13);
	/* Nothing to do when the count is past it already. */
	input_renumber(&in, 5);
	CHECK_EQ_U64(sh.event_count, 1003);
	CHECK_EQ_U64(sh.events[1002 % FOMOS_EVENT_RING].time_ns, 13);
}

/* A snapshot resumed by a kernel that counted from 0 again: the app's
 * cursor is past the count, and the helper starts again rather than wait
 * for the count to catch up. */
void
input_a_cursor_past_the_count_starts_again_from_the_first_event(void)
{
	static struct fomos_input sh;
	struct input in;
	struct fomos_ctx ctx = { .input = &sh };
	uint64_t seen = 500;

	input_init(&in, &sh, 640, 480);
	input_wheel(&in, 7, 1);
	input_wheel(&in, 8, -1);
	CHECK(fomos_next_event(&ctx, &seen) == event(&sh, 0));
	CHECK(fomos_next_event(&ctx, &seen) == event(&sh, 1));
	CHECK(fomos_next_event(&ctx, &seen) == NULL);
	CHECK_EQ_U64(seen, 2);
}

void
input_buttons_set_their_bit_and_key_while_held(void)
{
	static struct fomos_input sh;
	struct input in;

	input_init(&in, &sh, 640, 480);
	input_button(&in, 10, FOMOS_BTN_LEFT, 1);
	CHECK_EQ_U64(sh.buttons, FOMOS_BUTTON_LEFT);
	CHECK_EQ_U64(sh.keys[FOMOS_BTN_LEFT], 1);
	EVENT(&sh, 0, 10, FOMOS_EV_BUTTON, FOMOS_BTN_LEFT, 1, 0);
	input_button(&in, 11, FOMOS_BTN_RIGHT, 1);
	input_button(&in, 12, FOMOS_BTN_MIDDLE, 1);
	CHECK_EQ_U64(sh.buttons, FOMOS_BUTTON_LEFT | FOMOS_BUTTON_RIGHT | FOMOS_BUTTON_MIDDLE);
	input_button(&in, 13, FOMOS_BTN_LEFT, 0);
	CHECK_EQ_U64(sh.buttons, FOMOS_BUTTON_RIGHT | FOMOS_BUTTON_MIDDLE);
	CHECK_EQ_U64(sh.keys[FOMOS_BTN_LEFT], 0);
	EVENT(&sh, 3, 13, FOMOS_EV_BUTTON, FOMOS_BTN_LEFT, 0, 0);
	input_button(&in, 14, FOMOS_BTN_RIGHT, 0);
	input_button(&in, 15, FOMOS_BTN_MIDDLE, 0);
	CHECK_EQ_U64(sh.buttons, 0);
	CHECK_EQ_U64(sh.keys[FOMOS_BTN_RIGHT] | sh.keys[FOMOS_BTN_MIDDLE], 0);
	/* Other buttons: held in keys[], no bit. */
	input_button(&in, 16, BTN_SIDE, 1);
	CHECK_EQ_U64(sh.buttons, 0);
	CHECK_EQ_U64(sh.keys[BTN_SIDE], 1);
	EVENT(&sh, 6, 16, FOMOS_EV_BUTTON, BTN_SIDE, 1, 0);
	/* A driver that reports buttons as keys keeps buttons true too. */
	input_key(&in, 17, FOMOS_BTN_RIGHT, 1, 0);
	CHECK_EQ_U64(sh.buttons, FOMOS_BUTTON_RIGHT);
	EVENT(&sh, 7, 17, FOMOS_EV_BUTTON, FOMOS_BTN_RIGHT, 1, 0);
	CHECK_EQ_U64(sh.event_count, 8);
}

void
input_move_queues_the_raw_delta_per_axis_that_moved(void)
{
	static struct fomos_input sh;
	struct input in;

	input_init(&in, &sh, 640, 480);
	input_move(&in, 1, 5, 0);
	CHECK_EQ_U64(sh.event_count, 1);
	EVENT(&sh, 0, 1, FOMOS_EV_MOTION, FOMOS_AXIS_X, 5, 0);
	input_move(&in, 2, 0, -3);
	CHECK_EQ_U64(sh.event_count, 2);
	EVENT(&sh, 1, 2, FOMOS_EV_MOTION, FOMOS_AXIS_Y, -3, 0);
	input_move(&in, 3, -7, 9);
	CHECK_EQ_U64(sh.event_count, 4);
	EVENT(&sh, 2, 3, FOMOS_EV_MOTION, FOMOS_AXIS_X, -7, 0);
	EVENT(&sh, 3, 3, FOMOS_EV_MOTION, FOMOS_AXIS_Y, 9, 0);
	CHECK_EQ_U64(sh.pointer_x, 320 + 5 - 7);
	CHECK_EQ_U64(sh.pointer_y, 240 - 3 + 9);
	input_move(&in, 4, 0, 0);
	CHECK_EQ_U64(sh.event_count, 4);
	/* Pinned at the edge, the pointer stays but the delta still comes. */
	input_move(&in, 5, -10000, 0);
	input_move(&in, 6, -4, 0);
	CHECK_EQ_U64(sh.pointer_x, 0);
	EVENT(&sh, 5, 6, FOMOS_EV_MOTION, FOMOS_AXIS_X, -4, 0);
}

void
input_pointer_is_clamped_at_all_four_edges(void)
{
	static struct fomos_input sh;
	struct input in;

	input_init(&in, &sh, 640, 480);
	input_move(&in, 1, -1000, 0);
	CHECK_EQ_U64(sh.pointer_x, 0);
	CHECK_EQ_U64(sh.pointer_y, 240);
	input_move(&in, 1, 1000, 0);
	CHECK_EQ_U64(sh.pointer_x, 639);
	input_move(&in, 1, 0, -1000);
	CHECK_EQ_U64(sh.pointer_y, 0);
	input_move(&in, 1, 0, 1000);
	CHECK_EQ_U64(sh.pointer_y, 479);
	CHECK_EQ_U64(sh.pointer_x, 639);
	/* Exactly onto the edge, and the largest deltas, without wrapping. */
	input_move(&in, 1, -639, -479);
	CHECK_EQ_U64(sh.pointer_x, 0);
	CHECK_EQ_U64(sh.pointer_y, 0);
	input_move(&in, 1, INT32_MAX, INT32_MAX);
	CHECK_EQ_U64(sh.pointer_x, 639);
	CHECK_EQ_U64(sh.pointer_y, 479);
	input_move(&in, 1, INT32_MIN, INT32_MIN);
	CHECK_EQ_U64(sh.pointer_x, 0);
	CHECK_EQ_U64(sh.pointer_y, 0);
	input_warp(&in, 1, INT32_MAX, INT32_MIN);
	CHECK_EQ_U64(sh.pointer_x, 639);
	CHECK_EQ_U64(sh.pointer_y, 0);
	input_warp(&in, 1, -1, 480);
	CHECK_EQ_U64(sh.pointer_x, 0);
	CHECK_EQ_U64(sh.pointer_y, 479);
}

void
input_warp_queues_the_motion_it_amounts_to(void)
{
	static struct fomos_input sh;
	struct input in;

	input_init(&in, &sh, 640, 480);
	input_warp(&in, 1, 330, 240);
	CHECK_EQ_U64(sh.event_count, 1);
	EVENT(&sh, 0, 1, FOMOS_EV_MOTION, FOMOS_AXIS_X, 10, 0);
	input_warp(&in, 2, 0, 0);
	CHECK_EQ_U64(sh.event_count, 3);
	EVENT(&sh, 1, 2, FOMOS_EV_MOTION, FOMOS_AXIS_X, -330, 0);
	EVENT(&sh, 2, 2, FOMOS_EV_MOTION, FOMOS_AXIS_Y, -240, 0);
	input_warp(&in, 3, 0, 0);
	CHECK_EQ_U64(sh.event_count, 3);
	/* Past the screen: the motion is what the pointer really did. */
	input_warp(&in, 4, 5000, -7);
	CHECK_EQ_U64(sh.event_count, 4);
	EVENT(&sh, 3, 4, FOMOS_EV_MOTION, FOMOS_AXIS_X, 639, 0);
	CHECK_EQ_U64(sh.pointer_x, 639);
	CHECK_EQ_U64(sh.pointer_y, 0);
}

void
input_screen_keeps_the_pointer_inside_and_tells_every_app(void)
{
	static struct fomos_input sh;
	struct input in;

	input_init(&in, &sh, 1280, 800);
	input_warp(&in, 1, 1200, 700);
	input_set_focus(&in, 9);
	input_screen(&in, 2, 800, 600);
	CHECK_EQ_U64(sh.pointer_x, 799);
	CHECK_EQ_U64(sh.pointer_y, 599);
	CHECK_EQ_U64(sh.event_count, 3);
	EVENT(&sh, 2, 2, FOMOS_EV_SCREEN, 800, 600, 0);
	/* Motion now stops at the new edges; a larger screen frees it again. */
	input_move(&in, 3, 50, 50);
	CHECK_EQ_U64(sh.pointer_x, 799);
	input_screen(&in, 4, 1920, 1080);
	input_move(&in, 5, 500, 0);
	CHECK_EQ_U64(sh.pointer_x, 1299);
	/* No screen at all: the pointer stays at 0 and nothing overflows. */
	input_screen(&in, 6, 0, 0xffffffffu);
	CHECK_EQ_U64(sh.pointer_x, 0);
	EVENT(&sh, sh.event_count - 1, 6, FOMOS_EV_SCREEN, 0, INT32_MAX, 0);
}

void
input_wheel_queues_its_clicks(void)
{
	static struct fomos_input sh;
	struct input in;

	input_init(&in, &sh, 640, 480);
	input_wheel(&in, 7, 1);
	input_wheel(&in, 8, -3);
	input_wheel(&in, 9, 0);
	CHECK_EQ_U64(sh.event_count, 2);
	EVENT(&sh, 0, 7, FOMOS_EV_WHEEL, FOMOS_AXIS_WHEEL, 1, 0);
	EVENT(&sh, 1, 8, FOMOS_EV_WHEEL, FOMOS_AXIS_WHEEL, -3, 0);
	CHECK_EQ_U64(sh.pointer_x, 320);
	CHECK_EQ_U64(sh.pointer_y, 240);
}
