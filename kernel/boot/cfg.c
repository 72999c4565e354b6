/*
 * The boot.cfg parser.  The file comes from a FAT partition anyone can
 * write, so every byte is untrusted: the text need not be NUL-terminated,
 * may hold binary garbage, and is never read past len.  A bad line is
 * reported and skipped; it never stops the lines after it from applying.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "cfg.h"
#include "keymap.h"
#include "fmt.h"
#include "lib.h"

/* Longer lines are not something a person wrote by hand. */
#define CFG_LINE_MAX	200
/* The largest framebuffer side any GOP mode has, with room to spare. */
#define CFG_RES_MAX	16384
/* How much of a bad key or value a message quotes. */
#define CFG_QUOTE_MAX	40

/* A line, or part of one: not NUL-terminated. */
struct span {
	const char *p;
	uint64_t len;
};

struct parser {
	struct boot_cfg *cfg;
	cfg_report_fn *report;
	void *arg;
	uint32_t line;		/* 1-based, for messages */
	int problems;
};

static void report(struct parser *ps, const char *fmt, ...) FMT_PRINTF(2, 3);

static void
report(struct parser *ps, const char *fmt, ...)
{
	char msg[160];
	int n;
	va_list ap;

	ps->problems++;
	if (ps->report == NULL)
		return;
	n = fmt_snprintf(msg, sizeof(msg), "boot.cfg line %u: ", ps->line);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	fmt_vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	ps->report(ps->arg, msg);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static struct span
trim(struct span s)
{
	while (s.len > 0 && is_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && is_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

static bool
span_is(struct span s, const char *word)
{
	return s.len == strlen(word) && memcmp(s.p, word, s.len) == 0;
}

/* Tabs and CR are text; every other control byte, NUL and DEL included,
 * means this is not a text line (a binary file renamed, a torn write). */
static bool
is_text(struct span s)
{
	for (uint64_t i = 0; i < s.len; i++) {
		uint8_t c = (uint8_t)s.p[i];
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return false;
	}
	return true;
}

/* A decimal number 1..CFG_RES_MAX at *s, advancing past it; 0 if none. */
static uint32_t
parse_side(struct span *s)
{
	uint32_t v = 0;
	uint64_t digits = 0;

	while (s->len > 0 && s->p[0] >= '0' && s->p[0] <= '9') {
		/* Saturate: more digits only make it bigger. */
		if (v <= CFG_RES_MAX)
			v = v * 10 + (uint32_t)(s->p[0] - '0');
		s->p++;
		s->len--;
		digits++;
	}
	if (digits == 0 || v < 1 || v > CFG_RES_MAX)
		return 0;
	return v;
}

int
cfg_parse_size(const char *text, uint64_t len, uint32_t *width, uint32_t *height)
{
	struct span s = trim((struct span){ text, len });
	uint32_t w, h;

	w = parse_side(&s);
	if (w == 0 || s.len == 0 || (s.p[0] != 'x' && s.p[0] != 'X'))
		return -1;
	s.p++;
	s.len--;
	h = parse_side(&s);
	if (h == 0 || s.len != 0)
		return -1;
	*width = w;
	*height = h;
	return 0;
}

static void
set_resolution(struct parser *ps, struct span val)
{
	if (cfg_parse_size(val.p, val.len, &ps->cfg->width, &ps->cfg->height) < 0)
		report(ps, "resolution '%.*s' is not WxH with both 1..%u, ignored",
		    (int)MIN(val.len, CFG_QUOTE_MAX), val.p, CFG_RES_MAX);
}

/* The kernel decides which kinds exist; here we only keep the value to a
 * shape that is safe to store and print.  An empty value clears it. */
static void
set_fault(struct parser *ps, struct span val)
{
	if (val.len >= CFG_VALUE_MAX)
		goto bad;
	for (uint64_t i = 0; i < val.len; i++) {
		char c = val.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			goto bad;
	}
	memset(ps->cfg->fault, 0, sizeof(ps->cfg->fault));
	memcpy(ps->cfg->fault, val.p, val.len);
	return;
bad:
	report(ps, "fault '%.*s' is not up to %u of [a-z0-9_], ignored",
	    (int)MIN(val.len, CFG_QUOTE_MAX), val.p, CFG_VALUE_MAX - 1);
}

static void
set_keymap(struct parser *ps, struct span val)
{
	if (span_is(val, "us"))
		ps->cfg->keymap = KEYMAP_US;
	else if (span_is(val, "fr"))
		ps->cfg->keymap = KEYMAP_FR;
	else
		report(ps, "keymap '%.*s' is not one of us, fr, ignored",
		    (int)MIN(val.len, CFG_QUOTE_MAX), val.p);
}

/* yes/no, on/off, 1/0. */
static void
set_bool(struct parser *ps, struct span key, struct span val, uint8_t *out)
{
	if (span_is(val, "yes") || span_is(val, "on") || span_is(val, "1"))
		*out = 1;
	else if (span_is(val, "no") || span_is(val, "off") || span_is(val, "0"))
		*out = 0;
	else
		report(ps, "%.*s '%.*s' is not yes or no, ignored",
		    (int)MIN(key.len, CFG_QUOTE_MAX), key.p,
		    (int)MIN(val.len, CFG_QUOTE_MAX), val.p);
}

/* A dotted IPv4 address at *s, advancing past it: 1 and *ip (host order),
 * or 0. */
static bool
parse_ipv4(struct span *s, uint32_t *ip)
{
	uint32_t v = 0;

	for (int part = 0; part < 4; part++) {
		uint32_t n = 0, digits = 0;

		if (part > 0) {
			if (s->len == 0 || s->p[0] != '.')
				return false;
			s->p++;
			s->len--;
		}
		while (s->len > 0 && s->p[0] >= '0' && s->p[0] <= '9' && digits < 4) {
			n = n * 10 + (uint32_t)(s->p[0] - '0');
			s->p++;
			s->len--;
			digits++;
		}
		if (digits == 0 || digits > 3 || n > 255)
			return false;
		v = v << 8 | n;
	}
	*ip = v;
	return true;
}

/* ip=A.B.C.D/N (N 1..32; /24 if left out), gw=A.B.C.D, dns=A.B.C.D. */
static void
set_ip(struct parser *ps, struct span key, struct span val, uint32_t *out, uint8_t *prefix)
{
	struct span s = val;
	uint32_t ip, n = 24;

	if (!parse_ipv4(&s, &ip))
		goto bad;
	if (prefix && s.len > 0 && s.p[0] == '/') {
		s.p++;
		s.len--;
		n = 0;
		if (s.len == 0 || s.len > 2)
			goto bad;
		while (s.len > 0 && s.p[0] >= '0' && s.p[0] <= '9') {
			n = n * 10 + (uint32_t)(s.p[0] - '0');
			s.p++;
			s.len--;
		}
		if (n < 1 || n > 32)
			goto bad;
	}
	if (s.len != 0)
		goto bad;
	*out = ip;
	if (prefix)
		*prefix = (uint8_t)n;
	return;
bad:
	report(ps, "%.*s '%.*s' is not an IPv4 address%s, ignored",
	    (int)MIN(key.len, CFG_QUOTE_MAX), key.p,
	    (int)MIN(val.len, CFG_QUOTE_MAX), val.p, prefix ? " A.B.C.D/N" : " A.B.C.D");
}

static void
parse_line(struct parser *ps, struct span line)
{
	struct span key, val;
	uint64_t i;

	if (!is_text(line)) {
		report(ps, "not text, ignored");
		return;
	}
	if (line.len > CFG_LINE_MAX) {
		report(ps, "longer than %u characters, ignored", CFG_LINE_MAX);
		return;
	}
	for (i = 0; i < line.len && line.p[i] != '#'; i++)
		;
	line.len = i;
	line = trim(line);
	if (line.len == 0)
		return;

	for (i = 0; i < line.len && line.p[i] != '='; i++)
		;
	key = trim((struct span){ line.p, i });
	if (i == line.len || key.len == 0) {
		report(ps, "expected key=value, ignored");
		return;
	}
	val = trim((struct span){ line.p + i + 1, line.len - i - 1 });

	if (span_is(key, "resolution"))
		set_resolution(ps, val);
	else if (span_is(key, "fault"))
		set_fault(ps, val);
	else if (span_is(key, "bench"))
		set_bool(ps, key, val, &ps->cfg->bench);
	else if (span_is(key, "keymap"))
		set_keymap(ps, val);
	else if (span_is(key, "resume"))
		set_bool(ps, key, val, &ps->cfg->resume);
	else if (span_is(key, "ip"))
		set_ip(ps, key, val, &ps->cfg->ip, &ps->cfg->ip_prefix);
	else if (span_is(key, "gw"))
		set_ip(ps, key, val, &ps->cfg->gw, NULL);
	else if (span_is(key, "dns"))
		set_ip(ps, key, val, &ps->cfg->dns, NULL);
	else
		report(ps, "unknown key '%.*s', ignored",
		    (int)MIN(key.len, CFG_QUOTE_MAX), key.p);
}

void
cfg_defaults(struct boot_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->resume = 1;
}

int
cfg_parse(struct boot_cfg *cfg, const char *text, uint64_t len,
    cfg_report_fn *report_fn, void *arg)
{
	struct parser ps = { cfg, report_fn, arg, 0, 0 };
	uint64_t start = 0, i;

	/* Windows editors start UTF-8 files with a byte order mark; without
	 * this the first key would come out unknown. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	while (start < len) {
		for (i = start; i < len && text[i] != '\n'; i++)
			;
		ps.line++;
		parse_line(&ps, (struct span){ text + start, i - start });
		start = i + 1;
	}
	return ps.problems;
}
