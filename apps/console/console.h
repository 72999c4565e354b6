/*
 * console: the desktop's terminal window.  One app in five files:
 *
 *   main.c   the window (placing, dragging, resizing, the frame), input, commands
 *   text.c   the text grid: output, scrollback, the line being edited, drawing
 *   edit.c   line editing, history, and the serial line's VT100 bytes
 *   svc.c    other apps' services: the clipboard (Ctrl-Shift-C/V), `notify`
 *
 * It writes with the C runtime's built-in font (sdk/libfomos, fomos_draw.h).
 *
 * Everything lives in one struct con, allocated from ctx->calloc at the
 * first call (the app stack is small; nothing big goes on it).
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <fomos.h>
#include <fomos_draw.h>

#define CON_COLS_MAX	240		/* cells a ring line holds */
#define CON_ROWS_MAX	120
#define CON_COLS_MIN	20
#define CON_ROWS_MIN	4
#define CON_LINES	1024		/* the ring: the screen plus >= 500 lines of scrollback */
#define CON_LINE_MAX	256		/* codepoints of one command line */
#define CON_HISTORY	32
#define CON_ANSWER_MAX	32768		/* one answer of ctx->system() */
#define CON_SERIAL_MAX	8192		/* serial text gathered during one call */
#define CON_OUT_LINE	1024		/* bytes of the last output line kept for copying */
#define CON_CLIP_MAX	4096		/* bytes to or from the clipboard at once */
/* Cells drawn in one call at most: a whole window of new text is drawn over
 * a few calls, so that no call comes near the kernel's budget (100 ms),
 * even on a slow emulated machine. */
#define CON_DRAW_MAX	600

/* Window geometry, in pixels: a 1-pixel border, a title bar one text line
 * high plus 4, and a margin around the cells. */
#define CON_BORDER	1
#define CON_PAD		4
#define CON_GRIP	12		/* the bottom-right square that resizes */
#define CON_TITLE_H(f)	((f)->height + 4)
#define CON_TEXT_X	(CON_BORDER + CON_PAD)			/* where cell (0, 0) is */
#define CON_TEXT_Y(f)	(CON_BORDER + CON_TITLE_H(f) + CON_PAD)

#define CON_BG		0xff14181eu
#define CON_FG		0xffc0c8d0u
#define CON_FG_INPUT	0xffffffffu
#define CON_CURSOR	0xffc0c8d0u
#define CON_BORDER_RGB	0xff5a6470u
#define CON_TITLE_ON	0xff2f6fb0u	/* focused */
#define CON_TITLE_OFF	0xff3a3f46u
#define CON_TEXT_ON	0xffffffffu
#define CON_TEXT_OFF	0xffa0a8b0u
#define CON_GRIP_RGB	0xff8898a8u

/* A cell of the ring: the glyph index, and LINE_INPUT for the prompt and
 * what was typed (drawn brighter).  Fonts have at most 0x7fff glyphs
 * (FOMOS_FONT_GLYPHS_MAX). */
#define LINE_INPUT	0x8000u
#define LINE_GLYPH	0x7fffu

/* A cell as drawn (shown[]): the glyph index, and attributes. */
#define CELL_GLYPH(c)	((c) & 0xffffu)
#define CELL_INPUT	(1u << 16)
#define CELL_CURSOR	(1u << 17)
#define CELL_FOCUS	(1u << 18)	/* the cursor of a focused window: a solid block */
#define CELL_NONE	0xffffffffu	/* shown[]: nothing drawn there yet */

/* Keys that edit the line, from the keyboard or from VT100 sequences. */
enum con_key {
	CK_ENTER = 1, CK_BACKSPACE, CK_DELETE, CK_LEFT, CK_RIGHT, CK_HOME, CK_END,
	CK_UP, CK_DOWN, CK_PAGEUP, CK_PAGEDOWN, CK_CANCEL,
};

/* What the left button is doing: moving or resizing the window, pressed
 * elsewhere, or just released after a move or resize. */
enum con_drag { DRAG_NONE, DRAG_MOVE, DRAG_RESIZE, DRAG_OTHER, DRAG_DONE };

struct con {
	int started;
	const struct fomos_font *font;	/* the runtime's built-in one */

	/* The window as placed (x..rows), and as the pointer wants it. */
	int32_t x, y;
	uint32_t cols, rows, width, height;
	int32_t want_x, want_y;
	uint32_t want_cols, want_rows;
	uint32_t focused;		/* as last drawn */
	int frame_dirty;		/* the border and title need drawing */
	int full_damage;		/* a new surface: damage everything once */

	/* The pointer: a drag in progress. */
	enum con_drag drag;
	int32_t grab_x, grab_y;		/* move: pointer - window; resize: pointer at the press */
	uint32_t grab_cols, grab_rows;
	uint64_t seen;			/* events of ctx->input consumed */

	/* The text: line n of the output is lines[n % CON_LINES]; total lines
	 * exist, the last one is being written at column col. */
	uint16_t lines[CON_LINES][CON_COLS_MAX];
	uint64_t total;
	uint32_t col;
	uint32_t scroll;		/* lines scrolled back from the bottom */
	uint64_t cursor_line;
	uint32_t cursor_col;
	int text_dirty;			/* compare the cells with shown[] */
	uint32_t shown[CON_ROWS_MAX * CON_COLS_MAX];	/* what the surface shows, row-major by cols */

	/* The command line being edited; it starts at the beginning of edit_line. */
	uint32_t buf[CON_LINE_MAX];
	uint32_t len, cur;
	uint64_t edit_line;
	uint32_t hist[CON_HISTORY][CON_LINE_MAX];
	uint32_t hist_len[CON_HISTORY];
	uint32_t hist_count, hist_pos;	/* entries ever added; the one shown (count: the draft) */
	uint32_t draft[CON_LINE_MAX];
	uint32_t draft_len;

	/* The serial line's decoder. */
	int vt_state;
	uint32_t vt_param, vt_params;
	uint32_t utf_cp, utf_left;
	int prev_cr;

	/* The output's last line, as UTF-8, which Ctrl-Shift-C copies when the
	 * command line is empty (text.c): the line being written and the last
	 * non-empty one finished.  Notes of the console's own (^C, "copied")
	 * are written with out_note set and do not count. */
	char out_line[CON_OUT_LINE], out_last[CON_OUT_LINE];
	uint32_t out_line_len, out_last_len;
	int out_note;

	/* Other apps' services (svc.c): handles, 0 until looked up. */
	int32_t clip_handle, notify_handle;
	char clip[CON_CLIP_MAX];	/* text going to or coming from the clipboard */
	uint32_t paste[CON_LINE_MAX];	/* what of it goes into the line */

	char serial[CON_SERIAL_MAX];	/* to ctx->term_write at the end of the call */
	uint32_t serial_len;
	char command[CON_LINE_MAX * 4 + 1];
	char answer[CON_ANSWER_MAX];
};

/* text.c */
void text_init(struct con *c);
void text_write(struct fomos_ctx *ctx, struct con *c, const char *s, uint32_t n);
void text_puts(struct fomos_ctx *ctx, struct con *c, const char *s);
void text_note(struct fomos_ctx *ctx, struct con *c, const char *s);
void text_printf(struct fomos_ctx *ctx, struct con *c, const char *fmt, ...) FOMOS_PRINTF(3, 4);
void text_clear(struct fomos_ctx *ctx, struct con *c);
void text_edit_show(struct con *c);
void text_scroll(struct con *c, int32_t lines);
void text_draw(struct fomos_ctx *ctx, struct con *c);
void text_invalidate(struct con *c);
void serial_put(struct fomos_ctx *ctx, struct con *c, const char *s, uint32_t n);
void serial_flush(struct fomos_ctx *ctx, struct con *c);

/* edit.c */
void edit_prompt(struct fomos_ctx *ctx, struct con *c);
void edit_char(struct fomos_ctx *ctx, struct con *c, uint32_t cp);
uint32_t edit_insert(struct fomos_ctx *ctx, struct con *c, const uint32_t *cps, uint32_t n);
void edit_note(struct fomos_ctx *ctx, struct con *c, const char *msg);
void edit_key(struct fomos_ctx *ctx, struct con *c, enum con_key key);
void edit_serial(struct fomos_ctx *ctx, struct con *c, uint8_t b);
uint32_t utf8_put(char *out, uint32_t cp);

/* svc.c */
void svc_copy(struct fomos_ctx *ctx, struct con *c);
void svc_paste(struct fomos_ctx *ctx, struct con *c);
void svc_notify(struct fomos_ctx *ctx, struct con *c, const char *text, uint32_t len);

/* main.c */
void con_run(struct fomos_ctx *ctx, struct con *c, const char *line, uint32_t len);

#endif
