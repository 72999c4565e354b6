/*
 * ninja bench, storage: our virtio-blk driver against the firmware's BlockIo
 * on the same disk, in the same boot (kernel/bench/bench_disk.c).
 */
#ifndef BENCH_DISK_H
#define BENCH_DISK_H

#include "boot.h"

/* The firmware's figures (boot_info.diskbench); kernel_main hands them over
 * before bench_run. */
void bench_disk_ovmf(const struct boot_diskbench *f);
/* Prints "bench: disk ..." lines. */
void bench_disk(void);

#endif
