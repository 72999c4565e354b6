#include "input.h"
#include "inputhub.h"
#include "keymap.h"
#include "serin.h"

#define INPUTHUB_ESC_WAIT_NS	50000000ull	/* 50 ms of silence after ESC: it was the key */

static struct {
	struct fomos_input shared;	/* what apps see */
	struct input input;
	struct keymap keymap;
	struct serin serin;
	uint64_t serial_last_ns;
} hub;

void inputhub_init(uint32_t screen_w, uint32_t screen_h, uint32_t layout)
{
	input_init(&hub.input, &hub.shared, screen_w ? screen_w : 1, screen_h ? screen_h : 1);
	keymap_init(&hub.keymap, layout);
	serin_init(&hub.serin);
}

const struct fomos_input *inputhub_shared(void)
{
	return &hub.shared;
}

void inputhub_set_focus(uint64_t pid)
{
	input_set_focus(&hub.input, pid);
}

void inputhub_renumber(uint64_t first)
{
	input_renumber(&hub.input, first);
}

int32_t inputhub_width(void) { return hub.input.width; }

void inputhub_screen(uint64_t time_ns, uint32_t width, uint32_t height)
{
	input_screen(&hub.input, time_ns, width, height);
}
int32_t inputhub_height(void) { return hub.input.height; }

void inputhub_key(uint64_t time_ns, uint32_t code, int32_t value)
{
	if (code >= FOMOS_BTN_LEFT && code <= FOMOS_BTN_MIDDLE) {
		input_button(&hub.input, time_ns, code, value);
		return;
	}
	input_key(&hub.input, time_ns, code, value, keymap_key(&hub.keymap, code, value));
}

void inputhub_move(uint64_t time_ns, int32_t dx, int32_t dy)
{
	input_move(&hub.input, time_ns, dx, dy);
}

void inputhub_warp(uint64_t time_ns, int32_t x, int32_t y)
{
	input_warp(&hub.input, time_ns, x, y);
}

void inputhub_wheel(uint64_t time_ns, int32_t clicks)
{
	input_wheel(&hub.input, time_ns, clicks);
}

/* The serial line types text, not key positions: its events carry the
 * codepoint the terminal sent, whatever the keyboard layout. */
static void inputhub_serial_emit(void *arg, uint32_t code, int32_t value, uint32_t codepoint)
{
	input_key(&hub.input, *(uint64_t *)arg, code, value, codepoint);
}

void inputhub_serial(uint64_t time_ns, uint8_t byte)
{
	hub.serial_last_ns = time_ns;
	serin_byte(&hub.serin, byte, inputhub_serial_emit, &time_ns);
}

void inputhub_serial_idle(uint64_t now_ns)
{
	serin_idle(&hub.serin, inputhub_serial_emit, &now_ns);
}

void inputhub_tick(uint64_t now_ns)
{
	/* now_ns may predate the last byte (read before the UART was polled). */
	if (!hub.serin.seq_len || now_ns < hub.serial_last_ns ||
	    now_ns - hub.serial_last_ns < INPUTHUB_ESC_WAIT_NS)
		return;
	inputhub_serial_idle(now_ns);
}

int inputhub_caps_lock(void)
{
	return hub.keymap.caps;
}
