/*
 * The shell's portable parts (kernel/shell/commands.c, lineedit.c) and the
 * serial line's terminal (kernel/input/term.c), as the kernel and
 * fomos-host run them; the executor under them is the real core over the
 * unit tests' platform (fake_plat.c).
 */
#include <stdio.h>
#include <string.h>
#include "cmd.h"
#include "exec.h"
#include "fake_plat.h"
#include "lineedit.h"
#include "term.h"
#include "unit.h"

static char answer[8192];

static int64_t ask(const char *line)
{
	char copy[128];	/* the handler works on the executor's copy of the line */

	snprintf(copy, sizeof(copy), "%s", line);
	memset(answer, 0, sizeof(answer));
	return cmd_system(copy, answer, sizeof(answer), 0, 1);
}

static int app_idle(struct fomos_ctx *ctx)
{
	(void)ctx;
	return 100;
}

void
shell_help_lists_the_common_commands_then_the_platforms(void)
{
	fake_reset(0);
	CHECK(ask("help") > 0);
	for (const char *w = "help ps run kill log hello"; *w; ) {
		char word[16], line[32];
		int n = 0;

		while (*w == ' ')
			w++;
		while (*w && *w != ' ')
			word[n++] = *w++;
		word[n] = 0;
		snprintf(line, sizeof(line), "  %-10s ", word);
		if (!strstr(answer, line))
			unit_fail(__FILE__, __LINE__, "help lacks %s:\n%s", word, answer);
	}
	CHECK(strstr(answer, "  ps ") < strstr(answer, "  hello "));
	CHECK_EQ_U64(ask("hello  world"), strlen("hello 'world'\n"));
	CHECK_STR(answer, "hello 'world'\n");
	fake_done();
}

void
shell_unknown_commands_and_bad_arguments_get_one_line(void)
{
	fake_reset(0);
	CHECK_EQ_U64(ask("frobnicate now"), (uint64_t)-1);
	CHECK_STR(answer, "unknown command 'frobnicate' (try 'help')\n");
	CHECK(ask("kill") >= 0);
	CHECK_STR(answer, "usage: kill PID\n");
	CHECK(ask("kill 12x") >= 0);
	CHECK_STR(answer, "usage: kill PID\n");
	CHECK(ask("kill 999") >= 0);
	CHECK_STR(answer, "kill: no running app with pid 999\n");
	CHECK(ask("run") >= 0);
	CHECK(!strncmp(answer, "usage: run NAME", 15));
	CHECK(ask("run nosuch") >= 0);
	CHECK_STR(answer, "run: nosuch: no such app (/fomos/apps/nosuch.app not found)\n");
	CHECK(ask("run idle bogus") >= 0);
	CHECK(!strncmp(answer, "run: unknown option 'bogus'", 27));
	CHECK(ask("") == 0 && answer[0] == 0);
	fake_done();
}

void
shell_run_ps_and_kill_manage_apps(void)
{
	char want[64];
	int64_t pid;

	fake_reset(0);
	fake_app("idle", "idle", app_idle, NULL);
	CHECK(ask("run idle quota=1M") > 0);
	CHECK(sscanf(answer, "started idle as pid %lld", (long long *)&pid) == 1);
	fake_round();
	CHECK(ask("ps") > 0);
	CHECK(!strncmp(answer, "   PID NAME             STATE         CALLS     CPU ms   MEM KiB  SERVICES / WHY IT ENDED\n", 90));
	snprintf(want, sizeof(want), "%6lld idle             running           1", (long long)pid);
	CHECK(strstr(answer, want) != NULL);
	snprintf(want, sizeof(want), "kill %lld", (long long)pid);
	CHECK(ask(want) == 0);
	CHECK(ask("ps") > 0);
	snprintf(want, sizeof(want), "%6lld idle             ended", (long long)pid);
	CHECK(strstr(answer, want) != NULL && strstr(answer, "0  killed\n") != NULL);
	fake_done();
}

void
shell_log_shows_the_latest_log(void)
{
	fake_reset(0);
	fake_app("idle", "idle", app_idle, NULL);
	CHECK(fake_start("idle", NULL) > 0);
	CHECK(ask("log") > 0);
	CHECK(strstr(answer, "exec: started idle as pid") != NULL);
	fake_done();
}

/* What the terminal shows while a line is typed. */
static char echoed[256];
static size_t echoed_len;

static void echo(const char *s, uint32_t n)
{
	memcpy(echoed + echoed_len, s, n);
	echoed_len += n;
	echoed[echoed_len] = 0;
}

static int feed(struct lineedit *le, const char *bytes)
{
	int lines = 0;

	while (*bytes)
		lines += lineedit_feed(le, (uint8_t)*bytes++, echo);
	return lines;
}

void
lineedit_edits_a_line_and_crlf_is_one_enter(void)
{
	struct lineedit le;

	lineedit_reset(&le);
	echoed_len = 0;
	CHECK_EQ_U64(feed(&le, "pz\x7fs"), 0);
	CHECK_STR(le.line, "ps");
	CHECK_STR(echoed, "pz\b \bs");
	CHECK_EQ_U64(feed(&le, "\r"), 1);
	CHECK_STR(le.line, "ps");
	CHECK_EQ_U64(feed(&le, "\n"), 0);	/* the LF of CR LF: no second Enter */
	CHECK_EQ_U64(feed(&le, "\b\bmem\n"), 1);	/* rubbing out nothing does nothing */
	CHECK_STR(le.line, "mem");
	CHECK_EQ_U64(feed(&le, "\n"), 1);	/* a lone LF after LF: an empty line */
	CHECK_STR(le.line, "");
	/* Control bytes are dropped; the line stops growing at its size. */
	echoed_len = 0;
	CHECK_EQ_U64(feed(&le, "a\x01\x1b" "b"), 0);
	CHECK_STR(le.line, "ab");
	for (int i = 0; i < 300; i++)
		lineedit_feed(&le, 'x', echo);
	CHECK_EQ_U64(strlen(le.line), LINEEDIT_MAX - 1);
}

void
term_belongs_to_the_first_reader_until_it_ends(void)
{
	char buf[8];

	CHECK(term_feed('a') == 0);		/* nobody's: the keyboard's */
	CHECK(term_claim(7) == 1);
	CHECK(term_claim(8) == 0);
	CHECK_EQ_U64(term_owner(), 7);
	CHECK(term_feed('x') && term_feed('y'));
	CHECK_EQ_U64(term_read(buf, 1), 1);
	CHECK_EQ_U64(buf[0], 'x');
	CHECK_EQ_U64(term_read(buf, sizeof(buf)), 1);
	CHECK_EQ_U64(buf[0], 'y');
	CHECK_EQ_U64(term_read(buf, sizeof(buf)), 0);
	/* An owner that never reads keeps the newest TERM_RING bytes. */
	for (int i = 0; i < TERM_RING + 3; i++)
		term_feed((uint8_t)i);
	CHECK_EQ_U64(term_read(buf, 1), 1);
	CHECK_EQ_U64((uint8_t)buf[0], 3);
	term_release(8);			/* not the owner: nothing */
	CHECK_EQ_U64(term_owner(), 7);
	term_release(7);
	CHECK_EQ_U64(term_owner(), 0);
	CHECK(term_claim(8) == 1);
	CHECK_EQ_U64(term_read(buf, sizeof(buf)), 0);	/* a new owner starts empty */
	term_release(8);
}
