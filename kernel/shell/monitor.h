/*
 * The serial line (COM1): the kernel's command line until an app takes it
 * as its terminal (input/term.h), and a keyboard for the apps all along.
 * Kernel only.
 */
#ifndef MONITOR_H
#define MONITOR_H

void monitor_start(void);	/* prints the first prompt, unless an app owns the line */
void monitor_poll(void);	/* reads what serial received; runs whole lines */

#endif
