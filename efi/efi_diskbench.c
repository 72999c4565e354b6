/*
 * The reference for kernel/bench/bench_disk.c: the same reads through OVMF's own
 * block drivers (BlockIo on the device we were loaded from, and on a USB
 * stick if there is one), measured in the same boot.  BlockIo is synchronous, so the firmware has one request in
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

/* The same reads through one BlockIo. */
static const char *efi_diskbench_bio(EFI_BOOT_SERVICES *bs, EFI_BLOCK_IO *bio, struct boot_diskbench *out)
{
	EFI_PHYSICAL_ADDRESS buf;
	uint64_t bytes, sectors, off, blocks, state = BENCH_DISK_SEED, t0;
	uint32_t bsize, i;
	const char *why = NULL;

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

const char *efi_diskbench(EFI_BOOT_SERVICES *bs, EFI_HANDLE device, struct boot_diskbench *out)
{
	EFI_GUID bio_guid = BLOCK_IO_PROTOCOL;
	EFI_BLOCK_IO *bio;

	if (!device || bs->HandleProtocol(device, &bio_guid, (void **)&bio) != EFI_SUCCESS)
		return "the boot device has no BlockIo";
	return efi_diskbench_bio(bs, bio, out);
}

/* 1 if the device path goes through a USB port (a MESSAGING_DEVICE_PATH
 * node of subtype MSG_USB_DP, UEFI 2.10, 10.3.4.5). */
static int efi_diskbench_on_usb(EFI_DEVICE_PATH *p)
{
	uint32_t guard;

	for (guard = 0; p && guard < 64 && !IsDevicePathEnd(p); guard++, p = NextDevicePathNode(p)) {
		if ((uint64_t)DevicePathNodeLength(p) < sizeof(*p))
			return 0;
		if (DevicePathType(p) == MESSAGING_DEVICE_PATH && DevicePathSubType(p) == MSG_USB_DP)
			return 1;
	}
	return 0;
}

const char *efi_diskbench_usb(EFI_BOOT_SERVICES *bs, EFI_HANDLE boot, struct boot_diskbench *out)
{
	EFI_GUID bio_guid = BLOCK_IO_PROTOCOL, dp_guid = DEVICE_PATH_PROTOCOL;
	EFI_HANDLE *handles = NULL;
	UINTN count = 0, i;
	const char *why = "no USB disk";

	/* The firmware connected only what it booted from: connect every
	 * controller (recursively) so a USB stick has its BlockIo too. */
	if (bs->LocateHandleBuffer(AllHandles, NULL, NULL, &count, &handles) == EFI_SUCCESS) {
		for (i = 0; i < count; i++)
			bs->ConnectController(handles[i], NULL, NULL, TRUE);
		bs->FreePool(handles);
	}
	handles = NULL;
	count = 0;
	if (bs->LocateHandleBuffer(ByProtocol, &bio_guid, NULL, &count, &handles) != EFI_SUCCESS)
		return "no BlockIo at all";
	for (i = 0; i < count; i++) {
		EFI_BLOCK_IO *bio;
		EFI_DEVICE_PATH *dp;

		if (handles[i] == boot || bs->HandleProtocol(handles[i], &bio_guid, (void **)&bio) != EFI_SUCCESS ||
		    bs->HandleProtocol(handles[i], &dp_guid, (void **)&dp) != EFI_SUCCESS)
			continue;
		/* The whole disk, not one of its partitions. */
		if (bio->Media->LogicalPartition || !bio->Media->MediaPresent || !efi_diskbench_on_usb(dp))
			continue;
		why = efi_diskbench_bio(bs, bio, out);
		break;
	}
	bs->FreePool(handles);
	return why;
}
