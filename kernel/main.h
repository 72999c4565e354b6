/*
 * The system's loop (main.c).  The benchmark (bench/) drives it turn by
 * turn; nothing else calls into main.
 */
#ifndef MAIN_H
#define MAIN_H

#include <stdint.h>

/* One turn of the loop: the devices, a round of the apps that are due,
 * and, once a millisecond, the serial line, disk work and the screen.
 * Returns how many apps were called; *next_wake_ns as exec_round's. */
uint32_t main_turn(uint64_t *next_wake_ns);

#endif
