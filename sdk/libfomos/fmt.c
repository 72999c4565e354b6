/*
 * printf-style formatting with C's vsnprintf rules (C11 7.21.6.1), minus
 * floating point: the kernel is built with -mgeneral-regs-only, and nothing
 * it prints needs a float.  The kernel links this file, and so does every
 * app through the SDK's C runtime (its vsnprintf): it must build for both
 * targets, freestanding, and use only C's own types for the arguments.
 *
 * Every conversion goes through one struct out that counts what the whole
 * output would have been and stores only what fits, so truncation is handled
 * in exactly one place (out_char).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include "fmt.h"

struct out {
	char *buf;
	size_t n;		/* capacity, including the NUL */
	size_t pos;		/* length the output would have */
};

/* One conversion specification, as parsed. */
struct spec {
	bool left;		/* '-' */
	bool zero;		/* '0' */
	bool plus;		/* '+' */
	bool space;		/* ' ' */
	bool alt;		/* '#': not in fmt.h's list, but cheap and -Wformat allows it */
	bool ptr;		/* %p: "0x" even for a null pointer */
	int width;
	int prec;		/* -1: none given */
};

/* Width and precision beyond this are clamped: nothing the kernel prints is
 * wider, and it keeps the arithmetic far from int overflow. */
#define FMT_FIELD_MAX	4096

static void
out_char(struct out *o, char c)
{
	if (o->n > 0 && o->pos < o->n - 1)
		o->buf[o->pos] = c;
	o->pos++;
}

static void
out_pad(struct out *o, char c, int count)
{
	while (count-- > 0)
		out_char(o, c);
}

/* Emits prefix (sign, "0x"), then zeros up to the precision, then digits,
 * all inside the field width. */
static void
out_field(struct out *o, const struct spec *s, const char *prefix, int plen,
    const char *digits, int dlen, int zeros)
{
	int body = plen + zeros + dlen;
	int pad = s->width > body ? s->width - body : 0;
	int i;

	if (!s->left && !s->zero)
		out_pad(o, ' ', pad);
	for (i = 0; i < plen; i++)
		out_char(o, prefix[i]);
	if (!s->left && s->zero)
		out_pad(o, '0', pad);
	out_pad(o, '0', zeros);
	for (i = 0; i < dlen; i++)
		out_char(o, digits[i]);
	if (s->left)
		out_pad(o, ' ', pad);
}

static void
out_int(struct out *o, struct spec s, uint64_t v, bool neg, int base, bool upper)
{
	const char *xdigits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];		/* 22 octal digits hold 2^64 - 1 */
	char prefix[3];
	bool nonzero = v != 0;
	int dlen = 0, plen = 0, zeros;

	while (v != 0) {
		tmp[sizeof(tmp) - 1 - dlen++] = xdigits[v % base];
		v /= base;
	}
	/* C: precision 0 with value 0 prints no digits at all. */
	if (dlen == 0 && s.prec != 0)
		tmp[sizeof(tmp) - 1 - dlen++] = '0';

	if (neg)
		prefix[plen++] = '-';
	else if (s.plus)
		prefix[plen++] = '+';
	else if (s.space)
		prefix[plen++] = ' ';
	/* C: '#' gives nonzero hex values a "0x"; %p always has one. */
	if (s.alt && base == 16 && (s.ptr || nonzero)) {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
	}

	zeros = s.prec > dlen ? s.prec - dlen : 0;
	/* '#' with %o: the first digit must be 0. */
	if (s.alt && base == 8 && zeros == 0 && (nonzero || dlen == 0))
		zeros = 1;
	/* C: the '0' flag is ignored when a precision is given. */
	if (s.prec >= 0)
		s.zero = false;
	out_field(o, &s, prefix, plen, tmp + sizeof(tmp) - dlen, dlen, zeros);
}

static void
out_str(struct out *o, struct spec s, const char *str)
{
	int len = 0;

	if (str == NULL)
		str = "(null)";
	/* With a precision the string need not be NUL-terminated: never look
	 * past prec bytes. */
	while ((s.prec < 0 || len < s.prec) && str[len] != '\0')
		len++;
	s.zero = false;
	out_field(o, &s, "", 0, str, len, 0);
}

/* Parses a decimal field at *p, clamped to FMT_FIELD_MAX. */
static int
parse_num(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		if (v > FMT_FIELD_MAX)
			v = FMT_FIELD_MAX;
		(*p)++;
	}
	return v;
}

/* Flags, width and precision; leaves *p at the length modifier. */
static void
parse_spec(const char **p, struct spec *s, va_list *ap)
{
	for (;; (*p)++) {
		switch (**p) {
		case '-': s->left = true; continue;
		case '0': s->zero = true; continue;
		case '+': s->plus = true; continue;
		case ' ': s->space = true; continue;
		case '#': s->alt = true; continue;
		}
		break;
	}
	if (**p == '*') {
		int w = va_arg(*ap, int);
		(*p)++;
		/* C: a negative '*' width is the '-' flag and a positive width. */
		if (w < 0) {
			s->left = true;
			w = w == INT32_MIN ? FMT_FIELD_MAX : -w;
		}
		s->width = w > FMT_FIELD_MAX ? FMT_FIELD_MAX : w;
	} else {
		s->width = parse_num(p);
	}
	s->prec = -1;
	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			int pr = va_arg(*ap, int);
			(*p)++;
			/* C: a negative '*' precision is as if none were given. */
			s->prec = pr < 0 ? -1 : pr > FMT_FIELD_MAX ? FMT_FIELD_MAX : pr;
		} else {
			s->prec = parse_num(p);
		}
	}
}

enum len_mod { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

static enum len_mod
parse_len(const char **p)
{
	switch (*(*p)++) {
	case 'h':
		if (**p == 'h') { (*p)++; return LEN_HH; }
		return LEN_H;
	case 'l':
		if (**p == 'l') { (*p)++; return LEN_LL; }
		return LEN_L;
	case 'z': return LEN_Z;
	case 'j': return LEN_J;
	case 't': return LEN_T;
	}
	(*p)--;
	return LEN_NONE;
}

/* The argument's type follows from the length modifier (C11 7.21.6.1p7);
 * %zd's "signed size_t" is ptrdiff_t on both our targets. */
static int64_t
arg_signed(va_list *ap, enum len_mod len)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z: return va_arg(*ap, ptrdiff_t);
	case LEN_J: return va_arg(*ap, intmax_t);
	case LEN_T: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t
arg_unsigned(va_list *ap, enum len_mod len)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z: return va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, uintmax_t);
	case LEN_T: return (size_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* One conversion starting just after the '%'; returns the position after it. */
static const char *
convert(struct out *o, const char *p, va_list *ap)
{
	struct spec s = { 0 };
	enum len_mod len;
	char c;

	parse_spec(&p, &s, ap);
	len = parse_len(&p);
	switch (c = *p) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, len);
		/* Negate in unsigned arithmetic: -INT64_MIN overflows. */
		out_int(o, s, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false);
		break;
	}
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		/* C: '+' and ' ' apply to signed conversions only. */
		s.plus = s.space = false;
		out_int(o, s, arg_unsigned(ap, len), false,
		    c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X');
		break;
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		s.zero = false;
		out_field(o, &s, "", 0, &ch, 1, 0);
		break;
	}
	case 's': out_str(o, s, va_arg(*ap, const char *)); break;
	case 'p':
		/* Always "0x" and all 16 digits, so addresses line up in the log. */
		s.prec = 16;
		s.alt = s.ptr = true;
		s.plus = s.space = false;	/* a pointer has no sign */
		out_int(o, s, (uint64_t)(uintptr_t)va_arg(*ap, void *), false, 16, false);
		break;
	case '%': out_char(o, '%'); break;
	case '\0':
		/* A lone '%' at the end: print it rather than read past the NUL. */
		out_char(o, '%');
		return p;
	default:
		/* Undefined in C; show it so the bad format is visible in the log. */
		out_char(o, '%');
		out_char(o, c);
		break;
	}
	return p + 1;
}

int
fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { buf, n, 0 };
	const char *p = fmt;
	va_list aq;

	/* A copy we can pass by pointer: va_list may be an array type. */
	va_copy(aq, ap);
	while (*p != '\0') {
		if (*p != '%') {
			out_char(&o, *p++);
			continue;
		}
		p = convert(&o, p + 1, &aq);
	}
	va_end(aq);
	if (n > 0)
		buf[o.pos < n ? o.pos : n - 1] = '\0';
	return o.pos > INT32_MAX ? INT32_MAX : (int)o.pos;
}

int
fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

#ifdef FMT_LIBC_NAMES
/* Built into the apps' C runtime (fomos-cc says -DFMT_LIBC_NAMES): the
 * same two functions under C's names, for <stdio.h>. */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) __attribute__((alias("fmt_vsnprintf")));
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((alias("fmt_snprintf")));
#endif
