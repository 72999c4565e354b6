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
/* While on, writes only change the text and whoever runs the frame loop
 * calls console_sync and flushes the display: many log lines per frame cost
 * one redraw.  Off (the default, and after a fault) every write is on
 * screen at once. */
void console_defer(int on);
/* Draws the rows whose text changed and damages them on the display. */
void console_sync(void);
/* The display changed size: the text is laid out again, its newest lines
 * kept.  0, or -1 (no memory: the old layout stays, clipped). */
int console_resize(void);

#endif
