/*
 * The reference for kernel/bench/bench_disk.c: the same reads through OVMF's own
 * block driver (BlockIo on the device we were loaded from), measured in the
 * same boot.  BlockIo is synchronous, so the firmware has one request in
 * flight at a time.  The firmware has no calibrated clock: the TSC ticks go
 * into boot_info and the kernel turns them into time.
 */
#include "efi_diskbench.h"
#include "lib.h"

static uint64_t efi_diskbench_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

const char *efi_diskbench(EFI_BOOT_SERVICES *bs, EFI_HANDLE device, struct boot_diskbench *out)
{
	EFI_GUID bio_guid = BLOCK_IO_PROTOCOL;
	EFI_BLOCK_IO *bio;
	EFI_PHYSICAL_ADDRESS buf;
	uint64_t bytes, sectors, off, blocks, state = BENCH_DISK_SEED, t0;
	uint32_t bsize, i;
	const char *why = NULL;

	if (!device || bs->HandleProtocol(device, &bio_guid, (void **)&bio) != EFI_SUCCESS)
		return "the boot device has no BlockIo";
	bsize = bio->Media->BlockSize;
	if (!bsize || bsize > BENCH_DISK_RAND_REQ || BENCH_DISK_RAND_REQ % bsize)
		return "the boot device's block size does not divide 4 KiB";
	bytes = (bio->Media->LastBlock + 1) * bsize;
	sectors = bytes / 512;
	if (bytes < BENCH_DISK_SEQ_REQ)
		return "the boot device is smaller than one request";
	/* Page-aligned, which satisfies any IoAlign the firmware asks for. */
	if (bs->AllocatePages(AllocateAnyPages, EfiLoaderData, BENCH_DISK_SEQ_REQ / 4096, &buf) != EFI_SUCCESS)
		return "no memory for the buffer";
	out->seq_bytes = ALIGN_DOWN(MIN(bytes, BENCH_DISK_SEQ_BYTES), BENCH_DISK_SEQ_REQ);
	t0 = efi_diskbench_rdtsc();
	for (off = 0; off < out->seq_bytes && !why; off += BENCH_DISK_SEQ_REQ)
		if (bio->ReadBlocks(bio, bio->Media->MediaId, off / bsize, BENCH_DISK_SEQ_REQ,
		    (void *)(uintptr_t)buf) != EFI_SUCCESS)
			why = "a sequential read failed";
	out->seq_tsc = efi_diskbench_rdtsc() - t0;
	blocks = bytes / BENCH_DISK_RAND_REQ;
	t0 = efi_diskbench_rdtsc();
	for (i = 0; i < BENCH_DISK_RAND_COUNT && !why; i++) {
		off = bench_disk_next(&state, blocks) * BENCH_DISK_RAND_REQ;
		if (bio->ReadBlocks(bio, bio->Media->MediaId, off / bsize, BENCH_DISK_RAND_REQ,
		    (void *)(uintptr_t)buf) != EFI_SUCCESS)
			why = "a random read failed";
	}
	out->rand_tsc = efi_diskbench_rdtsc() - t0;
	bs->FreePages(buf, BENCH_DISK_SEQ_REQ / 4096);
	if (!why)
		out->sectors = sectors;
	return why;
}
