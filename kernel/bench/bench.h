#ifndef BENCH_H
#define BENCH_H

/* bench=yes in boot.cfg: measure, print "bench: ..." lines, power off.
 * test/boot/bench.py (ninja bench) boots it and writes build/bench.txt. */
__attribute__((noreturn)) void bench_run(void);

#endif
