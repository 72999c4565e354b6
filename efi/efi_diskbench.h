/*
 * bench=yes: times the firmware's BlockIo reads of the boot disk (see
 * struct boot_diskbench in kernel/boot/boot.h) while boot services still run.
 */
#ifndef EFI_DISKBENCH_H
#define EFI_DISKBENCH_H

#include <efi.h>

#include "boot.h"

/* device: the handle the image was loaded from.  Leaves out->sectors 0 and
 * returns a reason when it could not measure, else returns NULL. */
const char *efi_diskbench(EFI_BOOT_SERVICES *bs, EFI_HANDLE device, struct boot_diskbench *out);
/* The same on the first USB disk that is not the boot device. */
const char *efi_diskbench_usb(EFI_BOOT_SERVICES *bs, EFI_HANDLE boot, struct boot_diskbench *out);

#endif
