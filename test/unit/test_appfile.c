/* appfile: the loader's checks on app files, from a hand-built image that
 * has every part (code, constants, a relocation table, data, bss), damaged
 * one field at a time, and from the real hello.app the SDK builds.  Every
 * check runs on a copy in an exactly sized buffer, so ASan sees overreads. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "appfile.h"
#include "fomos.h"
#include "unit.h"

/*
 * The image every test starts from:
 *
 *   [0x0000, 0x1000)  header
 *   [0x1000, 0x2000)  code, entry at 0x1010
 *   [0x2000, 0x3000)  constants: the relocation table at 0x2000, a string at 0x2100
 *   [0x3000, 0x3100)  data: three pointers, filled by relocation
 *   [0x3100, 0x4000)  bss
 */
#define APP_CODE	0x1000
#define APP_CODE_END	0x2000
#define APP_RELA	0x2000
#define APP_STRING	0x2100
#define APP_DATA	0x3000
#define APP_FILE	0x3100
#define APP_MEM		0x4000
#define APP_ENTRY	0x1010
#define APP_NRELA	3
#define APP_CTX		1		/* the context version the kernel speaks here */
#define APP_BASE	(1ull << 40)	/* where exec.c puts the first app's home */

/* Where each pointer in data lands and what it points at. */
static const struct appfile_rela app_relocs[APP_NRELA] = {
	{ APP_DATA + 0x00, R_X86_64_RELATIVE, APP_STRING },	/* a string */
	{ APP_DATA + 0x08, R_X86_64_RELATIVE, APP_ENTRY },	/* a function */
	{ APP_DATA + 0x10, R_X86_64_RELATIVE, APP_DATA + 0x40 },	/* data itself */
};

static uint8_t app[APP_FILE];

static struct appfile_header *
hdr(void)
{
	return (struct appfile_header *)app;
}

static struct appfile_rela *
rela(uint64_t i)
{
	return (struct appfile_rela *)(app + APP_RELA + i * sizeof(struct appfile_rela));
}

/* Rebuilds the valid image in app[] and returns its header. */
static struct appfile_header *
fresh(void)
{
	struct appfile_header *h = hdr();

	memset(app, 0, sizeof(app));
	h->magic = APPFILE_MAGIC;
	h->format = APPFILE_FORMAT;
	h->ctx_version = 1;
	h->entry = APP_ENTRY;
	h->file_size = APP_FILE;
	h->mem_size = APP_MEM;
	h->code_start = APP_CODE;
	h->code_end = APP_CODE_END;
	h->data_start = APP_DATA;
	h->reloc_offset = APP_RELA;
	h->reloc_count = APP_NRELA;
	strcpy(h->name, "tester");
	memset(app + APP_CODE, 0xcc, APP_CODE_END - APP_CODE);	/* int3 */
	app[APP_ENTRY] = 0xc3;					/* ret */
	memcpy(app + APP_RELA, app_relocs, sizeof(app_relocs));
	strcpy((char *)app + APP_STRING, "hello from rodata");
	memset(app + APP_DATA + 0x18, 0x5a, APP_FILE - APP_DATA - 0x18);
	return h;
}

/* appfile_check on a heap copy of file[0..size); the copy is exactly size
 * bytes.  why is always a string afterwards. */
static int
check_copy(const uint8_t *file, uint64_t size, uint32_t ctx, char *why, size_t why_len)
{
	uint8_t *copy = malloc(size ? size : 1);
	int r;

	memcpy(copy, file, size);
	why[0] = '\0';
	r = appfile_check(copy, size, ctx, why, why_len);
	free(copy);
	return r;
}

/* The file must be refused, for a reason that contains `want`. */
#define CHECK_REFUSED(size, want)	check_refused(__FILE__, __LINE__, (size), (want))

static void
check_refused(const char *file, int line, uint64_t size, const char *want)
{
	char why[200];
	int r = check_copy(app, size, APP_CTX, why, sizeof(why));

	if (r != -1)
		unit_fail(file, line, "accepted (returned %d); expected refusal for \"%s\"", r, want);
	else if (strstr(why, want) == NULL)
		unit_fail(file, line, "reason \"%s\" lacks \"%s\"", why, want);
}

#define CHECK_ACCEPTED(size)	check_accepted(__FILE__, __LINE__, (size))

static void
check_accepted(const char *file, int line, uint64_t size)
{
	char why[200];

	if (check_copy(app, size, APP_CTX, why, sizeof(why)) != 0)
		unit_fail(file, line, "refused: %s", why);
}

static uint64_t
word_at(const uint8_t *image, uint64_t off)
{
	uint64_t v;

	memcpy(&v, image + off, sizeof(v));
	return v;
}

void
appfile_accepts_a_well_formed_app_and_relocates_its_pointers(void)
{
	uint8_t *image = calloc(1, APP_MEM), *want = calloc(1, APP_MEM);

	fresh();
	CHECK_ACCEPTED(APP_FILE);

	/* As exec.c loads it: copy, zeroed bss, relocate for the home. */
	memcpy(image, app, APP_FILE);
	memcpy(want, app, APP_FILE);
	appfile_relocate(image, APP_BASE);
	CHECK_EQ_U64(word_at(image, APP_DATA + 0x00), APP_BASE + APP_STRING);
	CHECK_EQ_U64(word_at(image, APP_DATA + 0x08), APP_BASE + APP_ENTRY);
	CHECK_EQ_U64(word_at(image, APP_DATA + 0x10), APP_BASE + APP_DATA + 0x40);

	/* Nothing else changed: header, code, the table, other data, bss. */
	for (int i = 0; i < APP_NRELA; i++) {
		uint64_t v = APP_BASE + (uint64_t)app_relocs[i].addend;
		memcpy(want + app_relocs[i].offset, &v, sizeof(v));
	}
	CHECK(memcmp(image, want, APP_MEM) == 0);
	free(image);
	free(want);
}

void
appfile_accepts_apps_at_every_boundary_the_format_allows(void)
{
	struct appfile_header *h;
	char why[200];

	/* An older context version runs on a newer kernel. */
	fresh();
	CHECK_EQ_U64(check_copy(app, APP_FILE, 7, why, sizeof(why)), 0);

	/* No relocations, no bss, no data: code only. */
	h = fresh();
	h->reloc_count = 0;
	h->reloc_offset = 0;
	h->file_size = h->mem_size = h->data_start = APP_CODE_END;
	CHECK_ACCEPTED(APP_CODE_END);

	/* A 31-character name; the entry on the code's first and last byte. */
	h = fresh();
	memset(h->name, 'n', APPFILE_NAME_MAX - 1);
	h->entry = APP_CODE;
	CHECK_ACCEPTED(APP_FILE);
	h->entry = APP_CODE_END - 1;
	CHECK_ACCEPTED(APP_FILE);

	/* The biggest memory size; a relocation on the last word of data,
	 * pointing at the image's first and last byte. */
	h = fresh();
	h->mem_size = APPFILE_MEM_MAX;
	CHECK_ACCEPTED(APP_FILE);
	h = fresh();
	rela(0)->offset = APP_FILE - 8;
	rela(0)->addend = 0;
	rela(1)->addend = APP_MEM - 1;
	CHECK_ACCEPTED(APP_FILE);

	/* The relocation table may end exactly at the end of the constants. */
	h = fresh();
	h->reloc_offset = APP_DATA - APP_NRELA * sizeof(struct appfile_rela);
	memcpy(app + h->reloc_offset, app_relocs, sizeof(app_relocs));
	CHECK_ACCEPTED(APP_FILE);
}

void
appfile_file_shorter_than_the_header_is_refused(void)
{
	static const uint64_t sizes[] = { 0, 1, 8, 100, sizeof(struct appfile_header) - 1 };
	char want[64];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fresh();
		snprintf(want, sizeof(want), "truncated: %llu bytes", (unsigned long long)sizes[i]);
		CHECK_REFUSED(sizes[i], want);
	}
	CHECK_REFUSED(100, "the header alone needs 112");
}

void
appfile_wrong_magic_is_refused(void)
{
	fresh();
	memcpy(app, "MZ\x90\x00\x03\x00\x00\x00", 8);	/* someone copied a .exe */
	CHECK_REFUSED(APP_FILE, "not a Fomos app (bad magic)");
	fresh();
	hdr()->magic = __builtin_bswap64(APPFILE_MAGIC);
	CHECK_REFUSED(APP_FILE, "bad magic");
}

void
appfile_unknown_format_is_refused(void)
{
	fresh()->format = 2;
	CHECK_REFUSED(APP_FILE, "app file format 2, this kernel reads format 1");
	fresh()->format = 0;
	CHECK_REFUSED(APP_FILE, "app file format 0");
	fresh()->format = 0xffffffff;
	CHECK_REFUSED(APP_FILE, "app file format 4294967295");
}

void
appfile_context_version_0_or_newer_than_the_kernel_is_refused(void)
{
	char why[200];

	fresh()->ctx_version = 0;
	CHECK_REFUSED(APP_FILE, "needs context version 0, this kernel speaks 1");
	fresh()->ctx_version = 2;
	CHECK_REFUSED(APP_FILE, "needs context version 2, this kernel speaks 1");
	fresh()->ctx_version = 0xffffffff;
	CHECK_REFUSED(APP_FILE, "needs context version 4294967295");
	/* The same app is fine on a kernel that speaks version 2. */
	fresh()->ctx_version = 2;
	CHECK_EQ_U64(check_copy(app, APP_FILE, 2, why, sizeof(why)), 0);
}

void
appfile_file_size_must_be_the_real_size(void)
{
	uint8_t *padded = calloc(1, APP_FILE + 4096);
	char why[200];

	/* Cut short: a bad download or a full disk. */
	fresh();
	CHECK_REFUSED(APP_FILE - 1, "header says 12544 bytes, the file has 12543 (truncated or padded)");
	CHECK_REFUSED(4096, "the file has 4096");
	CHECK_REFUSED(sizeof(struct appfile_header), "the file has 112");

	/* Padded: a FAT cluster's worth of zeros after the end. */
	memcpy(padded, app, APP_FILE);
	CHECK_EQ_U64(check_copy(padded, APP_FILE + 4096, APP_CTX, why, sizeof(why)), -1);
	CHECK_STR(why, "header says 12544 bytes, the file has 16640 (truncated or padded)");
	CHECK_EQ_U64(check_copy(padded, APP_FILE + 1, APP_CTX, why, sizeof(why)), -1);
	CHECK(strstr(why, "the file has 12545") != NULL);
	free(padded);

	/* A header that claims less than it has is refused the same way. */
	fresh()->file_size = APP_FILE - 0x100;
	CHECK_REFUSED(APP_FILE, "header says 12288 bytes, the file has 12544");
}

void
appfile_memory_size_below_the_file_or_over_the_limit_is_refused(void)
{
	fresh()->mem_size = APP_FILE - 1;
	CHECK_REFUSED(APP_FILE, "memory size 12543 does not fit (file 12544, limit 268435456)");
	fresh()->mem_size = 0;
	CHECK_REFUSED(APP_FILE, "memory size 0 does not fit");
	fresh()->mem_size = APPFILE_MEM_MAX + 1;
	CHECK_REFUSED(APP_FILE, "memory size 268435457 does not fit");
	fresh()->mem_size = UINT64_MAX;
	CHECK_REFUSED(APP_FILE, "memory size 18446744073709551615 does not fit");
}

void
appfile_unaligned_or_disordered_sections_are_refused(void)
{
	static const char why[] = "sections out of order or not page aligned";
	struct appfile_header *h;

	/* Not on a page boundary: the kernel maps each part with its own rights. */
	fresh()->code_start = APP_CODE + 8;
	CHECK_REFUSED(APP_FILE, why);
	h = fresh();
	h->code_end = APP_CODE_END + 8;
	CHECK_REFUSED(APP_FILE, why);
	fresh()->data_start = APP_DATA + 0x800;
	CHECK_REFUSED(APP_FILE, why);

	/* Code inside the header page. */
	h = fresh();
	h->code_start = 0;
	h->entry = 0x10;
	CHECK_REFUSED(APP_FILE, why);

	/* Out of order. */
	h = fresh();
	h->code_start = APP_CODE_END;
	h->code_end = APP_CODE;
	CHECK_REFUSED(APP_FILE, why);
	h = fresh();
	h->code_end = APP_DATA + 0x1000;
	CHECK_REFUSED(APP_FILE, why);		/* code runs into data */
	fresh()->data_start = APP_MEM + 0x1000;
	CHECK_REFUSED(APP_FILE, why);		/* data starts past the end */

	/* Code that is not in the file (it would be bss: zeros). */
	h = fresh();
	h->code_end = h->data_start = APP_MEM;
	CHECK_REFUSED(APP_FILE, why);
}

void
appfile_entry_outside_the_code_is_refused(void)
{
	static const uint64_t entries[] = {
		0, 0x70, APP_CODE - 1, APP_CODE_END, APP_STRING, APP_DATA, APP_MEM, UINT64_MAX,
	};
	char want[64];

	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		fresh()->entry = entries[i];
		snprintf(want, sizeof(want), "entry point 0x%llx is not in the code",
		    (unsigned long long)entries[i]);
		CHECK_REFUSED(APP_FILE, want);
	}
}

void
appfile_relocation_table_outside_the_file_is_refused(void)
{
	static const char why[] = "relocation table outside the read-only part of the image";
	struct appfile_header *h;

	/* Starting past the end, or running over it. */
	fresh()->reloc_offset = APP_FILE + 8;
	CHECK_REFUSED(APP_FILE, why);
	fresh()->reloc_offset = UINT64_MAX - 7;
	CHECK_REFUSED(APP_FILE, why);
	h = fresh();
	h->reloc_offset = APP_FILE - 2 * sizeof(struct appfile_rela);
	h->reloc_count = 3;
	CHECK_REFUSED(APP_FILE, why);
	fresh()->reloc_count = (APP_FILE - APP_RELA) / sizeof(struct appfile_rela) + 1;
	CHECK_REFUSED(APP_FILE, why);

	/* Counts whose size in bytes wraps around 2^64. */
	fresh()->reloc_count = 1ull << 61;		/* 24 << 61 == 0 (mod 2^64) */
	CHECK_REFUSED(APP_FILE, why);
	fresh()->reloc_count = 0xaaaaaaaaaaaaaab;	/* 24 * this == 8 (mod 2^64) */
	CHECK_REFUSED(APP_FILE, why);
	fresh()->reloc_count = UINT64_MAX;
	CHECK_REFUSED(APP_FILE, why);

	/* Misaligned: the entries are read as 8-byte words. */
	h = fresh();
	h->reloc_offset = APP_RELA + 4;
	memmove(app + APP_RELA + 4, app + APP_RELA, sizeof(app_relocs));
	CHECK_REFUSED(APP_FILE, "relocation table");
}

void
appfile_relocation_other_than_relative_is_refused(void)
{
	/* R_X86_64_64 needs a symbol table an app does not have. */
	fresh();
	rela(1)->info = 1;
	CHECK_REFUSED(APP_FILE, "relocation 1 has type 1; only R_X86_64_RELATIVE is allowed");
	fresh();
	rela(0)->info = 0;				/* R_X86_64_NONE */
	CHECK_REFUSED(APP_FILE, "relocation 0 has type 0");
	fresh();
	rela(2)->info = 7;				/* R_X86_64_JUMP_SLOT */
	CHECK_REFUSED(APP_FILE, "relocation 2 has type 7");
	/* RELATIVE, but naming a symbol. */
	fresh();
	rela(2)->info = (1ull << 32) | R_X86_64_RELATIVE;
	CHECK_REFUSED(APP_FILE, "relocation 2 has type 8; only R_X86_64_RELATIVE is allowed");
}

void
appfile_relocation_writing_outside_the_data_is_refused(void)
{
	static const uint64_t offsets[] = {
		0, 0x40, APP_ENTRY, APP_RELA, APP_DATA - 8, APP_MEM - 4, APP_MEM,
		APP_MEM + 8, UINT64_MAX - 7, UINT64_MAX,
	};
	char want[96];

	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		fresh();
		rela(1)->offset = offsets[i];
		snprintf(want, sizeof(want), "relocation 1 writes at 0x%llx, outside the app's data",
		    (unsigned long long)offsets[i]);
		CHECK_REFUSED(APP_FILE, want);
	}
	/* Misaligned, inside data. */
	fresh();
	rela(2)->offset = APP_DATA + 0x14;
	CHECK_REFUSED(APP_FILE, "relocation 2 writes at 0x3014");
}

void
appfile_relocation_pointing_outside_the_image_is_refused(void)
{
	static const int64_t addends[] = { -1, -4096, APP_MEM + 1, APP_MEM + 8, INT64_MAX, INT64_MIN };
	char want[96];

	for (size_t i = 0; i < sizeof(addends) / sizeof(addends[0]); i++) {
		fresh();
		rela(2)->addend = addends[i];
		snprintf(want, sizeof(want), "relocation 2 points at 0x%llx, outside the image",
		    (unsigned long long)addends[i]);
		CHECK_REFUSED(APP_FILE, want);
	}
	/* One past the end is a valid C pointer (the end of the last buffer). */
	fresh();
	rela(2)->addend = APP_MEM;
	CHECK_ACCEPTED(APP_FILE);
}

void
appfile_name_missing_or_unterminated_is_refused(void)
{
	struct appfile_header *h;

	h = fresh();
	memset(h->name, 0, sizeof(h->name));
	CHECK_REFUSED(APP_FILE, "app name missing, not terminated");
	h = fresh();
	memset(h->name, 'x', sizeof(h->name));
	CHECK_REFUSED(APP_FILE, "app name missing, not terminated");
	/* Names go into log lines: a newline or an escape could fake one. */
	h = fresh();
	memcpy(h->name, "evil\nkernel: ready", 19);
	CHECK_REFUSED(APP_FILE, "not of A-Z a-z 0-9 _ . -");
	h = fresh();
	memcpy(h->name, "esc\033[2J", 8);
	CHECK_REFUSED(APP_FILE, "not of A-Z a-z 0-9 _ . -");
}

/*
 * The table must sit in the read-only constants (appfile.h): if it lies in
 * data, one relocation can rewrite a later entry before appfile_relocate
 * reads it.  Here entry 0 turns entry 1's r_offset into base + 0x100, so
 * entry 1 would then write at image + base + 0x100: for a kernel that is
 * 1 TiB past the image.  Every entry passes appfile_check on its own.
 */
void
appfile_relocation_table_in_writable_data_is_refused(void)
{
	struct appfile_header *h = fresh();
	struct appfile_rela table[2] = {
		{ APP_DATA + 0x18, R_X86_64_RELATIVE, 0x100 },	/* entry 1's offset */
		{ APP_DATA + 0x80, R_X86_64_RELATIVE, APP_STRING },
	};
	char why[200];

	h->reloc_offset = APP_DATA;
	h->reloc_count = 2;
	memcpy(app + APP_DATA, table, sizeof(table));
	/* Not relocated: if this is accepted, relocating would corrupt memory. */
	if (check_copy(app, APP_FILE, APP_CTX, why, sizeof(why)) == 0)
		unit_fail(__FILE__, __LINE__, "accepted a relocation table in data "
		    "(at 0x%x); appfile_relocate(image, base) would write at image + base + 0x100",
		    APP_DATA);
	else
		CHECK(strstr(why, "relocation") != NULL);
}

void
appfile_reason_fits_the_callers_buffer(void)
{
	char why[8];

	fresh();
	memset(why, 'z', sizeof(why));
	CHECK_EQ_U64(appfile_check(app, 5, APP_CTX, why, sizeof(why)), -1);
	CHECK_STR(why, "truncat");
	/* No buffer at all is allowed too. */
	CHECK_EQ_U64(appfile_check(app, 5, APP_CTX, NULL, 0), -1);
	CHECK_EQ_U64(appfile_check(app, APP_FILE, APP_CTX, NULL, 0), 0);
}

/* Every prefix of the image, in a buffer of exactly that size, both as it is
 * (refused: wrong size) and with a header that claims that size. */
void
appfile_checks_stay_inside_files_cut_at_every_length(void)
{
	char why[200];
	uint8_t *image = calloc(1, APP_MEM);

	for (uint64_t n = 0; n <= APP_FILE; n++) {
		fresh();
		CHECK_EQ_U64(check_copy(app, n, APP_CTX, why, sizeof(why)), n == APP_FILE ? 0 : -1);
		if (n < sizeof(struct appfile_header))
			continue;
		hdr()->file_size = n;
		if (check_copy(app, n, APP_CTX, why, sizeof(why)) == 0) {
			memset(image, 0, APP_MEM);
			memcpy(image, app, n);
			appfile_relocate(image, APP_BASE);
		}
	}
	free(image);
}

/* A small fixed-seed fuzz over the header and the table: whatever is
 * accepted relocates inside an image of exactly mem_size bytes. */
void
appfile_random_damage_is_refused_or_stays_in_the_image(void)
{
	uint32_t seed = 4242;
	int accepted = 0;
	char why[200];

	for (int iter = 0; iter < 20000; iter++) {
		struct appfile_header *h = fresh();
		int flips = 1 + iter % 4;

		for (int k = 0; k < flips; k++) {
			seed = seed * 1103515245 + 12345;
			uint32_t at = (seed >> 8) % (sizeof(*h) + sizeof(app_relocs));
			uint8_t *p = at < sizeof(*h) ? app + at : app + APP_RELA + (at - sizeof(*h));
			seed = seed * 1103515245 + 12345;
			*p ^= (uint8_t)(1u << ((seed >> 16) % 8));
		}
		why[0] = '\0';
		if (check_copy(app, APP_FILE, APP_CTX, why, sizeof(why)) == 0) {
			uint8_t *image = calloc(1, h->mem_size);

			memcpy(image, app, APP_FILE);
			appfile_relocate(image, APP_BASE);
			free(image);
			accepted++;
		} else {
			CHECK(why[0] != '\0');
		}
	}
	/* Some flips hit bytes nobody reads (unused bits of a name, high bits
	 * of a large mem_size): the run exercised both outcomes. */
	CHECK(accepted > 0 && accepted < 20000);
}

/* Reads build/apps/NAME.app; NULL (and a failed check saying why) if it
 * is not there.  Missing means the build is incomplete: that is a failure,
 * not a reason to skip. */
static uint8_t *
read_app(const char *name, uint64_t *len)
{
	char path[4200];
	uint8_t *data = NULL;
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/apps/%s.app", unit_build_dir(), name);
	f = fopen(path, "rb");
	if (f == NULL) {
		unit_fail(__FILE__, __LINE__, "build/apps/%s.app missing: run ninja (looked for %s)",
		    name, path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (data = malloc(n)) != NULL &&
	    fread(data, 1, n, f) != (size_t)n) {
		free(data);
		data = NULL;
	}
	fclose(f);
	if (data == NULL || (uint64_t)n < sizeof(struct appfile_header)) {
		unit_fail(__FILE__, __LINE__, "cannot read %s, or it is too short", path);
		free(data);
		return NULL;
	}
	*len = (uint64_t)n;
	return data;
}

/* The real thing: build/apps/hello.app, made by sdk/fomos-cc. */
void
appfile_hello_built_by_the_sdk_is_accepted(void)
{
	struct appfile_header h;
	uint8_t *file, *image;
	char why[200] = "";
	uint64_t n;

	if ((file = read_app("hello", &n)) == NULL)
		return;
	/* Built against today's sdk/fomos.h: it needs today's context. */
	if (appfile_check(file, n, FOMOS_CTX_VERSION, why, sizeof(why)) != 0) {
		unit_fail(__FILE__, __LINE__, "hello.app refused: %s", why);
		free(file);
		return;
	}
	memcpy(&h, file, sizeof(h));
	CHECK_STR(h.name, "hello");
	CHECK_EQ_U64(h.ctx_version, FOMOS_CTX_VERSION);
	CHECK_EQ_U64(h.file_size, n);
	CHECK(h.entry >= h.code_start && h.entry < h.code_end);
	CHECK(h.mem_size >= h.file_size && h.mem_size <= APPFILE_MEM_MAX);
	/* As the kernel loads it: code and constants stay as they are. */
	image = calloc(1, h.mem_size);
	memcpy(image, file, n);
	appfile_relocate(image, APP_BASE);
	CHECK(memcmp(image, file, h.data_start) == 0);
	free(image);
	/* One byte short, it is refused. */
	CHECK_EQ_U64(check_copy(file, n - 1, FOMOS_CTX_VERSION, why, sizeof(why)), -1);
	CHECK(strstr(why, "truncated or padded") != NULL);
	free(file);
}

/* test/apps/tables.c keeps strings and function pointers in data: the SDK
 * emits one RELATIVE relocation per pointer, all of which must land. */
void
appfile_sdk_pointer_tables_are_relocated_for_the_home(void)
{
	struct appfile_header h;
	uint8_t *file, *image;
	char why[200] = "";
	uint64_t n, code = 0;

	if ((file = read_app("tables", &n)) == NULL)
		return;
	if (appfile_check(file, n, FOMOS_CTX_VERSION, why, sizeof(why)) != 0) {
		unit_fail(__FILE__, __LINE__, "tables.app refused: %s", why);
		free(file);
		return;
	}
	memcpy(&h, file, sizeof(h));
	/* Three strings, two functions, three pointers in a struct, one to it. */
	CHECK(h.reloc_count >= 9);
	/* The table lies in the constants, where fomos-cc's script puts it. */
	CHECK(h.reloc_offset >= h.code_end);
	CHECK(h.reloc_offset + h.reloc_count * sizeof(struct appfile_rela) <= h.data_start);
	image = calloc(1, h.mem_size);
	memcpy(image, file, n);
	appfile_relocate(image, APP_BASE);
	for (uint64_t i = 0; i < h.reloc_count; i++) {
		struct appfile_rela r;

		memcpy(&r, file + h.reloc_offset + i * sizeof(r), sizeof(r));
		CHECK_EQ_U64(word_at(image, r.offset), APP_BASE + (uint64_t)r.addend);
		code += (uint64_t)r.addend >= h.code_start && (uint64_t)r.addend < h.code_end;
	}
	CHECK_EQ_U64(code, 2);		/* twice() and square() */
	free(image);
	free(file);
}

void
appfile_wrpkru_anywhere_in_the_code_is_refused(void)
{
	/* At the entry, at an odd offset inside another instruction's bytes,
	 * and as the very last three bytes of the code. */
	fresh();
	memcpy(app + APP_ENTRY, "\x0f\x01\xef", 3);
	CHECK_REFUSED(APP_FILE, "contains WRPKRU");
	fresh();
	memcpy(app + APP_CODE + 0x101, "\x48\x0f\x01\xef", 4);
	CHECK_REFUSED(APP_FILE, "0f 01 ef at offset 0x1102");
	fresh();
	memcpy(app + APP_CODE_END - 3, "\x0f\x01\xef", 3);
	CHECK_REFUSED(APP_FILE, "WRPKRU");
	/* The same bytes in data (never executable) are anyone's business, and
	 * a near miss in the code is fine. */
	fresh();
	memcpy(app + APP_DATA + 0x20, "\x0f\x01\xef", 3);
	CHECK_ACCEPTED(APP_FILE);
	fresh();
	memcpy(app + APP_CODE + 0x10, "\x0f\x01\xee\x0f\x01\xee", 6);	/* rdpkru, twice */
	CHECK_ACCEPTED(APP_FILE);
}
