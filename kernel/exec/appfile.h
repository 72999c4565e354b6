/*
 * The app file format, and the checks the loader makes before it trusts one.
 *
 * An app file is a flat image, linked at address 0 by sdk/app.ld, that is
 * copied as-is to the app's home and then relocated:
 *
 *   [0, 4096)                 this header (read-only)
 *   [code_start, code_end)    code (read-only, executable)
 *   [code_end, data_start)    constants and the relocation table (read-only)
 *   [data_start, file_size)   initialised data (read-write, no-execute)
 *   [file_size, mem_size)     bss, zeroed by the loader
 *
 * The only relocations are R_X86_64_RELATIVE ones, from pointers in
 * initialised data: "add the load address to the word at r_offset".
 *
 * appfile.c is pure (no allocation, no I/O): the kernel, fomos-host, the
 * unit tests and the fuzzer all run the same checks.
 */
#ifndef APPFILE_H
#define APPFILE_H

#include <stddef.h>
#include <stdint.h>

#define APPFILE_MAGIC		0x505041534f4d4f46ull	/* "FOMOSAPP" */
#define APPFILE_FORMAT		1
#define APPFILE_NAME_MAX	32
#define APPFILE_MEM_MAX		(256ull << 20)	/* code + data + bss; the arena is apart */
#define APPFILE_PAGE		4096ull
#define R_X86_64_RELATIVE	8

struct appfile_header {
	uint64_t magic;
	uint32_t format;		/* APPFILE_FORMAT */
	uint32_t ctx_version;		/* the fomos.h context version it was built against */
	uint64_t entry;			/* offset of start() */
	uint64_t file_size;
	uint64_t mem_size;
	uint64_t code_start, code_end;
	uint64_t data_start;
	uint64_t reloc_offset;		/* Elf64_Rela[reloc_count] */
	uint64_t reloc_count;
	char name[APPFILE_NAME_MAX];	/* NUL-terminated */
};
_Static_assert(sizeof(struct appfile_header) == 112, "sdk/app.ld writes this layout");

struct appfile_rela {
	uint64_t offset;
	uint64_t info;			/* type in the low 32 bits, symbol above */
	int64_t addend;
};

/* Checks every field of file[0..size) against the file's real size.
 * Returns 0, or -1 with a one-line reason in why ("truncated: 100 bytes, the
 * header alone needs 112"). */
int appfile_check(const uint8_t *file, uint64_t size, uint32_t ctx_version,
    char *why, size_t why_len);

/* Applies the relocations to an image already copied to `image` (mem_size
 * bytes, bss zeroed) that will run at address `base`.  Only after
 * appfile_check accepted the file. */
void appfile_relocate(uint8_t *image, uint64_t base);

#endif
