/*
 * App paths: see fpath.h.  Only string checks here; that the result stays
 * in the app's folder follows from refusing every component that could
 * climb ("..") or alias (".", empty), and every character FAT would treat
 * specially.
 */
#include "fomos.h"
#include "fpath.h"
#include "lib.h"

static int fpath_app_name_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-' || c == '.'))
			return 0;
		if (i >= FPATH_NAME_MAX)
			return 0;
	}
	return i > 0 && !(i == 1 && s[0] == '.') && !(i == 2 && s[0] == '.' && s[1] == '.') &&
	    s[i - 1] != '.';
}

static int fpath_char_ok(unsigned char c)
{
	return c >= 0x20 && c != 0x7F && c != '\\' && c != '"' && c != '*' && c != ':' &&
	    c != '<' && c != '>' && c != '?' && c != '|';
}

/* Every component of rel: non-empty, not "." or "..", at most 255 bytes,
 * not ending in '.' or ' ', made of allowed characters. */
static int fpath_rel_ok(const char *rel, size_t len)
{
	size_t i, start = 0;

	if (len == 0)
		return 1;
	for (i = 0; i <= len; i++) {
		if (i < len && rel[i] != '/') {
			if (!fpath_char_ok((unsigned char)rel[i]))
				return 0;
			continue;
		}
		if (i == start || i - start > 255)
			return 0;
		if (rel[i - 1] == '.' || rel[i - 1] == ' ')
			return 0;	/* also catches "." and ".." */
		start = i + 1;
	}
	return 1;
}

int fpath_app(const char *app_name, const char *rel, char *out, size_t cap)
{
	static const char prefix[] = "/fomos/data/";
	size_t nlen, rlen, need;

	if (!app_name || !rel || !out || !fpath_app_name_ok(app_name))
		return FOMOS_E_PATH;
	rlen = strnlen(rel, FPATH_REL_MAX + 1);
	if (rlen > FPATH_REL_MAX || !fpath_rel_ok(rel, rlen))
		return FOMOS_E_PATH;
	nlen = strlen(app_name);
	need = sizeof(prefix) - 1 + nlen + (rlen ? 1 + rlen : 0) + 1;
	if (need > cap)
		return FOMOS_E_PATH;
	memcpy(out, prefix, sizeof(prefix) - 1);
	memcpy(out + sizeof(prefix) - 1, app_name, nlen);
	need = sizeof(prefix) - 1 + nlen;
	if (rlen) {
		out[need++] = '/';
		memcpy(out + need, rel, rlen);
		need += rlen;
	}
	out[need] = 0;
	return 0;
}

int fpath_same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a;
		char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 32) : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}
