#include "fmt.h"
#include "initfile.h"
#include "lib.h"

#define INIT_LINE_MAX	256

static int init_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int init_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-' || c == '.';
}

void app_opts_default(struct app_opts *o)
{
	o->trace = 0;
	o->nofb = 0;
	o->nosys = 0;
	o->restart = 0;
	o->budget_ms = APP_BUDGET_DEFAULT;
	o->quota = APP_QUOTA_DEFAULT;
}

/* "64M" -> 67108864.  Returns -1 on anything else. */
static int init_parse_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	size_t i;

	if (len && (s[len - 1] == 'K' || s[len - 1] == 'M' || s[len - 1] == 'G')) {
		mult = s[len - 1] == 'K' ? 1ull << 10 : s[len - 1] == 'M' ? 1ull << 20 : 1ull << 30;
		len--;
	}
	if (!len || len > 12)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT64_MAX / mult)	/* 12 digits times 2^30 would wrap */
		return -1;
	*out = v * mult;
	return 0;
}

int app_opts_parse(const char *s, size_t len, struct app_opts *o, char *why, size_t why_len)
{
	size_t i = 0, start;

	while (i < len) {
		while (i < len && init_is_space(s[i]))
			i++;
		start = i;
		while (i < len && !init_is_space(s[i]))
			i++;
		if (i == start)
			break;
		if (i - start == 5 && !memcmp(s + start, "trace", 5)) {
			o->trace = 1;
		} else if (i - start == 4 && !memcmp(s + start, "nofb", 4)) {
			o->nofb = 1;
		} else if (i - start == 5 && !memcmp(s + start, "nosys", 5)) {
			o->nosys = 1;
		} else if (i - start == 7 && !memcmp(s + start, "restart", 7)) {
			o->restart = 1;
		} else if (i - start > 7 && !memcmp(s + start, "budget=", 7)) {
			uint64_t ms;

			if (init_parse_size(s + start + 7, i - start - 7, &ms) < 0 || ms < 1 ||
			    ms > APP_BUDGET_MAX || s[i - 1] < '0' || s[i - 1] > '9') {
				fmt_snprintf(why, why_len, "bad budget '%.*s' (1 to 60000 ms, e.g. budget=250)",
				    (int)MIN(i - start - 7, 20), s + start + 7);
				return -1;
			}
			o->budget_ms = (uint32_t)ms;
		} else if (i - start > 6 && !memcmp(s + start, "quota=", 6)) {
			if (init_parse_size(s + start + 6, i - start - 6, &o->quota) < 0 ||
			    o->quota < 4096 || o->quota > APP_QUOTA_MAX) {
				fmt_snprintf(why, why_len, "bad quota '%.*s' (4K to 1984M, what an app's home holds; e.g. quota=16M)",
				    (int)MIN(i - start - 6, 20), s + start + 6);
				return -1;
			}
		} else {
			fmt_snprintf(why, why_len, "unknown option '%.*s' (trace, nofb, nosys, quota=N, budget=MS, restart)",
			    (int)MIN(i - start, 20), s + start);
			return -1;
		}
	}
	return 0;
}

int app_run_args(const char *arg, char *name, struct app_opts *o, char *why, size_t why_len)
{
	size_t n = 0, len = strlen(arg);
	char bad[96];

	while (arg[n] && arg[n] != ' ' && n < APP_NAME_MAX - 1)
		n++;
	if (!n || (arg[n] && arg[n] != ' ')) {
		fmt_snprintf(why, why_len, "usage: run NAME [trace] [nofb] [nosys] [quota=N] [budget=MS] [restart]");
		return -1;
	}
	memcpy(name, arg, n);
	name[n] = 0;
	app_opts_default(o);
	if (app_opts_parse(arg + n, len - n, o, bad, sizeof(bad)) < 0) {
		fmt_snprintf(why, why_len, "run: %s", bad);
		return -1;
	}
	return 0;
}

/* One line without its newline.  Returns 1 with *e filled, 0 for a blank or
 * comment line, -1 with a reason. */
static int init_line(const char *s, size_t len, struct init_entry *e, char *why, size_t why_len)
{
	size_t i = 0, n;

	for (n = 0; n < len; n++)
		if (s[n] == '#')
			break;
	len = n;
	for (n = 0; n < len; n++)
		if ((uint8_t)s[n] < 0x20 && s[n] != '\t' && s[n] != '\r') {
			fmt_snprintf(why, why_len, "not text");
			return -1;
		}
	while (i < len && init_is_space(s[i]))
		i++;
	if (i == len)
		return 0;
	for (n = 0; i + n < len && !init_is_space(s[i + n]); n++)
		if (!init_name_char(s[i + n])) {
			fmt_snprintf(why, why_len, "bad app name (letters, digits, _ - . only)");
			return -1;
		}
	if (n >= APP_NAME_MAX) {
		fmt_snprintf(why, why_len, "app name longer than %d characters", APP_NAME_MAX - 1);
		return -1;
	}
	memcpy(e->name, s + i, n);
	e->name[n] = 0;
	app_opts_default(&e->opts);
	return app_opts_parse(s + i + n, len - i - n, &e->opts, why, why_len) < 0 ? -1 : 1;
}

uint32_t init_parse(const char *text, uint64_t len, struct init_entry *out, uint32_t max,
    init_report_fn *report, void *arg)
{
	struct init_entry e;
	char why[96], msg[160];
	uint64_t pos = 0, line = 0;
	uint32_t count = 0;

	while (pos < len) {
		uint64_t end = pos;
		int r;

		while (end < len && text[end] != '\n')
			end++;
		line++;
		if (end - pos > INIT_LINE_MAX) {
			r = -1;
			fmt_snprintf(why, sizeof(why), "line too long");
		} else {
			r = init_line(text + pos, end - pos, &e, why, sizeof(why));
		}
		if (r > 0 && count == max) {
			r = -1;
			fmt_snprintf(why, sizeof(why), "too many apps (at most %u)", max);
		}
		if (r > 0)
			out[count++] = e;
		else if (r < 0 && report) {
			fmt_snprintf(msg, sizeof(msg), "init line %llu: %s, skipped", (unsigned long long)line, why);
			report(arg, msg);
		}
		pos = end + 1;
	}
	return count;
}
