#include "appfile.h"
#include "fmt.h"
#include "lib.h"

#define APPFILE_FAIL(...)	do { fmt_snprintf(why, why_len, __VA_ARGS__); return -1; } while (0)

static int appfile_aligned(uint64_t v)
{
	return (v & (APPFILE_PAGE - 1)) == 0;
}

/* Names end up in log lines: no control characters, no way to fake a line. */
static int appfile_check_name(const char *name)
{
	size_t i, n = strnlen(name, APPFILE_NAME_MAX);

	if (n == 0 || n == APPFILE_NAME_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-'))
			return -1;
	}
	return 0;
}

static int appfile_check_relocs(const uint8_t *file, const struct appfile_header *h,
    char *why, size_t why_len)
{
	uint64_t i;

	for (i = 0; i < h->reloc_count; i++) {
		struct appfile_rela r;

		memcpy(&r, file + h->reloc_offset + i * sizeof(r), sizeof(r));
		if ((uint32_t)r.info != R_X86_64_RELATIVE || r.info >> 32)
			APPFILE_FAIL("relocation %llu has type %u; only R_X86_64_RELATIVE is allowed",
			    (unsigned long long)i, (unsigned)(uint32_t)r.info);
		if (r.offset < h->data_start || r.offset > h->mem_size - 8)
			APPFILE_FAIL("relocation %llu writes at 0x%llx, outside the app's data",
			    (unsigned long long)i, (unsigned long long)r.offset);
		if (r.offset & 7)
			APPFILE_FAIL("relocation %llu writes at 0x%llx, not 8-byte aligned",
			    (unsigned long long)i, (unsigned long long)r.offset);
		/* One past the end is a valid C pointer (the end of a buffer). */
		if (r.addend < 0 || (uint64_t)r.addend > h->mem_size)
			APPFILE_FAIL("relocation %llu points at 0x%llx, outside the image",
			    (unsigned long long)i, (unsigned long long)r.addend);
	}
	return 0;
}

int appfile_check(const uint8_t *file, uint64_t size, uint32_t ctx_version,
    char *why, size_t why_len)
{
	struct appfile_header h;
	uint64_t i;

	if (size < sizeof(h))
		APPFILE_FAIL("truncated: %llu bytes, the header alone needs %u",
		    (unsigned long long)size, (unsigned)sizeof(h));
	memcpy(&h, file, sizeof(h));
	if (h.magic != APPFILE_MAGIC)
		APPFILE_FAIL("not a Fomos app (bad magic)");
	if (h.format != APPFILE_FORMAT)
		APPFILE_FAIL("app file format %u, this kernel reads format %u", h.format, APPFILE_FORMAT);
	if (h.ctx_version == 0 || h.ctx_version > ctx_version)
		APPFILE_FAIL("needs context version %u, this kernel speaks %u", h.ctx_version, ctx_version);
	if (h.file_size != size)
		APPFILE_FAIL("header says %llu bytes, the file has %llu (truncated or padded)",
		    (unsigned long long)h.file_size, (unsigned long long)size);
	if (h.mem_size < h.file_size || h.mem_size > APPFILE_MEM_MAX)
		APPFILE_FAIL("memory size %llu does not fit (file %llu, limit %llu)",
		    (unsigned long long)h.mem_size, (unsigned long long)h.file_size,
		    (unsigned long long)APPFILE_MEM_MAX);
	if (!appfile_aligned(h.code_start) || !appfile_aligned(h.code_end) ||
	    !appfile_aligned(h.data_start) || h.code_start < APPFILE_PAGE ||
	    h.code_start > h.code_end || h.code_end > h.data_start || h.data_start > h.mem_size ||
	    h.code_end > h.file_size)
		APPFILE_FAIL("sections out of order or not page aligned");
	if (h.entry < h.code_start || h.entry >= h.code_end)
		APPFILE_FAIL("entry point 0x%llx is not in the code", (unsigned long long)h.entry);
	if (h.reloc_count && (h.reloc_offset & 7))
		APPFILE_FAIL("relocation table not 8-byte aligned");
	/* The table must sit in the read-only part: relocating reads it while
	 * writing data, and an entry that could rewrite a later entry could
	 * send that one anywhere. */
	if (h.reloc_count && (h.reloc_offset < h.code_end || h.reloc_offset > MIN(h.data_start, size) ||
	    h.reloc_count > (MIN(h.data_start, size) - h.reloc_offset) / sizeof(struct appfile_rela)))
		APPFILE_FAIL("relocation table outside the read-only part of the image");
	if (appfile_check_name(h.name) < 0)
		APPFILE_FAIL("app name missing, not terminated, or not of A-Z a-z 0-9 _ . -");
	/* WRPKRU (0F 01 EF) would let the app open every home's protection
	 * key.  Code is never writable and data never executable, so refusing
	 * it at any byte offset of the code (not only where an instruction
	 * starts: a jump can land anywhere) keeps it out for good (ERIM's
	 * verification). */
	for (i = h.code_start; i + 3 <= h.code_end; i++)
		if (file[i] == 0x0f && file[i + 1] == 0x01 && file[i + 2] == 0xef)
			APPFILE_FAIL("its code contains WRPKRU (0f 01 ef at offset 0x%llx), which would "
			    "undo the protection keys", (unsigned long long)i);
	return appfile_check_relocs(file, &h, why, why_len);
}

void appfile_relocate(uint8_t *image, uint64_t base)
{
	const struct appfile_header *h = (const void *)image;
	uint64_t i;

	for (i = 0; i < h->reloc_count; i++) {
		struct appfile_rela r;
		uint64_t v;

		memcpy(&r, image + h->reloc_offset + i * sizeof(r), sizeof(r));
		v = base + (uint64_t)r.addend;
		memcpy(image + r.offset, &v, sizeof(v));
	}
}
