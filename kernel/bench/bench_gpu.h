#ifndef BENCH_GPU_H
#define BENCH_GPU_H

#include "boot.h"

/* The display through virtio-gpu against the firmware's framebuffer, in
 * the same boot (both exist on QEMU's virtio-vga): a full-screen frame, a
 * small-damage frame, and moving the pointer with the hardware cursor
 * against composing it.  gop: what efi/ handed over.  One `bench:` line. */
void bench_display(const struct boot_fb *gop);

#endif
