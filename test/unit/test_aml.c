/* aml: hand-assembled AML, good and bad, each in a buffer of its exact
 * size so that ASan sees any read past len. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "aml.h"
#include "unit.h"

/* Runs aml_find_s5 on a heap copy of exactly len bytes. */
static int
find(const uint8_t *aml, uint64_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, aml, len);
	*a = *b = 0xee;
	r = aml_find_s5(copy, len, a, b);
	free(copy);
	return r;
}

/* Emits NameOp "_S5_" PackageOp PkgLength(lenbytes) num elems; returns the
 * bytes written.  Multi-byte lengths need not be minimal, which the spec
 * allows and the parser must accept. */
static size_t
put_s5(uint8_t *out, int lenbytes, uint8_t num, const uint8_t *elems, size_t elen)
{
	size_t n = 0, L = lenbytes + 1 + elen;

	out[n++] = 0x08;
	memcpy(out + n, "_S5_", 4);
	n += 4;
	out[n++] = 0x12;
	if (lenbytes == 1) {
		out[n++] = (uint8_t)L;
	} else {
		out[n++] = (uint8_t)((lenbytes - 1) << 6 | (L & 0x0f));
		for (int i = 1; i < lenbytes; i++)
			out[n++] = (uint8_t)(L >> (4 + 8 * (i - 1)));
	}
	out[n++] = num;
	memcpy(out + n, elems, elen);
	return n + elen;
}

/* A DSDT body shaped like real firmware's: a scope with a device, a method
 * that mentions \_S5 without defining it, the definition, then more. */
static const uint8_t dsdt[] = {
	0x10, 0x12, '\\', '_', 'S', 'B', '_',			/* Scope (\_SB) */
	  0x5b, 0x82, 0x0c, 'P', 'C', 'I', '0',			/*   Device (PCI0) */
	    0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03,
	0x14, 0x0c, '_', 'P', 'T', 'S', 0x01,			/* Method (_PTS, 1) */
	  0x70, '\\', '_', 'S', '5', '_', 0x60,			/*   Store (\_S5, Local0) */
	  0xa4, 0x00,						/*   Return (Zero) */
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,	/* Name (\_S5, Package (4) */
	  0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00,			/*   { 5, 7, 0, 0 }) */
	0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};
#define S5_END	(sizeof(dsdt) - 12)	/* the byte after \_S5's package */

void
aml_finds_s5_in_real_shaped_dsdt(void)
{
	/* QEMU's own DSDT: Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }) */
	static const uint8_t qemu[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t a, b;

	CHECK_EQ_U64(find(dsdt, sizeof(dsdt), &a, &b), 0);
	CHECK_EQ_U64(a, 5);
	CHECK_EQ_U64(b, 7);
	CHECK_EQ_U64(find(qemu, sizeof(qemu), &a, &b), 0);
	CHECK_EQ_U64(a, 0);
	CHECK_EQ_U64(b, 0);
}

void
aml_reads_every_integer_encoding(void)
{
	static const struct {
		uint8_t elems[10];
		size_t len;
		uint8_t a, b;
	} cases[] = {
		{ { 0x00, 0x01 }, 2, 0, 1 },
		{ { 0x01, 0x00 }, 2, 1, 0 },
		{ { 0x0a, 0x06, 0x0a, 0x03 }, 4, 6, 3 },
		{ { 0x0b, 0x05, 0x12, 0x0c, 0x07, 0x34, 0x56, 0x78 }, 8, 5, 7 },
		{ { 0x0c, 0xff, 0xff, 0xff, 0xff, 0x0b, 0x02, 0x00 }, 8, 0xff, 2 },
	};
	uint8_t buf[32], a, b;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = put_s5(buf, 1, 2, cases[i].elems, cases[i].len);
		CHECK_EQ_U64(find(buf, n, &a, &b), 0);
		CHECK_EQ_U64(a, cases[i].a);
		CHECK_EQ_U64(b, cases[i].b);
	}
}

void
aml_handles_multi_byte_pkglength(void)
{
	static uint8_t elems[5000], buf[5100];
	uint8_t a, b;
	size_t n;

	elems[0] = 0x0a;
	elems[1] = 0x03;
	elems[2] = 0x0a;
	elems[3] = 0x04;	/* the rest are ZeroOps */
	for (int lenbytes = 1; lenbytes <= 4; lenbytes++) {
		n = put_s5(buf, lenbytes, 4, elems, 8);
		CHECK_EQ_U64(find(buf, n, &a, &b), 0);
		CHECK_EQ_U64(a, 3);
		CHECK_EQ_U64(b, 4);
		/* One byte short of what the length claims: refused. */
		CHECK_EQ_U64(find(buf, n - 1, &a, &b), -1);
	}
	/* Lengths that need 2 and 3 bytes: 77 and 5003. */
	n = put_s5(buf, 2, 70, elems, 74);
	CHECK_EQ_U64(buf[6], 0x4d);
	CHECK_EQ_U64(buf[7], 0x04);
	CHECK_EQ_U64(find(buf, n, &a, &b), 0);
	n = put_s5(buf, 3, 200, elems, sizeof(elems));
	CHECK_EQ_U64(find(buf, n, &a, &b), 0);
	CHECK_EQ_U64(a, 3);
	CHECK_EQ_U64(find(buf, n - 1, &a, &b), -1);
}

void
aml_skips_s5_that_is_not_a_definition(void)
{
	/* Package-shaped bytes after "_S5_", but behind Store, not NameOp. */
	static const uint8_t decoy[] = {
		0x70, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 0x01, 0x0a, 0x01,
	};
	/* A longer name path ending in _S5_, then the real one. */
	static const uint8_t both[] = {
		0x70, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 0x01, 0x0a, 0x01,
		0x08, 0x2e, 'A', 'B', 'C', 'D', '_', 'S', '5', '_', 0x12, 0x06, 0x02,
		0x01, 0x01,
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x02, 0x00,
	};
	uint8_t a, b;

	CHECK_EQ_U64(find(decoy, sizeof(decoy), &a, &b), -1);
	CHECK_EQ_U64(find(both, sizeof(both), &a, &b), 0);
	CHECK_EQ_U64(a, 2);
	CHECK_EQ_U64(b, 0);
}

void
aml_rejects_truncated_and_malformed_packages(void)
{
	static const uint8_t bad[][14] = {
		{ 0x08, '_', 'S', '5', '_', 0x13, 0x06, 0x04, 0, 0, 0, 0 },	/* not PackageOp */
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x01, 0, 0, 0, 0 },	/* one element */
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0d, 'a', 0, 0 },	/* a string */
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0xff, 0, 0 },	/* OnesOp */
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x04, 0x0a, 0x05, 0, 0 },	/* elements past the package */
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x00, 0x04, 0, 0, 0, 0 },	/* length shorter than itself */
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x00, 0, 0, 0, 0 },	/* 2-byte length of 0 */
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x04, 0, 0, 0, 0 },	/* past the table */
		{ 0x08, '_', 'S', '5', '_', 0x12, 0xcf, 0xff, 0xff, 0xff, 0x04, 0, 0, 0 },
		{ 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0c, 0x05, 0, 0 },	/* short DWord */
	};
	uint8_t a, b;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (find(bad[i], 12, &a, &b) != -1)
			unit_fail(__FILE__, __LINE__, "malformed case %zu accepted", i);
	/* Every cut of the real-shaped table before the package ends. */
	for (size_t n = 0; n < S5_END; n++)
		if (find(dsdt, n, &a, &b) != -1)
			unit_fail(__FILE__, __LINE__, "cut at %zu accepted", n);
	CHECK_EQ_U64(find(dsdt, S5_END, &a, &b), 0);
	CHECK_EQ_U64(aml_find_s5(NULL, 100, &a, &b), -1);
}

void
aml_random_bytes_stay_in_bounds(void)
{
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12 };
	uint8_t buf[64], a, b;
	uint32_t seed = 3;

	for (int iter = 0; iter < 20000; iter++) {
		size_t n = iter % sizeof(buf);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			/* Small values, so opcodes and lengths come up often. */
			buf[i] = (uint8_t)((seed >> 16) % 20);
		}
		if (n > sizeof(s5)) {
			size_t at = (seed >> 8) % (n - sizeof(s5) + 1);
			memcpy(buf + at, s5, sizeof(s5));
		}
		if (find(buf, n, &a, &b) == 0)
			CHECK(a != 0xee && b != 0xee);
	}
}
