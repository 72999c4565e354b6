/*
 * background: the desktop's wallpaper.  A window at (0,0) the size of the
 * screen, below every other window, never focused, opaque.  It decodes the
 * picture once (PNG or JPEG, see decode.c), scales it to cover the screen
 * (aspect kept, centred, the overflow cropped; bilinear), draws it a slice
 * per call so that no call runs long, then tells the compositor once and
 * sleeps.  It wakes once a second only to see whether the screen changed
 * size, and draws again if it did.
 *
 * Which picture: the one built into the app (wallpaper.S, made by
 * make_wallpaper.py), unless the kernel speaks context version 3 and the
 * app's folder on the boot disk, /fomos/data/background/, holds
 * wallpaper.png or wallpaper.jpg.  A picture that does not decode gets one
 * log line and a plain gradient instead.
 */
#include <fomos.h>
#include <stdio.h>

#include "decode.h"

/* The built-in picture's bytes, from wallpaper.S. */
extern const uint8_t bg_wallpaper[] __attribute__((visibility("hidden")));
extern const uint8_t bg_wallpaper_end[] __attribute__((visibility("hidden")));

#define BG_FLAGS		(FOMOS_WIN_BOTTOM | FOMOS_WIN_NOFOCUS)
#define BG_IDLE_MS		1000		/* how often we look at the screen's size */
#define BG_FILE_MAX		(32u << 20)	/* a wallpaper file bigger is refused */
/* Pixels scaled per call: about 10 ms of work under QEMU's emulation, far
 * less on hardware; a 1280x800 screen takes 8 calls. */
#define BG_PIXELS_PER_CALL	(1u << 17)

static const char *const bg_files[] = { "wallpaper.png", "wallpaper.jpg" };
#define BG_NFILES (sizeof(bg_files) / sizeof(bg_files[0]))

enum bg_state {
	BG_START,	/* first call */
	BG_FILE_SIZE,	/* asked for the size of bg_files[file] */
	BG_FILE_READ,	/* reading it into ->data */
	BG_DECODE,	/* ->data (or the built-in picture) to ->src */
	BG_SCALE,	/* ->src onto the surface, ->row onward */
	BG_IDLE,	/* drawn; watching the screen's size */
};

struct bg {
	enum bg_state state;
	uint32_t file;			/* index in bg_files */
	struct fomos_file req;		/* the kernel's until req.status is set */
	uint8_t *data;			/* a wallpaper file's bytes, or NULL */
	uint64_t len;
	const char *name;		/* what we draw, for the log */
	uint32_t *src;			/* the decoded picture, 0xFFRRGGBB */
	uint32_t sw, sh;
	uint32_t w, h;			/* the surface we draw on */
	uint32_t row;			/* the next row to draw */
	uint32_t *cols;			/* per screen column: source x << 8 | weight */
	int64_t ystep, yoff;		/* 16.16 source rows per screen row, and start */
	uint64_t t_decode, t_scale;	/* ctx->time_ns when decoding, scaling began */
	uint32_t decode_ms;
};

/* --- where the picture comes from ---------------------------------------------- */

/* Said once: the kernel has no disk for our folder, so no wallpaper file
 * can be there (tests look for this line to know). */
static void bg_no_disk(struct fomos_ctx *ctx)
{
	fomos_log(ctx, "background: no disk for /fomos/data/background: the built-in wallpaper");
}

/* Asks for the size of the next wallpaper file, or falls back to the
 * built-in picture when there is none (or no file service at all). */
static void bg_next_file(struct fomos_ctx *ctx, struct bg *bg)
{
	int32_t r;

	while (ctx->version >= 3 && bg->file < BG_NFILES) {
		r = fomos_file_start(ctx, &bg->req, FOMOS_FILE_SIZE, bg_files[bg->file],
		    NULL, 0, 0);
		if (r == 0) {
			bg->state = BG_FILE_SIZE;
			return;
		}
		if (r == FOMOS_E_NODISK) {
			bg_no_disk(ctx);
			break;
		}
		bg->file++;
	}
	bg->name = "built-in wallpaper";
	bg->state = BG_DECODE;
}

static void bg_file_failed(struct fomos_ctx *ctx, struct bg *bg, const char *why)
{
	printf("background: %s: %s", bg_files[bg->file], why);
	ctx->free(bg->data);
	bg->data = NULL;
	bg->file++;
	bg_next_file(ctx, bg);
}

/* Moves the file requests along; returns the yield while one is pending. */
static int bg_files_step(struct fomos_ctx *ctx, struct bg *bg)
{
	if (!fomos_file_done(&bg->req))
		return 5;
	if (bg->state == BG_FILE_SIZE) {
		if (bg->req.status == FOMOS_E_NODISK) {
			bg_no_disk(ctx);
			bg->file = BG_NFILES;
			bg_next_file(ctx, bg);
		} else if (bg->req.status == FOMOS_E_NOTFOUND) {
			bg->file++;		/* not there: nothing to say */
			bg_next_file(ctx, bg);
		} else if (bg->req.status != 0) {
			bg_file_failed(ctx, bg, "cannot read its size");
		} else if (bg->req.done == 0 || bg->req.done > BG_FILE_MAX) {
			bg_file_failed(ctx, bg, "empty or over 32 MiB");
		} else if (!(bg->data = ctx->calloc(1, bg->req.done))) {
			bg_file_failed(ctx, bg, "out of memory");
		} else {
			bg->len = bg->req.done;
			if (fomos_file_start(ctx, &bg->req, FOMOS_FILE_READ, bg_files[bg->file],
			    bg->data, 0, bg->len) != 0)
				bg_file_failed(ctx, bg, "cannot read it");
			else
				bg->state = BG_FILE_READ;
		}
		return 0;
	}
	if (bg->req.status != 0 || bg->req.done != bg->len) {
		bg_file_failed(ctx, bg, "cannot read it");
		return 0;
	}
	bg->name = bg_files[bg->file];
	bg->state = BG_DECODE;
	return 0;
}

/* The picture when the file does not decode: a plain vertical gradient,
 * two rows that the scaler blends into each other. */
static int bg_gradient(struct fomos_ctx *ctx, struct bg *bg)
{
	bg->src = ctx->calloc(4, sizeof(uint32_t));
	if (!bg->src)
		return -1;
	bg->src[0] = bg->src[1] = 0xff283c64;
	bg->src[2] = bg->src[3] = 0xff785a78;
	bg->sw = bg->sh = 2;
	bg->name = "gradient";
	return 0;
}

static int bg_decode_step(struct fomos_ctx *ctx, struct bg *bg)
{
	const uint8_t *bytes = bg->data ? bg->data : bg_wallpaper;
	uint64_t len = bg->data ? bg->len : (uint64_t)(bg_wallpaper_end - bg_wallpaper);
	const char *why = "";

	bg->t_decode = ctx->time_ns;
	bg->src = bg_decode(bytes, len, &bg->sw, &bg->sh, &why);
	ctx->free(bg->data);
	bg->data = NULL;
	if (!bg->src) {
		printf("background: cannot decode the %s (%s): drawing a gradient instead", bg->name,
		    why ? why : "unknown reason");
		if (bg_gradient(ctx, bg) < 0)
			return -1;
	}
	bg->state = BG_SCALE;
	bg->w = bg->h = 0;	/* no surface of the right size yet */
	return 0;
}

/* --- scaling --------------------------------------------------------------------- */

/* 16.16 source position of the centre of screen pixel 0, and the step per
 * screen pixel, along one axis: the source's middle lands on the screen's
 * middle, and what overflows is cropped equally at both ends. */
static void bg_axis(uint32_t src, uint32_t dst, int64_t step, int64_t *start)
{
	int64_t off = (((int64_t)src << 16) - (int64_t)dst * step) / 2;

	*start = step / 2 - 32768 + off;
}

/* A source coordinate, clamped to the picture: its whole part and a 0..255
 * weight for the next row or column. */
static uint32_t bg_sample(int64_t pos, uint32_t src)
{
	int64_t max = ((int64_t)src - 1) << 16;

	if (pos < 0)
		pos = 0;
	if (pos > max)
		pos = max;
	return (uint32_t)(pos >> 16) << 8 | (uint32_t)(pos >> 8 & 255);
}

/* Sets up a w x h surface at (0,0) and the tables that map it to the
 * picture.  Cover: the scale is the larger of the two ratios. */
static int bg_layout(struct fomos_ctx *ctx, struct bg *bg, uint32_t w, uint32_t h)
{
	int64_t step, xstart;
	uint32_t x;

	if (ctx->window(0, 0, w, h, BG_FLAGS) != 0)
		return -1;
	ctx->free(bg->cols);
	bg->cols = ctx->calloc(w, sizeof(uint32_t));
	if (!bg->cols)
		return -1;
	if ((uint64_t)w * bg->sh >= (uint64_t)h * bg->sw)
		step = ((int64_t)bg->sw << 16) / w;	/* the width fills the screen */
	else
		step = ((int64_t)bg->sh << 16) / h;	/* the height does */
	bg_axis(bg->sw, w, step, &xstart);
	for (x = 0; x < w; x++)
		bg->cols[x] = bg_sample(xstart + (int64_t)x * step, bg->sw);
	bg_axis(bg->sh, h, step, &bg->yoff);
	bg->ystep = step;
	bg->w = w;
	bg->h = h;
	bg->row = 0;
	return 0;
}

/* p + (q - p) * f / 256 on each byte, two bytes at a time: lanes of 16 bits
 * hold a byte times a weight of at most 256 without carrying into the next. */
static inline uint32_t bg_lerp(uint32_t p, uint32_t q, uint32_t f)
{
	uint32_t g = 256 - f;
	uint32_t rb = ((p & 0xff00ff) * g + (q & 0xff00ff) * f) >> 8 & 0xff00ff;
	uint32_t ag = ((p >> 8 & 0xff00ff) * g + (q >> 8 & 0xff00ff) * f) & 0xff00ff00;

	return rb | ag;
}

static void bg_scale_row(struct bg *bg, uint32_t *out, uint32_t y)
{
	uint32_t s = bg_sample(bg->yoff + (int64_t)y * bg->ystep, bg->sh);
	uint32_t sy = s >> 8, fy = s & 255;
	const uint32_t *r0 = bg->src + (uint64_t)sy * bg->sw;
	const uint32_t *r1 = sy + 1 < bg->sh ? r0 + bg->sw : r0;
	uint32_t x;

	for (x = 0; x < bg->w; x++) {
		uint32_t sx = bg->cols[x] >> 8, fx = bg->cols[x] & 255;
		uint32_t sx1 = sx + 1 < bg->sw ? sx + 1 : sx;
		uint32_t top = bg_lerp(r0[sx], r0[sx1], fx);
		uint32_t bottom = bg_lerp(r1[sx], r1[sx1], fx);

		out[x] = bg_lerp(top, bottom, fy) | 0xff000000u;
	}
}

static int bg_scale_step(struct fomos_ctx *ctx, struct bg *bg)
{
	uint32_t w = ctx->screen_width, h = ctx->screen_height, rows, end;

	if (bg->w != w || bg->h != h) {
		if (bg->t_decode) {
			/* The decode is one call: it ended when this one began. */
			bg->decode_ms = (uint32_t)((ctx->time_ns - bg->t_decode) / 1000000);
			bg->t_decode = 0;
		}
		bg->t_scale = ctx->time_ns;
		if (bg_layout(ctx, bg, w, h) < 0) {
			fomos_log(ctx, "background: no memory for a surface the size of the screen");
			return -1;
		}
		/* From now on the compositor takes our word for what changed:
		 * nothing until the whole picture is there. */
		ctx->damage(0, 0, 0, 0);
	}
	rows = BG_PIXELS_PER_CALL / w ? BG_PIXELS_PER_CALL / w : 1;
	end = bg->row + rows < h ? bg->row + rows : h;
	for (; bg->row < end; bg->row++)
		bg_scale_row(bg, ctx->fb.pixels + (uint64_t)bg->row * ctx->fb.stride, bg->row);
	if (bg->row < h)
		return 0;
	/* Every pixel is opaque now: the compositor may copy instead of blend. */
	ctx->window(0, 0, w, h, BG_FLAGS | FOMOS_WIN_OPAQUE);
	ctx->damage(0, 0, w, h);
	printf("background: %s %ux%u drawn on the %ux%u screen (decoded in %u ms, scaled in %u ms)",
	    bg->name, bg->sw, bg->sh, w, h, bg->decode_ms,
	    (uint32_t)((ctx->time_ns - bg->t_scale) / 1000000));
	bg->state = BG_IDLE;
	return BG_IDLE_MS;
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct bg *bg;

	if (ctx->version < 2 || !ctx->fb.pixels) {
		fomos_log(ctx, "background: needs windows (context v2) and a surface");
		return -1;
	}
	bg = fomos_state(ctx, sizeof(*bg));
	if (!bg)
		return -1;
	switch (bg->state) {
	case BG_START:
		bg_next_file(ctx, bg);
		return 0;
	case BG_FILE_SIZE:
	case BG_FILE_READ:
		return bg_files_step(ctx, bg);
	case BG_DECODE:
		return bg_decode_step(ctx, bg);
	case BG_SCALE:
		return bg_scale_step(ctx, bg);
	case BG_IDLE:
		if (ctx->screen_width != bg->w || ctx->screen_height != bg->h)
			bg->state = BG_SCALE;
		return bg->state == BG_IDLE ? BG_IDLE_MS : 0;
	}
	return -1;
}
