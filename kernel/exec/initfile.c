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

/* A plain count, "8": no suffix, at most max. */
static int init_parse_count(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	if (!len || s[len - 1] < '0' || s[len - 1] > '9' || init_parse_size(s, len, out) < 0)
		return -1;
	return *out <= max ? 0 : -1;
}

#define INIT_OPTIONS	"trace, nofb, nosys, admin, quota=N, disk=N, spawn=N, budget=MS, restart"

/* s[0..len) is "key=" followed by a value: the value's start in *val. */
static int init_key(const char *s, size_t len, const char *key, const char **val, size_t *val_len)
{
	size_t n = strlen(key);

	if (len <= n || memcmp(s, key, n))
		return 0;
	*val = s + n;
	*val_len = len - n;
	return 1;
}

/* One option, s[0..len).  0, or -1 with a reason. */
static int init_option(const char *s, size_t len, struct app_opts *o, char *why, size_t why_len)
{
	const char *v;
	size_t vl;
	uint64_t n;

	if (len == 5 && !memcmp(s, "trace", 5)) {
		o->trace = 1;
	} else if (len == 4 && !memcmp(s, "nofb", 4)) {
		o->nofb = 1;
	} else if (len == 5 && !memcmp(s, "nosys", 5)) {
		o->nosys = 1;
	} else if (len == 5 && !memcmp(s, "admin", 5)) {
		o->admin = 1;
	} else if (len == 7 && !memcmp(s, "restart", 7)) {
		o->restart = 1;
	} else if (init_key(s, len, "budget=", &v, &vl)) {
		if (init_parse_count(v, vl, APP_BUDGET_MAX, &n) < 0 || n < 1) {
			fmt_snprintf(why, why_len, "bad budget '%.*s' (1 to 60000 ms, e.g. budget=250)",
			    (int)MIN(vl, 20), v);
			return -1;
		}
		o->budget_ms = (uint32_t)n;
	} else if (init_key(s, len, "quota=", &v, &vl)) {
		if (init_parse_size(v, vl, &n) < 0 || n < 4096 || n > APP_QUOTA_MAX) {
			fmt_snprintf(why, why_len, "bad quota '%.*s' (4K to 1984M, what an app's home holds; e.g. quota=16M)",
			    (int)MIN(vl, 20), v);
			return -1;
		}
		o->quota = n;
	} else if (init_key(s, len, "disk=", &v, &vl)) {
		/* 0 is a real limit: an app that may read its files, never write. */
		if (init_parse_size(v, vl, &n) < 0 || n > APP_DISK_MAX) {
			fmt_snprintf(why, why_len, "bad disk '%.*s' (0 to 4G, what the app's folder may hold; e.g. disk=16M)",
			    (int)MIN(vl, 20), v);
			return -1;
		}
		o->disk = n;
	} else if (init_key(s, len, "spawn=", &v, &vl)) {
		if (init_parse_count(v, vl, APP_SPAWN_MAX, &n) < 0) {
			fmt_snprintf(why, why_len, "bad spawn '%.*s' (0 to 1024 apps it started, running at once; e.g. spawn=4)",
			    (int)MIN(vl, 20), v);
			return -1;
		}
		o->spawn = (uint32_t)n;
	} else {
		fmt_snprintf(why, why_len, "unknown option '%.*s' (" INIT_OPTIONS ")", (int)MIN(len, 20), s);
		return -1;
	}
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
		if (init_option(s + start, i - start, o, why, why_len) < 0)
			return -1;
	}
	return 0;
}

int app_run_args(const char *arg, char *name, struct app_opts *o, char *why, size_t why_len)
{
	size_t n = 0, len = strlen(arg);
	char bad[128];

	while (arg[n] && arg[n] != ' ' && n < APP_NAME_MAX - 1)
		n++;
	if (!n || (arg[n] && arg[n] != ' ')) {
		fmt_snprintf(why, why_len, "usage: run NAME [trace] [nofb] [nosys] [admin] [quota=N] [disk=N] [spawn=N] [budget=MS] [restart]");
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
	char why[128], msg[192];
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
