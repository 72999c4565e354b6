/*
 * The 16550 UART at COM1 (port 0x3f8): the kernel's first and last way to
 * talk.  Output is polled so that it works from a fault handler with
 * interrupts off; input is polled by the monitor.  QEMU: -serial stdio, or a
 * chardev socket in the boot tests.
 */
#include <stdint.h>

#include "cpu.h"
#include "serial.h"

#define COM1		0x3f8
#define UART_DATA	0	/* RBR / THR; divisor low with DLAB */
#define UART_IER	1	/* divisor high with DLAB */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCRATCH	7
#define LSR_DATA	0x01
#define LSR_TEMT	0x40

/* Set once by serial_init: a machine without COM1 must not spin forever
 * waiting for a transmitter that does not exist. */
static int serial_present;

void serial_init(void)
{
	outb(COM1 + UART_SCRATCH, 0x5a);
	if (inb(COM1 + UART_SCRATCH) != 0x5a)
		return;
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);	/* DLAB: next two writes are the divisor */
	outb(COM1 + UART_DATA, 0x01);	/* 115200 / 1 */
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0x07);	/* FIFOs on, cleared */
	outb(COM1 + UART_MCR, 0x0b);	/* DTR, RTS, OUT2 */
	serial_present = 1;
}

static void serial_putc(char c)
{
	uint32_t spins;

	/* Bounded: a stuck UART costs a little time, never the kernel.  TEMT
	 * (nothing left to send), not THRE (the FIFO is empty): QEMU's 16550
	 * sets THRE while the last byte still waits for a full chardev to take
	 * it, and a byte written then came out twice now and then on a loaded
	 * machine. */
	for (spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & LSR_TEMT)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	if (!serial_present)
		return;
	for (; n; n--, s++) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s);
	}
}

int serial_getc(void)
{
	if (!serial_present || !(inb(COM1 + UART_LSR) & LSR_DATA))
		return -1;
	return inb(COM1 + UART_DATA);
}
