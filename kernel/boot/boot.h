/*
 * The handoff from efi/ to kernel/.
 *
 * efi/ fills one struct boot_info while boot services still run, exits boot
 * services and calls kernel_main().  Only plain fixed-width types cross this
 * line: no EFI type, no EFI_STATUS, no firmware pointer the kernel would have
 * to call.  Everything a pointer here points to lives in EfiLoaderData memory,
 * which the kernel never reclaims.
 */
#ifndef BOOT_H
#define BOOT_H

#include <stdint.h>
#include "cfg.h"

/* Physical memory, as the kernel sees it. */
enum mem_type {
	MEM_USABLE = 1,		/* free RAM */
	MEM_BOOT_SERVICES,	/* firmware's boot-time code and data: free once we stop using its stack, GDT and page tables */
	MEM_LOADER,		/* our image and everything efi/ allocated for the handoff */
	MEM_ACPI_RECLAIM,	/* ACPI tables; kept, we read them */
	MEM_ACPI_NVS,
	MEM_RUNTIME,		/* UEFI runtime services; never touched */
	MEM_MMIO,
	MEM_RESERVED,
	MEM_BAD,
};

struct mem_region {
	uint64_t base;		/* physical, page aligned */
	uint64_t pages;		/* 4 KiB pages */
	uint32_t type;		/* enum mem_type */
	uint32_t pad;
};

/* Pixel layouts a GOP framebuffer may have. */
enum fb_format {
	FB_NONE = 0,		/* no linear framebuffer: serial only */
	FB_RGBX,		/* byte 0 red, 1 green, 2 blue */
	FB_BGRX,		/* byte 0 blue, 1 green, 2 red */
	FB_BITMASK,		/* masks below say where each channel is */
};

struct boot_fb {
	uint64_t base;		/* physical address of pixel (0,0); 0 if none */
	uint64_t size;		/* bytes */
	uint32_t width, height;
	uint32_t stride;	/* pixels per scan line */
	uint32_t format;	/* enum fb_format */
	uint32_t red_mask, green_mask, blue_mask;	/* FB_BITMASK only */
	uint32_t mode;		/* GOP mode number, for the log */
};

#define BOOT_PATH_MAX	96
#define BOOT_MAX_FILES	256	/* the default ESP holds over 100 (apps, test apps, data) */

/* A file efi/ read from the ESP before exiting boot services. */
struct boot_file {
	char path[BOOT_PATH_MAX];	/* "/fomos/boot.cfg", '/' separated */
	const uint8_t *data;
	uint64_t size;
};

#define BOOT_EARLY_LOG	8192

/*
 * bench=yes: the firmware's own BlockIo driver reading the boot disk, timed
 * by efi/efi_diskbench.c before the exit, for kernel/bench/bench_disk.c to print
 * next to the same reads through our driver.  Both sides use these sizes and
 * counts and bench_disk_next() for the random offsets.
 */
#define BENCH_DISK_SEQ_REQ	(1u << 20)	/* sequential reads: 1 MiB requests */
#define BENCH_DISK_SEQ_BYTES	(32ull << 20)	/* from the start, or the whole disk if smaller */
#define BENCH_DISK_RAND_REQ	4096u		/* random reads: 4 KiB, 4 KiB aligned */
#define BENCH_DISK_RAND_COUNT	1000u
#define BENCH_DISK_SEED		0x9e3779b97f4a7c15ull

struct boot_diskbench {
	uint64_t sectors;	/* the boot disk's size in 512-byte sectors; 0: not measured */
	uint64_t seq_bytes;	/* read sequentially */
	uint64_t seq_tsc;	/* TSC ticks those reads took */
	uint64_t rand_tsc;	/* TSC ticks of BENCH_DISK_RAND_COUNT random reads */
};

/* The 4 KiB block (of `blocks`) the next random read takes: xorshift64. */
static inline uint64_t bench_disk_next(uint64_t *state, uint64_t blocks)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x % blocks;
}

struct boot_info {
	uint64_t tsc_at_entry;		/* rdtsc at the first instruction of efi_main */
	uint64_t image_base;		/* where the firmware loaded our PE image */
	uint64_t image_size;
	uint64_t link_base;		/* the image base the linker chose */
	uint64_t rsdp;			/* ACPI RSDP, 0 if the firmware has none */

	struct boot_fb fb;

	struct mem_region *regions;	/* sorted by base, adjacent same-type regions merged */
	uint32_t region_count;
	uint32_t file_count;
	struct boot_file files[BOOT_MAX_FILES];

	struct boot_cfg cfg;		/* /fomos/boot.cfg, parsed; defaults if absent or bad */

	/* What efi/ printed before the exit, so the kernel's log starts complete. */
	uint32_t early_log_len;
	char early_log[BOOT_EARLY_LOG];

	struct boot_diskbench diskbench;	/* bench=yes only */
	struct boot_diskbench diskbench_usb;	/* bench=yes, a USB stick besides the boot disk */
};

__attribute__((noreturn)) void kernel_main(struct boot_info *bi);

#endif
