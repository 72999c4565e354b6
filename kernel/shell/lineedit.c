#include "lib.h"
#include "lineedit.h"

void lineedit_reset(struct lineedit *le)
{
	le->len = 0;
	le->line[0] = 0;
	le->prev = 0;
}

int lineedit_feed(struct lineedit *le, uint8_t c, void (*echo)(const char *s, uint32_t n))
{
	int prev = le->prev;

	le->prev = c;
	if (prev == '\r' && c == '\n')
		return 0;	/* a terminal's CR LF is one Enter */
	if (c == '\r' || c == '\n') {
		echo("\n", 1);
		le->line[le->len] = 0;
		le->len = 0;
		return 1;
	}
	if (c == 0x7f || c == '\b') {
		if (le->len) {
			le->len--;
			echo("\b \b", 3);
		}
	} else if (c >= 0x20 && c < 0x7f && le->len < LINEEDIT_MAX - 1) {
		le->line[le->len++] = (char)c;
		echo((const char *)&c, 1);
	}
	le->line[le->len] = 0;
	return 0;
}
