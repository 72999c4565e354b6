#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include "boot.h"

/* bench=yes in boot.cfg: measure, print "bench: ..." lines, power off.
 * test/boot/bench.py (ninja bench) boots it and writes build/bench.txt.
 * turn is one turn of the system's loop (main.c's main_turn), which the
 * app-call figures time; gop is the firmware's framebuffer, which the
 * display figures compare the GPU with. */
__attribute__((noreturn)) void bench_run(uint32_t (*turn)(uint64_t *next_wake_ns),
    const struct boot_fb *gop);

#endif
