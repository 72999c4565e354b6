/*
 * The screen and the input devices of fomos-host: one SDL2 window showing
 * the composed surfaces, whose keyboard and mouse become what a virtio
 * keyboard and tablet give the kernel.  Only this file sees SDL, and only
 * when there is a window: --headless never initialises it.
 *
 * SDL names keys by USB HID usage (its scancodes, the key's position, not
 * what the OS layout types); the kernel's input speaks evdev codes
 * (linux/input-event-codes.h, sdk/fomos.h's FOMOS_KEY_*), and kernel/input/keymap.c
 * turns those into text in the layout --keymap chose.  The pointer works as
 * a virtio tablet's does: absolute, in screen pixels.
 */
#include <SDL2/SDL.h>
#include "exec_plat.h"
#include "host.h"
#include "inputhub.h"

/* evdev codes fomos.h has no name for. */
enum {
	HOST_KEY_102ND = 86,		/* ISO: the key left of Z */
	HOST_KEY_F11 = 87, HOST_KEY_F12 = 88,
	HOST_KEY_KPENTER = 96,
	HOST_KEY_LEFTMETA = 125, HOST_KEY_RIGHTMETA = 126,
};

static const uint16_t host_window_keys[SDL_NUM_SCANCODES] = {
	[SDL_SCANCODE_A] = FOMOS_KEY_A, [SDL_SCANCODE_B] = FOMOS_KEY_B,
	[SDL_SCANCODE_C] = FOMOS_KEY_C, [SDL_SCANCODE_D] = FOMOS_KEY_D,
	[SDL_SCANCODE_E] = FOMOS_KEY_E, [SDL_SCANCODE_F] = FOMOS_KEY_F,
	[SDL_SCANCODE_G] = FOMOS_KEY_G, [SDL_SCANCODE_H] = FOMOS_KEY_H,
	[SDL_SCANCODE_I] = FOMOS_KEY_I, [SDL_SCANCODE_J] = FOMOS_KEY_J,
	[SDL_SCANCODE_K] = FOMOS_KEY_K, [SDL_SCANCODE_L] = FOMOS_KEY_L,
	[SDL_SCANCODE_M] = FOMOS_KEY_M, [SDL_SCANCODE_N] = FOMOS_KEY_N,
	[SDL_SCANCODE_O] = FOMOS_KEY_O, [SDL_SCANCODE_P] = FOMOS_KEY_P,
	[SDL_SCANCODE_Q] = FOMOS_KEY_Q, [SDL_SCANCODE_R] = FOMOS_KEY_R,
	[SDL_SCANCODE_S] = FOMOS_KEY_S, [SDL_SCANCODE_T] = FOMOS_KEY_T,
	[SDL_SCANCODE_U] = FOMOS_KEY_U, [SDL_SCANCODE_V] = FOMOS_KEY_V,
	[SDL_SCANCODE_W] = FOMOS_KEY_W, [SDL_SCANCODE_X] = FOMOS_KEY_X,
	[SDL_SCANCODE_Y] = FOMOS_KEY_Y, [SDL_SCANCODE_Z] = FOMOS_KEY_Z,
	[SDL_SCANCODE_1] = FOMOS_KEY_1, [SDL_SCANCODE_2] = FOMOS_KEY_2,
	[SDL_SCANCODE_3] = FOMOS_KEY_3, [SDL_SCANCODE_4] = FOMOS_KEY_4,
	[SDL_SCANCODE_5] = FOMOS_KEY_5, [SDL_SCANCODE_6] = FOMOS_KEY_6,
	[SDL_SCANCODE_7] = FOMOS_KEY_7, [SDL_SCANCODE_8] = FOMOS_KEY_8,
	[SDL_SCANCODE_9] = FOMOS_KEY_9, [SDL_SCANCODE_0] = FOMOS_KEY_0,
	[SDL_SCANCODE_MINUS] = FOMOS_KEY_MINUS, [SDL_SCANCODE_EQUALS] = FOMOS_KEY_EQUAL,
	[SDL_SCANCODE_LEFTBRACKET] = FOMOS_KEY_LEFTBRACE,
	[SDL_SCANCODE_RIGHTBRACKET] = FOMOS_KEY_RIGHTBRACE,
	[SDL_SCANCODE_BACKSLASH] = FOMOS_KEY_BACKSLASH,
	[SDL_SCANCODE_NONUSHASH] = FOMOS_KEY_BACKSLASH,	/* same key, ISO position */
	[SDL_SCANCODE_SEMICOLON] = FOMOS_KEY_SEMICOLON,
	[SDL_SCANCODE_APOSTROPHE] = FOMOS_KEY_APOSTROPHE,
	[SDL_SCANCODE_GRAVE] = FOMOS_KEY_GRAVE, [SDL_SCANCODE_COMMA] = FOMOS_KEY_COMMA,
	[SDL_SCANCODE_PERIOD] = FOMOS_KEY_DOT, [SDL_SCANCODE_SLASH] = FOMOS_KEY_SLASH,
	[SDL_SCANCODE_NONUSBACKSLASH] = HOST_KEY_102ND,
	[SDL_SCANCODE_SPACE] = FOMOS_KEY_SPACE, [SDL_SCANCODE_RETURN] = FOMOS_KEY_ENTER,
	[SDL_SCANCODE_KP_ENTER] = HOST_KEY_KPENTER,
	[SDL_SCANCODE_BACKSPACE] = FOMOS_KEY_BACKSPACE, [SDL_SCANCODE_TAB] = FOMOS_KEY_TAB,
	[SDL_SCANCODE_ESCAPE] = FOMOS_KEY_ESC, [SDL_SCANCODE_CAPSLOCK] = FOMOS_KEY_CAPSLOCK,
	[SDL_SCANCODE_LSHIFT] = FOMOS_KEY_LEFTSHIFT, [SDL_SCANCODE_RSHIFT] = FOMOS_KEY_RIGHTSHIFT,
	[SDL_SCANCODE_LCTRL] = FOMOS_KEY_LEFTCTRL, [SDL_SCANCODE_RCTRL] = FOMOS_KEY_RIGHTCTRL,
	[SDL_SCANCODE_LALT] = FOMOS_KEY_LEFTALT, [SDL_SCANCODE_RALT] = FOMOS_KEY_RIGHTALT,
	[SDL_SCANCODE_LGUI] = HOST_KEY_LEFTMETA, [SDL_SCANCODE_RGUI] = HOST_KEY_RIGHTMETA,
	[SDL_SCANCODE_UP] = FOMOS_KEY_UP, [SDL_SCANCODE_DOWN] = FOMOS_KEY_DOWN,
	[SDL_SCANCODE_LEFT] = FOMOS_KEY_LEFT, [SDL_SCANCODE_RIGHT] = FOMOS_KEY_RIGHT,
	[SDL_SCANCODE_HOME] = FOMOS_KEY_HOME, [SDL_SCANCODE_END] = FOMOS_KEY_END,
	[SDL_SCANCODE_PAGEUP] = FOMOS_KEY_PAGEUP, [SDL_SCANCODE_PAGEDOWN] = FOMOS_KEY_PAGEDOWN,
	[SDL_SCANCODE_INSERT] = FOMOS_KEY_INSERT, [SDL_SCANCODE_DELETE] = FOMOS_KEY_DELETE,
	[SDL_SCANCODE_F1] = FOMOS_KEY_F1, [SDL_SCANCODE_F2] = FOMOS_KEY_F2,
	[SDL_SCANCODE_F3] = FOMOS_KEY_F3, [SDL_SCANCODE_F4] = FOMOS_KEY_F4,
	[SDL_SCANCODE_F5] = FOMOS_KEY_F5, [SDL_SCANCODE_F6] = FOMOS_KEY_F6,
	[SDL_SCANCODE_F7] = FOMOS_KEY_F7, [SDL_SCANCODE_F8] = FOMOS_KEY_F8,
	[SDL_SCANCODE_F9] = FOMOS_KEY_F9, [SDL_SCANCODE_F10] = FOMOS_KEY_F10,
	[SDL_SCANCODE_F11] = HOST_KEY_F11, [SDL_SCANCODE_F12] = HOST_KEY_F12,
};

static struct {
	SDL_Window *window;
	SDL_Renderer *renderer;
	SDL_Texture *texture;
	uint32_t width, height;
	const uint32_t *frame;		/* the last one shown, shown again on expose */
} win;

int host_window_open(uint32_t width, uint32_t height)
{
	const char *driver;

	/* fomos-host handles Ctrl-C itself: SDL's handler would only queue a
	 * quit event, which an app that never returns never lets us see. */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	if (SDL_Init(SDL_INIT_VIDEO) < 0)
		goto fail;
	win.window = SDL_CreateWindow("fomos-host", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
	    (int)width, (int)height, SDL_WINDOW_RESIZABLE);
	if (!win.window)
		goto fail;
	win.renderer = SDL_CreateRenderer(win.window, -1, 0);
	if (!win.renderer)
		goto fail;
	/* The screen keeps its size whatever the window's; SDL scales the
	 * picture and gives mouse positions in screen pixels. */
	SDL_RenderSetLogicalSize(win.renderer, (int)width, (int)height);
	win.texture = SDL_CreateTexture(win.renderer, SDL_PIXELFORMAT_ARGB8888,
	    SDL_TEXTUREACCESS_STREAMING, (int)width, (int)height);
	if (!win.texture)
		goto fail;
	win.width = width;
	win.height = height;
	/* Without a display SDL falls back to drawing nowhere: say so, unless
	 * that is what SDL_VIDEODRIVER asked for. */
	driver = SDL_GetCurrentVideoDriver();
	if (!SDL_getenv("SDL_VIDEODRIVER") && driver &&
	    (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy")))
		fprintf(stderr, "fomos-host: no display: the window is not shown "
		    "(--headless runs without one)\n");
	return 0;
fail:
	fprintf(stderr, "fomos-host: no window: %s (--headless runs without one)\n", SDL_GetError());
	host_window_close();
	return -1;
}

static void host_window_event(const SDL_Event *e)
{
	static const uint32_t buttons[] = {
		[SDL_BUTTON_LEFT] = FOMOS_BTN_LEFT, [SDL_BUTTON_MIDDLE] = FOMOS_BTN_MIDDLE,
		[SDL_BUTTON_RIGHT] = FOMOS_BTN_RIGHT,
	};
	uint32_t code;

	switch (e->type) {
	case SDL_KEYDOWN:
	case SDL_KEYUP:
		code = host_window_keys[e->key.keysym.scancode];
		if (code)
			inputhub_key(plat_now_ns(), code, e->type == SDL_KEYUP ? 0 : e->key.repeat ? 2 : 1);
		break;
	case SDL_MOUSEMOTION:
		inputhub_warp(plat_now_ns(), e->motion.x, e->motion.y);
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		if (e->button.button < SDL_arraysize(buttons) && buttons[e->button.button])
			inputhub_key(plat_now_ns(), buttons[e->button.button], e->type == SDL_MOUSEBUTTONDOWN);
		break;
	case SDL_MOUSEWHEEL:
		/* Both count clicks away from the user as positive. */
		inputhub_wheel(plat_now_ns(), e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y);
		break;
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_EXPOSED && win.frame)
			host_window_show(win.frame);
		break;
	}
}

int host_window_poll(void)
{
	SDL_Event e;

	while (SDL_PollEvent(&e)) {
		if (e.type == SDL_QUIT)		/* the window closed */
			return 1;
		host_window_event(&e);
	}
	return 0;
}

void host_window_wait(uint64_t until)
{
	uint64_t now = plat_now_ns(), ms;

	if (until <= now)
		return;
	ms = (until - now + 999999) / 1000000;
	SDL_WaitEventTimeout(NULL, ms > 100 ? 100 : (int)ms);	/* Ctrl-C is seen between waits */
}

void host_window_show(const uint32_t *frame)
{
	win.frame = frame;
	SDL_UpdateTexture(win.texture, NULL, frame, (int)(win.width * 4));
	SDL_RenderClear(win.renderer);
	SDL_RenderCopy(win.renderer, win.texture, NULL, NULL);
	SDL_RenderPresent(win.renderer);
}

void host_window_close(void)
{
	if (win.texture)
		SDL_DestroyTexture(win.texture);
	if (win.renderer)
		SDL_DestroyRenderer(win.renderer);
	if (win.window)
		SDL_DestroyWindow(win.window);
	SDL_Quit();
	win.texture = NULL;
	win.renderer = NULL;
	win.window = NULL;
}
