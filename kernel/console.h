/*
 * The kernel's text console: the boot log and fault dumps, drawn with the
 * embedded PSF font into the display's bottom layer.  Each write damages the
 * rows it changed and flushes the display once, so scrolling never reads
 * video memory (slow on real hardware).
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>

/* Returns 0, or -1 (and the console stays off) without a display or memory
 * for its layer. */
int console_init(void);
void console_write(const char *s, size_t n);	/* UTF-8; no-op until init */
void console_clear(void);
/* While on, writes only damage the display and whoever runs the frame loop
 * flushes it: many log lines per frame cost one composition.  Off (the
 * default, and after a fault) every write is on screen at once. */
void console_defer(int on);

#endif
