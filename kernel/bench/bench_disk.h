/*
 * ninja bench, storage: our virtio-blk and USB mass-storage drivers against
 * the firmware's BlockIo on the same disks, in the same boot
 * (kernel/bench/bench_disk.c).
 */
#ifndef BENCH_DISK_H
#define BENCH_DISK_H

#include "boot.h"

/* The firmware's figures (boot_info.diskbench, diskbench_usb); kernel_main
 * hands them over before bench_run. */
void bench_disk_ovmf(const struct boot_diskbench *f, const struct boot_diskbench *usb);
/* Prints "bench: disk ..." lines. */
void bench_disk(void);

#endif
