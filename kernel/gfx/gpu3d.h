/*
 * Apps' 3D on the virtio GPU: the kernel's side of gpuops.h, over the
 * driver's virgl commands (drivers/virtio_gpu.c).  Kernel-only.
 */
#ifndef GPU3D_H
#define GPU3D_H

#include "gpuops.h"

/* The table for exec_set_gpu, or NULL without a GPU that does 3D. */
const struct gpu_ops *gpu3d_ops(void);

#endif
