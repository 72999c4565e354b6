/*
 * liar: built with `fomos-cc --name=console`, it calls itself the console.
 * It lists its folder and writes a file there: the kernel names an app's
 * folder after the file it was started from (/fomos/apps/liar.app ->
 * /fomos/data/liar/), so it sees none of the console's files and writes
 * none there.  A second liar started while the first runs gets no folder
 * at all (FOMOS_E_BUSY).
 */
#include <stdio.h>
#include <fomos.h>

struct liar {
	uint32_t step;
	struct fomos_file req;
	char list[512];
	char text[16];
};

static void said(struct fomos_ctx *ctx, const char *what, int64_t v, const char *text)
{
	char shown[128];
	uint32_t n = 0;

	(void)ctx;
	if (!text) {
		printf("liar: %s -> %ld", what, v);
		return;
	}
	for (; *text && n < sizeof(shown) - 1; text++)	/* a listing on one line */
		shown[n++] = *text == '\n' ? '|' : *text;
	shown[n] = 0;
	printf("liar: %s -> %ld '%s'", what, v, shown);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct liar *s = fomos_state(ctx, sizeof(*s));
	int32_t r;

	if (!s)
		return -1;
	switch (s->step) {
	case 0:
		r = fomos_file_start(ctx, &s->req, FOMOS_FILE_LIST, "", s->list, 0, sizeof(s->list));
		if (r < 0) {
			said(ctx, "list", r, 0);
			return 1000;	/* it stays, holding nothing */
		}
		s->step = 1;
		return 10;
	case 1:
		if (!fomos_file_done(&s->req))
			return 10;
		said(ctx, "list", s->req.status, s->list);
		s->text[0] = 'l';
		s->text[1] = 'i';
		s->text[2] = 'e';
		fomos_file_start(ctx, &s->req, FOMOS_FILE_REPLACE, "liar.txt", s->text, 0, 3);
		s->step = 2;
		return 10;
	case 2:
		if (!fomos_file_done(&s->req))
			return 10;
		said(ctx, "wrote liar.txt", s->req.status, 0);
		s->step = 3;
		return 1000;	/* stays running: it holds its folder */
	}
	return 1000;
}
