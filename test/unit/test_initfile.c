/* initfile: /fomos/init as people write it, and the options both it and the
 * console's `run NAME [options]` take. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "initfile.h"
#include "unit.h"

#define MAX_APPS	8

/* What the report callback heard. */
struct heard {
	int count;
	char msgs[8][200];
};

static void
hear(void *arg, const char *msg)
{
	struct heard *h = arg;

	/* Every report names its line, and says the line was skipped. */
	CHECK(strncmp(msg, "init line ", 10) == 0);
	CHECK(strstr(msg, ": ") != NULL);
	if (h->count < 8)
		snprintf(h->msgs[h->count], sizeof(h->msgs[0]), "%s", msg);
	h->count++;
}

static uint32_t
parse(struct init_entry *out, struct heard *h, const char *text)
{
	memset(h, 0, sizeof(*h));
	/* Garbage where no entry was written, but printable by a failed check. */
	memset(out, 0xa5, MAX_APPS * sizeof(*out));
	for (int i = 0; i < MAX_APPS; i++)
		out[i].name[APP_NAME_MAX - 1] = '\0';
	return init_parse(text, strlen(text), out, MAX_APPS, hear, h);
}

void
init_lists_apps_in_order_with_their_options(void)
{
	struct init_entry e[MAX_APPS];
	struct heard h;

	CHECK_EQ_U64(parse(e, &h,
	    "hello\n"
	    "clock trace quota=8M\n"
	    "shell nofb\n"
	    "Big_app-2.0 trace nofb quota=4096\n"), 4);
	CHECK_EQ_U64(h.count, 0);
	CHECK_STR(e[0].name, "hello");
	CHECK_EQ_U64(e[0].opts.trace, 0);
	CHECK_EQ_U64(e[0].opts.nofb, 0);
	CHECK_EQ_U64(e[0].opts.quota, APP_QUOTA_DEFAULT);
	CHECK_STR(e[1].name, "clock");
	CHECK_EQ_U64(e[1].opts.trace, 1);
	CHECK_EQ_U64(e[1].opts.nofb, 0);
	CHECK_EQ_U64(e[1].opts.quota, 8ull << 20);
	CHECK_STR(e[2].name, "shell");
	CHECK_EQ_U64(e[2].opts.trace, 0);
	CHECK_EQ_U64(e[2].opts.nofb, 1);
	CHECK_EQ_U64(e[2].opts.quota, APP_QUOTA_DEFAULT);
	CHECK_STR(e[3].name, "Big_app-2.0");
	CHECK_EQ_U64(e[3].opts.trace, 1);
	CHECK_EQ_U64(e[3].opts.nofb, 1);
	CHECK_EQ_U64(e[3].opts.quota, 4096);

	/* The same app twice is two entries; repeating an option is harmless. */
	CHECK_EQ_U64(parse(e, &h, "hello\nhello trace trace\n"), 2);
	CHECK_STR(e[1].name, "hello");
	CHECK_EQ_U64(e[1].opts.trace, 1);
}

void
init_skips_comments_and_blank_lines_and_reads_crlf_and_tabs(void)
{
	struct init_entry e[MAX_APPS];
	struct heard h;

	CHECK_EQ_U64(parse(e, &h,
	    "# /fomos/init, written on Windows\r\n"
	    "\r\n"
	    "\t\r\n"
	    "   \n"
	    "  hello\t  # the greeter\r\n"
	    "\tclock\ttrace\tquota=1M\r\n"
	    "#shell\n"
	    "   # indented comment\n"
	    "term#no space before the comment\n"
	    "\n"), 3);
	CHECK_EQ_U64(h.count, 0);
	CHECK_STR(e[0].name, "hello");
	CHECK_EQ_U64(e[0].opts.trace, 0);
	CHECK_STR(e[1].name, "clock");
	CHECK_EQ_U64(e[1].opts.trace, 1);
	CHECK_EQ_U64(e[1].opts.quota, 1ull << 20);
	CHECK_STR(e[2].name, "term");

	/* Nothing at all, and only comments, give no apps and no reports. */
	CHECK_EQ_U64(parse(e, &h, ""), 0);
	CHECK_EQ_U64(parse(e, &h, "# nothing yet\n\n"), 0);
	CHECK_EQ_U64(h.count, 0);
}

void
init_last_line_needs_no_newline(void)
{
	struct init_entry e[MAX_APPS];
	struct heard h;

	CHECK_EQ_U64(parse(e, &h, "hello\nclock nofb"), 2);
	CHECK_STR(e[1].name, "clock");
	CHECK_EQ_U64(e[1].opts.nofb, 1);
	CHECK_EQ_U64(parse(e, &h, "hello quota=2M\r"), 1);
	CHECK_EQ_U64(e[0].opts.quota, 2ull << 20);
	CHECK_EQ_U64(parse(e, &h, "bad!name"), 0);
	CHECK_STR(h.msgs[0], "init line 1: bad app name (letters, digits, _ - . only), skipped");
}

void
init_quota_takes_k_m_g_suffixes_from_4k_to_1984m(void)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "quota=4096", 4096 }, { "quota=4K", 4096 }, { "quota=640K", 640ull << 10 },
		{ "quota=16M", 16ull << 20 }, { "quota=1G", 1ull << 30 },
		{ "quota=1984M", 1984ull << 20 }, { "quota=2031616K", 1984ull << 20 },
		{ "quota=2080374784", 1984ull << 20 },
		{ "quota=000000000016M", 16ull << 20 },
	};
	static const char *bad[] = {
		"4095", "3K", "0", "0G", "1985M", "2080374785", "2031617K",
		/* 2G would reach the app's stack (kernel/exec/home.h) */
		"2G", "2048M", "2049M", "3G", "2147483649", "2097153K",
		"999999999999", "1234567890123", "16m", "16k", "1.5G", "-1", "+16M",
		"16MB", "M", "K", "0x1000", "16MM",
	};
	struct init_entry e[MAX_APPS];
	struct heard h;
	char line[96], want[160];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(line, sizeof(line), "hello %s\n", good[i].text);
		CHECK_EQ_U64(parse(e, &h, line), 1);
		CHECK_EQ_U64(h.count, 0);
		CHECK_EQ_U64(e[0].opts.quota, good[i].bytes);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "hello quota=%s\n", bad[i]);
		CHECK_EQ_U64(parse(e, &h, line), 0);
		CHECK_EQ_U64(h.count, 1);
		snprintf(want, sizeof(want),
		    "init line 1: bad quota '%s' (4K to 1984M, what an app's home holds; e.g. quota=16M), skipped", bad[i]);
		CHECK_STR(h.msgs[0], want);
	}
	/* Options end at a space: "quota=16 M" is a 16-byte quota. */
	CHECK_EQ_U64(parse(e, &h, "hello quota=16 M"), 0);
	CHECK_STR(h.msgs[0], "init line 1: bad quota '16' (4K to 1984M, what an app's home holds; e.g. quota=16M), skipped");
	/* "quota=" with nothing after it is not a quota at all. */
	CHECK_EQ_U64(parse(e, &h, "hello quota="), 0);
	CHECK_EQ_U64(h.count, 1);
}

/*
 * Twelve digits times 2^30 overflows 64 bits: 17179869185G is
 * (2^34 + 1) * 2^30 == 2^30 (mod 2^64), which lands inside 4K..1984M.
 */
void
init_quota_too_big_for_64_bits_is_refused_not_wrapped(void)
{
	static const char *huge[] = { "17179869185G", "17179869186G", "999999999999G" };
	struct init_entry e[MAX_APPS];
	struct app_opts o;
	struct heard h;
	char line[64], why[96];

	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		snprintf(line, sizeof(line), "hello quota=%s", huge[i]);
		if (parse(e, &h, line) != 0)
			unit_fail(__FILE__, __LINE__, "\"%s\" accepted as quota %llu", line,
			    (unsigned long long)e[0].opts.quota);
		app_opts_default(&o);
		snprintf(line, sizeof(line), "quota=%s", huge[i]);
		if (app_opts_parse(line, strlen(line), &o, why, sizeof(why)) != -1)
			unit_fail(__FILE__, __LINE__, "app_opts_parse(\"%s\") accepted quota %llu",
			    line, (unsigned long long)o.quota);
	}
}

void
init_unknown_option_skips_the_line_and_later_lines_still_parse(void)
{
	struct init_entry e[MAX_APPS];
	struct heard h;

	CHECK_EQ_U64(parse(e, &h,
	    "hello\n"
	    "clock trace verbose\n"
	    "shell TRACE\n"
	    "term nofb\n"
	    "edit quota=16M a-very-long-option-name-that-goes-on-and-on\n"
	    "last\n"), 3);
	CHECK_EQ_U64(h.count, 3);
	CHECK_STR(h.msgs[0], "init line 2: unknown option 'verbose' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart), skipped");
	CHECK_STR(h.msgs[1], "init line 3: unknown option 'TRACE' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart), skipped");
	/* A long option is quoted in part, so the report stays one line. */
	CHECK_STR(h.msgs[2], "init line 5: unknown option 'a-very-long-option-n' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart), skipped");
	CHECK_STR(e[0].name, "hello");
	CHECK_STR(e[1].name, "term");
	CHECK_EQ_U64(e[1].opts.nofb, 1);
	CHECK_STR(e[2].name, "last");
}

void
init_name_longer_than_31_characters_is_refused(void)
{
	struct init_entry e[MAX_APPS];
	struct heard h;
	char line[128], name[64];

	memset(name, 'a', sizeof(name));
	name[APP_NAME_MAX - 1] = '\0';		/* 31: the longest that fits */
	snprintf(line, sizeof(line), "%s trace\n", name);
	CHECK_EQ_U64(parse(e, &h, line), 1);
	CHECK_STR(e[0].name, name);
	CHECK_EQ_U64(e[0].opts.trace, 1);

	name[APP_NAME_MAX - 1] = 'a';
	name[APP_NAME_MAX] = '\0';		/* 32 */
	snprintf(line, sizeof(line), "hello\n%s trace\nclock\n", name);
	CHECK_EQ_U64(parse(e, &h, line), 2);
	CHECK_EQ_U64(h.count, 1);
	CHECK_STR(h.msgs[0], "init line 2: app name longer than 31 characters, skipped");
	CHECK_STR(e[1].name, "clock");
}

void
init_name_with_bad_characters_is_refused(void)
{
	static const char *bad[] = {
		"hel/lo", "../hello", "hel*", "h\xc3\xa9llo", "a,b", "a=b", "\x7f", "\"hello\"",
		"hello\\", "C:hello", "quota=8M",
	};
	struct init_entry e[MAX_APPS];
	struct heard h;
	char line[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s trace\n", bad[i]);
		CHECK_EQ_U64(parse(e, &h, line), 0);
		CHECK_EQ_U64(h.count, 1);
		CHECK_STR(h.msgs[0], "init line 1: bad app name (letters, digits, _ - . only), skipped");
	}
}

void
init_control_bytes_are_not_text(void)
{
	static const char text[] =
	    "hello\n"
	    "\x01hello\n"
	    "hel\x00lo\n"
	    "\x1b[2Jclock\n"
	    "clock trace\x08\n"
	    "\x7f" "ELF\x02\x01\x01\n"
	    "shell\n";
	struct init_entry e[MAX_APPS];
	struct heard h = { 0 };

	CHECK_EQ_U64(init_parse(text, sizeof(text) - 1, e, MAX_APPS, hear, &h), 2);
	CHECK_EQ_U64(h.count, 5);
	CHECK_STR(h.msgs[0], "init line 2: not text, skipped");
	CHECK_STR(h.msgs[1], "init line 3: not text, skipped");
	CHECK_STR(h.msgs[2], "init line 4: not text, skipped");
	CHECK_STR(h.msgs[3], "init line 5: not text, skipped");
	CHECK_STR(h.msgs[4], "init line 6: not text, skipped");
	CHECK_STR(e[0].name, "hello");
	CHECK_STR(e[1].name, "shell");
}

void
init_more_apps_than_fit_are_reported_not_written(void)
{
	struct init_entry e[3];
	struct heard h = { 0 };
	const char *text = "a\nb\n# c\nd\ne\nf\n";

	/* The array is one bigger than max: the extra one must stay as it was. */
	memset(e, 0xa5, sizeof(e));
	CHECK_EQ_U64(init_parse(text, strlen(text), e, 2, hear, &h), 2);
	CHECK_STR(e[0].name, "a");
	CHECK_STR(e[1].name, "b");
	CHECK_EQ_U64((uint8_t)e[2].name[0], 0xa5);
	CHECK_EQ_U64(h.count, 3);
	CHECK_STR(h.msgs[0], "init line 4: too many apps (at most 2), skipped");
	CHECK_STR(h.msgs[1], "init line 5: too many apps (at most 2), skipped");
	CHECK_STR(h.msgs[2], "init line 6: too many apps (at most 2), skipped");

	/* Bad lines past the limit are reported for what they are. */
	memset(&h, 0, sizeof(h));
	text = "a\nb\nb@d\n";
	CHECK_EQ_U64(init_parse(text, strlen(text), e, 2, hear, &h), 2);
	CHECK_STR(h.msgs[0], "init line 3: bad app name (letters, digits, _ - . only), skipped");

	/* max 0: nothing is written anywhere. */
	memset(&h, 0, sizeof(h));
	CHECK_EQ_U64(init_parse(text, strlen(text), NULL, 0, hear, &h), 0);
	CHECK_EQ_U64(h.count, 3);
}

void
init_long_lines_are_reported_and_the_next_line_still_parses(void)
{
	struct init_entry e[MAX_APPS];
	struct heard h;
	char text[1200];

	/* 256 characters (spaces and a comment included) is still a line. */
	snprintf(text, sizeof(text), "hello trace%236s# %-7s\n", "", "comment");
	CHECK_EQ_U64(strlen(text), 257);
	CHECK_EQ_U64(parse(e, &h, text), 1);
	CHECK_EQ_U64(h.count, 0);
	CHECK_EQ_U64(e[0].opts.trace, 1);

	snprintf(text, sizeof(text), "hello trace%237s# %-7s\nclock\n", "", "comment");
	CHECK_EQ_U64(parse(e, &h, text), 1);
	CHECK_EQ_U64(h.count, 1);
	CHECK_STR(h.msgs[0], "init line 1: line too long, skipped");
	CHECK_STR(e[0].name, "clock");

	/* A very long line, then more. */
	memset(text, 'x', 1000);
	strcpy(text + 1000, "\nhello\n");
	CHECK_EQ_U64(parse(e, &h, text), 1);
	CHECK_STR(h.msgs[0], "init line 1: line too long, skipped");
	CHECK_STR(e[0].name, "hello");
}

void
init_reports_count_lines_from_one_including_blank_and_comment_lines(void)
{
	struct init_entry e[MAX_APPS];
	struct heard h;

	CHECK_EQ_U64(parse(e, &h, "\n# one\r\n\n\nfoo bar\nok\n\n\n\n\nx y\n"), 1);
	CHECK_EQ_U64(h.count, 2);
	CHECK_STR(h.msgs[0], "init line 5: unknown option 'bar' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart), skipped");
	CHECK_STR(h.msgs[1], "init line 11: unknown option 'y' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart), skipped");
}

void
init_works_without_a_report_callback(void)
{
	struct init_entry e[MAX_APPS];
	const char *text = "bad/name\nhello nope\n\x01\nclock\n";

	CHECK_EQ_U64(init_parse(text, strlen(text), e, MAX_APPS, NULL, NULL), 1);
	CHECK_STR(e[0].name, "clock");
}

void
init_never_reads_past_len(void)
{
	static const char full[] = "hello trace\nclock quota=40960";
	struct init_entry e[MAX_APPS];
	struct heard h = { 0 };
	uint32_t n = 0;

	/* Every prefix, in a buffer of exactly that size: ASan sees overreads. */
	for (size_t len = 0; len <= sizeof(full) - 1; len++) {
		char *text = malloc(len ? len : 1);

		memcpy(text, full, len);
		h.count = 0;
		n = init_parse(text, len, e, MAX_APPS, hear, &h);
		free(text);
	}
	CHECK_EQ_U64(n, 2);
	CHECK_EQ_U64(e[1].opts.quota, 40960);
	/* Cut inside the number, it is a smaller quota. */
	CHECK_EQ_U64(init_parse(full, sizeof(full) - 2, e, MAX_APPS, hear, &h), 2);
	CHECK_EQ_U64(e[1].opts.quota, 4096);
}

void
app_opts_parse_reads_the_run_commands_options(void)
{
	struct app_opts o;
	char why[128];

	app_opts_default(&o);
	CHECK_EQ_U64(o.trace, 0);
	CHECK_EQ_U64(o.nofb, 0);
	CHECK_EQ_U64(o.quota, APP_QUOTA_DEFAULT);

	CHECK_EQ_U64(app_opts_parse("  trace\tnofb  quota=16M ", 24, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(o.trace, 1);
	CHECK_EQ_U64(o.nofb, 1);
	CHECK_EQ_U64(o.quota, 16ull << 20);

	/* Nothing to parse leaves the options as they were. */
	app_opts_default(&o);
	CHECK_EQ_U64(app_opts_parse("", 0, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(app_opts_parse("   \t", 4, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(o.trace, 0);
	CHECK_EQ_U64(o.quota, APP_QUOTA_DEFAULT);

	/* Only len bytes are read: "trace" cut to "tra" is unknown. */
	CHECK_EQ_U64(app_opts_parse("trace", 3, &o, why, sizeof(why)), -1);
	CHECK_STR(why, "unknown option 'tra' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart)");
	CHECK_EQ_U64(app_opts_parse("quota=4096Kx", 10, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(o.quota, 4096);
	CHECK_EQ_U64(app_opts_parse("quota=4096Kx", 11, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(o.quota, 4096ull << 10);

	CHECK_EQ_U64(app_opts_parse("nofb quota=1K", 13, &o, why, sizeof(why)), -1);
	CHECK_STR(why, "bad quota '1K' (4K to 1984M, what an app's home holds; e.g. quota=16M)");
	CHECK_EQ_U64(app_opts_parse("--trace", 7, &o, why, sizeof(why)), -1);
	CHECK_STR(why, "unknown option '--trace' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart)");

	/* A short reason buffer gets a truncated, terminated reason. */
	memset(why, 'z', sizeof(why));
	CHECK_EQ_U64(app_opts_parse("bogus", 5, &o, why, 8), -1);
	CHECK_STR(why, "unknown");
}

/* A small fixed-seed fuzz: every entry is a valid name with sane options,
 * every report is well formed, and the count matches. */
void
init_random_bytes_give_only_valid_entries_and_reports(void)
{
	static const char alphabet[] =
	    "hello trace nofb quota=16MKG0123456789 \t\r\n\n\n#_.-/\x00\x01\xff";
	struct init_entry e[4];
	struct heard h;
	uint32_t seed = 777;

	for (int iter = 0; iter < 3000; iter++) {
		size_t len = iter % 400;
		char *text = malloc(len ? len : 1);
		uint32_t n;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		memset(&h, 0, sizeof(h));
		n = init_parse(text, len, e, 4, hear, &h);
		CHECK(n <= 4);
		for (uint32_t i = 0; i < n; i++) {
			const char *end = memchr(e[i].name, '\0', APP_NAME_MAX);
			size_t nl = end ? (size_t)(end - e[i].name) : APP_NAME_MAX;

			CHECK(nl > 0 && nl < APP_NAME_MAX);
			CHECK(strspn(e[i].name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-.") == nl);
			CHECK(e[i].opts.quota >= 4096 && e[i].opts.quota <= APP_QUOTA_MAX);
			CHECK(e[i].opts.trace <= 1 && e[i].opts.nofb <= 1);
		}
		free(text);
	}
}

void
init_budget_and_restart_options_parse_and_bad_budgets_are_refused(void)
{
	struct app_opts o;
	char why[128];

	app_opts_default(&o);
	CHECK_EQ_U64(o.budget_ms, APP_BUDGET_DEFAULT);
	CHECK_EQ_U64(o.restart, 0);
	CHECK_EQ_U64(app_opts_parse(" budget=250 restart", 19, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(o.budget_ms, 250);
	CHECK_EQ_U64(o.restart, 1);
	app_opts_default(&o);
	CHECK_EQ_U64(app_opts_parse("budget=0", 8, &o, why, sizeof(why)), (uint64_t)-1);
	CHECK(strstr(why, "bad budget '0'") != NULL);
	CHECK_EQ_U64(app_opts_parse("budget=60001", 12, &o, why, sizeof(why)), (uint64_t)-1);
	CHECK_EQ_U64(app_opts_parse("budget=5M", 9, &o, why, sizeof(why)), (uint64_t)-1);
	CHECK_EQ_U64(app_opts_parse("budget=", 7, &o, why, sizeof(why)), (uint64_t)-1);
	CHECK_EQ_U64(o.budget_ms, APP_BUDGET_DEFAULT);
}

void
init_run_args_split_the_name_from_its_options(void)
{
	struct app_opts o;
	char name[APP_NAME_MAX], why[128];

	CHECK_EQ_U64(app_run_args("counter quota=8M trace", name, &o, why, sizeof(why)), 0);
	CHECK_STR(name, "counter");
	CHECK_EQ_U64(o.quota, 8ull << 20);
	CHECK_EQ_U64(o.trace, 1);
	CHECK_EQ_U64(app_run_args("hello", name, &o, why, sizeof(why)), 0);
	CHECK_STR(name, "hello");
	CHECK_EQ_U64(o.quota, APP_QUOTA_DEFAULT);
	CHECK_EQ_U64(app_run_args("", name, &o, why, sizeof(why)), -1);
	CHECK_STR(why, "usage: run NAME [trace] [nofb] [nosys] [admin] [quota=N] [disk=N] [spawn=N] [budget=MS] [restart]");
	CHECK_EQ_U64(app_run_args("a-name-that-is-far-too-long-for-an-app", name, &o, why, sizeof(why)), -1);
	CHECK(strncmp(why, "usage:", 6) == 0);
	CHECK_EQ_U64(app_run_args("counter fast", name, &o, why, sizeof(why)), -1);
	CHECK_STR(why, "run: unknown option 'fast' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart)");
}

/* Least privilege by default: no admin, 64 MiB of files, 8 apps of its own. */
void
init_new_options_default_to_the_least_an_app_may_do(void)
{
	struct init_entry e[MAX_APPS];
	struct app_opts o;
	struct heard h;

	memset(&o, 0xa5, sizeof(o));
	app_opts_default(&o);
	CHECK_EQ_U64(o.admin, 0);
	CHECK_EQ_U64(o.disk, APP_DISK_DEFAULT);
	CHECK_EQ_U64(o.disk, 64ull << 20);
	CHECK_EQ_U64(o.spawn, APP_SPAWN_DEFAULT);
	CHECK_EQ_U64(o.spawn, 8);
	CHECK_EQ_U64(o.nosys, 0);
	CHECK_EQ_U64(parse(e, &h, "hello\n"), 1);
	CHECK_EQ_U64(e[0].opts.admin, 0);
	CHECK_EQ_U64(e[0].opts.disk, APP_DISK_DEFAULT);
	CHECK_EQ_U64(e[0].opts.spawn, APP_SPAWN_DEFAULT);
}

void
init_admin_disk_and_spawn_parse_on_an_init_line(void)
{
	struct init_entry e[MAX_APPS];
	struct heard h;

	CHECK_EQ_U64(parse(e, &h,
	    "console admin spawn=16\n"
	    "notes disk=1M\n"
	    "viewer disk=0 spawn=0 nosys\n"
	    "big disk=4G spawn=1024 admin quota=8M\n"), 4);
	CHECK_EQ_U64(h.count, 0);
	CHECK_EQ_U64(e[0].opts.admin, 1);
	CHECK_EQ_U64(e[0].opts.spawn, 16);
	CHECK_EQ_U64(e[0].opts.disk, APP_DISK_DEFAULT);
	CHECK_EQ_U64(e[1].opts.admin, 0);
	CHECK_EQ_U64(e[1].opts.disk, 1ull << 20);
	CHECK_EQ_U64(e[1].opts.spawn, APP_SPAWN_DEFAULT);
	CHECK_EQ_U64(e[2].opts.disk, 0);		/* 0: may read, never write */
	CHECK_EQ_U64(e[2].opts.spawn, 0);
	CHECK_EQ_U64(e[2].opts.nosys, 1);
	CHECK_EQ_U64(e[3].opts.disk, APP_DISK_MAX);
	CHECK_EQ_U64(e[3].opts.spawn, APP_SPAWN_MAX);
	CHECK_EQ_U64(e[3].opts.admin, 1);
	CHECK_EQ_U64(e[3].opts.quota, 8ull << 20);
}

void
init_disk_takes_sizes_from_0_to_4g_and_refuses_the_rest(void)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} good[] = {
		{ "0", 0 }, { "0K", 0 }, { "1", 1 }, { "4096", 4096 }, { "640K", 640ull << 10 },
		{ "16M", 16ull << 20 }, { "4G", 4ull << 30 }, { "4096M", 4ull << 30 },
		{ "4294967296", 4ull << 30 },
	};
	static const char *bad[] = {
		"4294967297", "4097M", "5G", "17179869185G", "999999999999G", "-1", "16m", "1.5G",
		"M", "16MB", "0x10", "+1",
	};
	struct app_opts o;
	char line[64], why[128], want[160];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		app_opts_default(&o);
		snprintf(line, sizeof(line), "disk=%s", good[i].text);
		CHECK_EQ_U64(app_opts_parse(line, strlen(line), &o, why, sizeof(why)), 0);
		CHECK_EQ_U64(o.disk, good[i].bytes);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		app_opts_default(&o);
		snprintf(line, sizeof(line), "disk=%s", bad[i]);
		CHECK_EQ_U64(app_opts_parse(line, strlen(line), &o, why, sizeof(why)), (uint64_t)-1);
		snprintf(want, sizeof(want),
		    "bad disk '%s' (0 to 4G, what the app's folder may hold; e.g. disk=16M)", bad[i]);
		CHECK_STR(why, want);
		CHECK_EQ_U64(o.disk, APP_DISK_DEFAULT);	/* a refused value is not kept */
	}
	/* "disk=" with nothing after it is not a disk option at all. */
	CHECK_EQ_U64(app_opts_parse("disk=", 5, &o, why, sizeof(why)), (uint64_t)-1);
	CHECK(strncmp(why, "unknown option 'disk='", 22) == 0);
}

void
init_spawn_takes_a_count_from_0_to_1024_and_refuses_the_rest(void)
{
	static const char *bad[] = { "1025", "2K", "1M", "99999999999999", "-1", "a", "8x", "0x8", "1e3" };
	struct app_opts o;
	char line[64], why[128], want[160];

	app_opts_default(&o);
	CHECK_EQ_U64(app_opts_parse("spawn=0", 7, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(o.spawn, 0);
	CHECK_EQ_U64(app_opts_parse("spawn=1024", 10, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(o.spawn, 1024);
	CHECK_EQ_U64(app_opts_parse("spawn=003", 9, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(o.spawn, 3);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		app_opts_default(&o);
		snprintf(line, sizeof(line), "spawn=%s", bad[i]);
		CHECK_EQ_U64(app_opts_parse(line, strlen(line), &o, why, sizeof(why)), (uint64_t)-1);
		snprintf(want, sizeof(want),
		    "bad spawn '%s' (0 to 1024 apps it started, running at once; e.g. spawn=4)", bad[i]);
		CHECK_STR(why, want);
		CHECK_EQ_U64(o.spawn, APP_SPAWN_DEFAULT);
	}
	/* Flags take no value, and the names are exact. */
	CHECK_EQ_U64(app_opts_parse("admin=1", 7, &o, why, sizeof(why)), (uint64_t)-1);
	CHECK_STR(why, "unknown option 'admin=1' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart)");
	CHECK_EQ_U64(app_opts_parse("ADMIN", 5, &o, why, sizeof(why)), (uint64_t)-1);
	CHECK_EQ_U64(o.admin, 0);
}

void
init_bad_new_options_skip_the_line_with_a_clear_report(void)
{
	struct init_entry e[MAX_APPS];
	struct heard h;

	CHECK_EQ_U64(parse(e, &h,
	    "hello disk=5G\n"
	    "clock spawn=2000\n"
	    "term admin\n"), 1);
	CHECK_EQ_U64(h.count, 2);
	CHECK_STR(h.msgs[0], "init line 1: bad disk '5G' (0 to 4G, what the app's folder may hold; e.g. disk=16M), skipped");
	CHECK_STR(h.msgs[1], "init line 2: bad spawn '2000' (0 to 1024 apps it started, running at once; e.g. spawn=4), skipped");
	CHECK_STR(e[0].name, "term");
	CHECK_EQ_U64(e[0].opts.admin, 1);
	/* The longest report (an unknown option, quoted in part) is whole. */
	CHECK_EQ_U64(parse(e, &h, "x a-very-long-option-name-that-goes-on\n"), 0);
	CHECK_STR(h.msgs[0], "init line 1: unknown option 'a-very-long-option-n' (trace, nofb, nosys, admin, quota=N, "
	    "disk=N, spawn=N, budget=MS, restart), skipped");
}

void
init_run_args_take_admin_disk_and_spawn(void)
{
	struct app_opts o;
	char name[APP_NAME_MAX], why[128];

	CHECK_EQ_U64(app_run_args("editor admin disk=2M spawn=1", name, &o, why, sizeof(why)), 0);
	CHECK_STR(name, "editor");
	CHECK_EQ_U64(o.admin, 1);
	CHECK_EQ_U64(o.disk, 2ull << 20);
	CHECK_EQ_U64(o.spawn, 1);
	/* Each run starts from the defaults, not from the last run's options. */
	CHECK_EQ_U64(app_run_args("editor", name, &o, why, sizeof(why)), 0);
	CHECK_EQ_U64(o.admin, 0);
	CHECK_EQ_U64(o.disk, APP_DISK_DEFAULT);
	CHECK_EQ_U64(o.spawn, APP_SPAWN_DEFAULT);
	CHECK_EQ_U64(app_run_args("editor disk=1T", name, &o, why, sizeof(why)), -1);
	CHECK_STR(why, "run: bad disk '1T' (0 to 4G, what the app's folder may hold; e.g. disk=16M)");
	CHECK_EQ_U64(app_run_args("editor spawn=-1", name, &o, why, sizeof(why)), -1);
	CHECK_STR(why, "run: bad spawn '-1' (0 to 1024 apps it started, running at once; e.g. spawn=4)");
	/* The longest answer fits the console's 128-byte line whole. */
	CHECK_EQ_U64(app_run_args("editor a-very-long-option-name-that-goes-on", name, &o, why, sizeof(why)), -1);
	CHECK_STR(why, "run: unknown option 'a-very-long-option-n' (trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, "
	    "budget=MS, restart)");
}
