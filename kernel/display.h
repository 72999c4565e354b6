/*
 * The screen: a stack of layers composed into a frame in RAM, and only the
 * damaged rectangle of that frame converted to the GOP pixel format and
 * copied to video memory.  The kernel console is the bottom layer; apps'
 * surfaces go on top in start order.
 */
#ifndef DISPLAY_H
#define DISPLAY_H

#include <stdint.h>
#include "boot.h"
#include "compose.h"

#define DISPLAY_MAX_LAYERS	64
#define DISPLAY_MAX_DAMAGE	16	/* separate damaged rectangles kept before merging */

/* Returns 0, or -1 without a usable framebuffer or memory for the frame. */
int display_init(const struct boot_fb *fb);
int display_ready(void);
uint32_t display_width(void);
uint32_t display_height(void);

/* Layers are owned by their caller and must stay valid until removed.
 * display_add_layer puts l on top; it returns -1 when the stack is full. */
int display_add_layer(struct compose_layer *l);
void display_remove_layer(struct compose_layer *l);

void display_damage(struct compose_rect r);
/* Composes and copies out what was damaged since the last flush. */
void display_flush(void);
/* After a kernel fault: only the bottom layer (the console) stays, so the
 * dump is visible whatever apps drew. */
void display_panic(void);

#endif
