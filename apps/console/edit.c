/*
 * The command line: editing, history, and the serial line as a second
 * keyboard and screen.
 *
 * Keys arrive two ways: key events for this app (main.c turns them into
 * edit_key/edit_char) and raw bytes from the serial line (edit_serial
 * decodes VT100: CR or LF, DEL or BS, ESC [ A/B/C/D/H/F, ESC [ n ~, and
 * ESC O x as some terminals send them).  Both edit the same line.
 *
 * The serial copy stays line-oriented: typing at the end of the line echoes
 * the character; any other edit rewrites the line ("\r> text", erase to the
 * end, cursor back with ESC [ n D).  A finished command is followed by its
 * answer, each line ending in CR LF, then the next "> ".
 */
#include "console.h"

uint32_t utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static void serial_cp(struct fomos_ctx *ctx, struct con *c, uint32_t cp)
{
	char b[4];

	serial_put(ctx, c, b, utf8_put(b, cp));
}

static void serial_str(struct fomos_ctx *ctx, struct con *c, const char *s)
{
	serial_put(ctx, c, s, (uint32_t)strlen(s));
}

/* Rewrites the serial copy of the line and puts its cursor back. */
static void serial_line(struct fomos_ctx *ctx, struct con *c)
{
	uint32_t i, back = c->len - c->cur;
	char num[16];

	serial_str(ctx, c, "\r> ");
	for (i = 0; i < c->len; i++)
		serial_cp(ctx, c, c->buf[i]);
	serial_str(ctx, c, "\x1b[K");
	if (!back)
		return;
	snprintf(num, sizeof(num), "\x1b[%uD", back);
	serial_str(ctx, c, num);
}

void edit_prompt(struct fomos_ctx *ctx, struct con *c)
{
	if (c->col)
		text_write(ctx, c, "\n", 1);
	c->len = c->cur = 0;
	c->hist_pos = c->hist_count;
	c->edit_line = c->total - 1;
	serial_str(ctx, c, "> ");
	text_edit_show(c);
}

/* Inserts cps[0..n) at the cursor, as much as the line has room for (the
 * rest is dropped); returns how many went in. */
uint32_t edit_insert(struct fomos_ctx *ctx, struct con *c, const uint32_t *cps, uint32_t n)
{
	uint32_t room = CON_LINE_MAX - 1 - c->len, i;

	n = n < room ? n : room;
	if (!n)
		return 0;
	for (i = c->len; i > c->cur; i--)
		c->buf[i - 1 + n] = c->buf[i - 1];
	memcpy(c->buf + c->cur, cps, n * sizeof(*cps));
	c->cur += n;
	c->len += n;
	if (c->cur == c->len)
		for (i = 0; i < n; i++)
			serial_cp(ctx, c, cps[i]);
	else
		serial_line(ctx, c);
	c->scroll = 0;
	text_edit_show(c);
	return n;
}

void edit_char(struct fomos_ctx *ctx, struct con *c, uint32_t cp)
{
	edit_insert(ctx, c, &cp, 1);
}

static void load(struct con *c, const uint32_t *line, uint32_t len)
{
	memcpy(c->buf, line, len * sizeof(*line));
	c->len = c->cur = len;
}

static void history_add(struct con *c)
{
	uint32_t last = (c->hist_count - 1) % CON_HISTORY;

	if (!c->len || (c->hist_count && c->hist_len[last] == c->len &&
	    !memcmp(c->hist[last], c->buf, c->len * sizeof(*c->buf))))
		return;
	memcpy(c->hist[c->hist_count % CON_HISTORY], c->buf, c->len * sizeof(*c->buf));
	c->hist_len[c->hist_count % CON_HISTORY] = c->len;
	c->hist_count++;
}

static void history_move(struct con *c, int up)
{
	uint32_t oldest = c->hist_count > CON_HISTORY ? c->hist_count - CON_HISTORY : 0;

	if (up && c->hist_pos > oldest) {
		if (c->hist_pos == c->hist_count) {
			memcpy(c->draft, c->buf, c->len * sizeof(*c->buf));
			c->draft_len = c->len;
		}
		c->hist_pos--;
	} else if (!up && c->hist_pos < c->hist_count) {
		c->hist_pos++;
	} else {
		return;
	}
	if (c->hist_pos == c->hist_count)
		load(c, c->draft, c->draft_len);
	else
		load(c, c->hist[c->hist_pos % CON_HISTORY], c->hist_len[c->hist_pos % CON_HISTORY]);
}

/* The line is done with: output continues right after its last character. */
static void finish(struct fomos_ctx *ctx, struct con *c)
{
	if (c->cur != c->len) {
		c->cur = c->len;
		serial_line(ctx, c);
	}
	text_edit_show(c);
	c->total = c->edit_line + (1 + c->len) / c->cols + 1;
	c->col = (2 + c->len) - (uint32_t)(c->total - 1 - c->edit_line) * c->cols;
	c->cursor_line = (uint64_t)-1;
}

/* A word of the console's own (msg ends in a newline) under the line
 * being edited, which then carries on below it as it was. */
void edit_note(struct fomos_ctx *ctx, struct con *c, const char *msg)
{
	uint32_t len = c->len, cur = c->cur;

	c->scroll = 0;
	finish(ctx, c);
	text_note(ctx, c, "\n");
	text_note(ctx, c, msg);
	edit_prompt(ctx, c);
	c->len = len;
	c->cur = cur;
	if (len)
		serial_line(ctx, c);
	text_edit_show(c);
}

/* Enter: the line becomes a command and its answer follows it. */
static void enter(struct fomos_ctx *ctx, struct con *c)
{
	uint32_t i, n = 0;

	finish(ctx, c);
	text_write(ctx, c, "\n", 1);
	for (i = 0; i < c->len; i++)
		n += utf8_put(c->command + n, c->buf[i]);
	c->command[n] = 0;
	history_add(c);
	con_run(ctx, c, c->command, n);
	edit_prompt(ctx, c);
}

static void delete_at(struct con *c, uint32_t at)
{
	uint32_t i;

	for (i = at; i + 1 < c->len; i++)
		c->buf[i] = c->buf[i + 1];
	c->len--;
}

void edit_key(struct fomos_ctx *ctx, struct con *c, enum con_key key)
{
	switch (key) {
	case CK_ENTER:
		c->scroll = 0;
		enter(ctx, c);
		return;
	case CK_CANCEL:
		c->scroll = 0;
		finish(ctx, c);
		text_note(ctx, c, "^C\n");
		edit_prompt(ctx, c);
		return;
	case CK_PAGEUP:
	case CK_PAGEDOWN:
		text_scroll(c, (int32_t)(c->rows - 1) * (key == CK_PAGEUP ? 1 : -1));
		return;		/* looking back is not editing: the view stays */
	case CK_BACKSPACE:
		if (!c->cur)
			break;
		delete_at(c, --c->cur);
		if (c->cur == c->len)
			serial_str(ctx, c, "\b \b");
		else
			serial_line(ctx, c);
		break;
	case CK_DELETE:
		if (c->cur == c->len)
			break;
		delete_at(c, c->cur);
		serial_line(ctx, c);
		break;
	case CK_LEFT:
		if (!c->cur)
			break;
		c->cur--;
		serial_str(ctx, c, "\b");
		break;
	case CK_RIGHT:
		if (c->cur == c->len)
			break;
		serial_cp(ctx, c, c->buf[c->cur++]);
		break;
	case CK_HOME:
	case CK_END:
		c->cur = key == CK_HOME ? 0 : c->len;
		serial_line(ctx, c);
		break;
	case CK_UP:
	case CK_DOWN:
		history_move(c, key == CK_UP);
		serial_line(ctx, c);
		break;
	}
	c->scroll = 0;
	text_edit_show(c);
}

static void csi_final(struct fomos_ctx *ctx, struct con *c, uint8_t b)
{
	static const enum con_key tilde[] = {
		[1] = CK_HOME, [3] = CK_DELETE, [4] = CK_END, [5] = CK_PAGEUP,
		[6] = CK_PAGEDOWN, [7] = CK_HOME, [8] = CK_END,
	};

	switch (b) {
	case 'A': edit_key(ctx, c, CK_UP); break;
	case 'B': edit_key(ctx, c, CK_DOWN); break;
	case 'C': edit_key(ctx, c, CK_RIGHT); break;
	case 'D': edit_key(ctx, c, CK_LEFT); break;
	case 'H': edit_key(ctx, c, CK_HOME); break;
	case 'F': edit_key(ctx, c, CK_END); break;
	case '~':
		if (c->vt_param < sizeof(tilde) / sizeof(tilde[0]) && tilde[c->vt_param])
			edit_key(ctx, c, tilde[c->vt_param]);
		break;
	}
}

enum { VT_TEXT, VT_ESC, VT_CSI, VT_SS3 };

/* One byte from the serial line. */
void edit_serial(struct fomos_ctx *ctx, struct con *c, uint8_t b)
{
	int after_cr = c->prev_cr;

	c->prev_cr = b == '\r';
	if (c->vt_state == VT_ESC) {
		c->vt_state = b == '[' ? VT_CSI : b == 'O' ? VT_SS3 : VT_TEXT;
		c->vt_param = c->vt_params = 0;
		return;
	}
	if (c->vt_state == VT_CSI) {
		if (b >= '0' && b <= '9' && !c->vt_params && c->vt_param < 1000)
			c->vt_param = c->vt_param * 10 + (b - '0');
		else if (b == ';')
			c->vt_params++;		/* modifiers (ESC [ 1 ; 5 C) are ignored */
		else if (b >= 0x40 && b <= 0x7e) {
			c->vt_state = VT_TEXT;
			csi_final(ctx, c, b);
		}
		return;
	}
	if (c->vt_state == VT_SS3) {
		c->vt_state = VT_TEXT;
		c->vt_param = 0;
		csi_final(ctx, c, b);
		return;
	}
	if (c->utf_left) {
		if ((b & 0xc0) == 0x80) {
			c->utf_cp = c->utf_cp << 6 | (b & 0x3f);
			if (!--c->utf_left && c->utf_cp >= 0x80)
				edit_char(ctx, c, c->utf_cp);
			return;
		}
		c->utf_left = 0;	/* a broken character: drop it, read b afresh */
	}
	if (b == 0x1b)
		c->vt_state = VT_ESC;
	else if (b == '\r' || (b == '\n' && !after_cr))
		edit_key(ctx, c, CK_ENTER);
	else if (b == 0x7f || b == '\b')
		edit_key(ctx, c, CK_BACKSPACE);
	else if (b == 0x03)
		edit_key(ctx, c, CK_CANCEL);
	else if (b >= 0x20 && b < 0x7f)
		edit_char(ctx, c, b);
	else if (b >= 0xc2 && b < 0xf5) {
		c->utf_left = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
		c->utf_cp = b & (b < 0xe0 ? 0x1f : b < 0xf0 ? 0x0f : 0x07);
	}
}
