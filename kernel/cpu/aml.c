/*
 * Finding \_S5 in AML (ACPI 6.5, section 20: the AML grammar).
 *
 * We do not interpret AML.  The sleep-type values for soft-off live in a
 * named package the firmware declares as
 *
 *	DefName   := NameOp(0x08) NameString DataRefObject
 *	NameString:= ['\'] "_S5_"
 *	DefPackage:= PackageOp(0x12) PkgLength NumElements PackageElementList
 *
 * so a byte scan for "_S5_" right behind NameOp finds it in every DSDT we
 * know of.  The table comes from firmware and may be truncated or odd:
 * every read is bounds-checked, and a candidate that does not parse makes us
 * look further rather than trust it.
 */
#include <stdint.h>
#include <stdbool.h>
#include "aml.h"

#define AML_NAME_OP	0x08
#define AML_PACKAGE_OP	0x12
#define AML_ZERO_OP	0x00
#define AML_ONE_OP	0x01
#define AML_BYTE_PREFIX	0x0a
#define AML_WORD_PREFIX	0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_ROOT_CHAR	'\\'

/* A cursor that cannot go past end. */
struct cur {
	const uint8_t *p;
	uint64_t pos, end;
};

static bool
take(struct cur *c, uint8_t *b)
{
	if (c->pos >= c->end)
		return false;
	*b = c->p[c->pos++];
	return true;
}

/* PkgLength (20.2.4): bits 7-6 of the lead byte count the bytes that follow;
 * with none, bits 5-0 are the length, otherwise bits 3-0 are its low nibble
 * and each following byte adds 8 more bits.  The length counts itself, so
 * the package ends at start + length, where start is the lead byte. */
static bool
pkg_length(struct cur *c, uint64_t *pkg_end)
{
	uint64_t start = c->pos, length;
	uint8_t lead, b;
	int follow, i;

	if (!take(c, &lead))
		return false;
	follow = lead >> 6;
	length = follow == 0 ? lead & 0x3f : lead & 0x0f;
	for (i = 0; i < follow; i++) {
		if (!take(c, &b))
			return false;
		length |= (uint64_t)b << (4 + 8 * i);
	}
	if (length < c->pos - start || length > c->end - start)
		return false;
	*pkg_end = start + length;
	return true;
}

/* One element as a byte: the sleep types are 3-bit values, so a wider
 * integer only contributes its low byte. */
static bool
element(struct cur *c, uint8_t *v)
{
	uint8_t op, b, skip;

	if (!take(c, &op))
		return false;
	switch (op) {
	case AML_ZERO_OP: *v = 0; return true;
	case AML_ONE_OP: *v = 1; return true;
	case AML_BYTE_PREFIX: skip = 0; break;
	case AML_WORD_PREFIX: skip = 1; break;
	case AML_DWORD_PREFIX: skip = 3; break;
	default: return false;
	}
	if (!take(c, v))
		return false;
	while (skip-- > 0)
		if (!take(c, &b))
			return false;
	return true;
}

/* Parses the package that should follow a "_S5_" ending at pos. */
static bool
s5_package(const uint8_t *aml, uint64_t len, uint64_t pos, uint8_t *a, uint8_t *b)
{
	struct cur c = { aml, pos, len };
	uint64_t pkg_end;
	uint8_t op, n;

	if (!take(&c, &op) || op != AML_PACKAGE_OP || !pkg_length(&c, &pkg_end))
		return false;
	/* From here on, the package's own length is the bound. */
	c.end = pkg_end;
	if (!take(&c, &n) || n < 2)
		return false;
	return element(&c, a) && element(&c, b);
}

int
aml_find_s5(const uint8_t *aml, uint64_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	uint8_t a, b;

	if (aml == 0 || len < 5)
		return -1;
	for (uint64_t i = 1; i + 4 <= len; i++) {
		if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' || aml[i + 3] != '_')
			continue;
		/* Only a definition: "_S5_" in a method body or a longer
		 * name path is not preceded by NameOp. */
		if (aml[i - 1] != AML_NAME_OP &&
		    !(i >= 2 && aml[i - 1] == AML_ROOT_CHAR && aml[i - 2] == AML_NAME_OP))
			continue;
		if (s5_package(aml, len, i + 4, &a, &b)) {
			*slp_typa = a;
			*slp_typb = b;
			return 0;
		}
	}
	return -1;
}
