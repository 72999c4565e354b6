#ifndef SERIAL_H
#define SERIAL_H

#include <stddef.h>

/* COM1, 115200 8N1, polled.  Works before anything else in the kernel. */
void serial_init(void);
void serial_write(const char *s, size_t n);	/* '\n' goes out as "\r\n" */
int serial_getc(void);				/* a received byte, or -1 if none */

#endif
