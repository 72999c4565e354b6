/*
 * kernel/inputhub.c on Linux: the one struct fomos_input every app reads,
 * kept by kernel/input.c.  Window keys go through kernel/keymap.c (US, or
 * FR with --keymap fr) as a virtio keyboard's do; --type text goes through
 * kernel/serin.c as bytes on the serial line do, carrying the codepoint
 * typed whatever the layout.
 */
#include <stdint.h>
#include "host.h"
#include "input.h"
#include "keymap.h"
#include "serin.h"

static struct {
	struct fomos_input shared;	/* what apps see */
	struct input input;
	struct keymap keymap;
	struct serin serin;
} hub;

void host_input_init(uint32_t width, uint32_t height, uint32_t layout)
{
	input_init(&hub.input, &hub.shared, width ? width : 1, height ? height : 1);
	keymap_init(&hub.keymap, layout);
	serin_init(&hub.serin);
}

const struct fomos_input *host_input_shared(void)
{
	return &hub.shared;
}

void host_input_key(uint32_t code, int32_t value)
{
	uint64_t t = host_time_ns();

	if (code >= FOMOS_BTN_LEFT && code <= FOMOS_BTN_MIDDLE) {
		input_button(&hub.input, t, code, value);
		return;
	}
	input_key(&hub.input, t, code, value, keymap_key(&hub.keymap, code, value));
}

void host_input_focus(uint64_t pid)
{
	input_set_focus(&hub.input, pid);
}

void host_input_warp(int32_t x, int32_t y)
{
	input_warp(&hub.input, host_time_ns(), x, y);
}

void host_input_wheel(int32_t clicks)
{
	input_wheel(&hub.input, host_time_ns(), clicks);
}

static void host_input_serial_emit(void *arg, uint32_t code, int32_t value, uint32_t codepoint)
{
	input_key(&hub.input, *(uint64_t *)arg, code, value, codepoint);
}

void host_input_type(const char *bytes, uint64_t len)
{
	uint64_t t = host_time_ns(), i;

	for (i = 0; i < len; i++)
		serin_byte(&hub.serin, (uint8_t)bytes[i], host_input_serial_emit, &t);
	/* The text is all there: a lone ESC at its end is the Escape key. */
	serin_idle(&hub.serin, host_input_serial_emit, &t);
}
