/*
 * A command line on the serial port, until the desktop's console app takes
 * over: enough to look at a running kernel and to turn it off.
 */
#ifndef MONITOR_H
#define MONITOR_H

void monitor_start(void);	/* prints the first prompt */
void monitor_poll(void);	/* reads what serial received; runs whole lines */

#endif
