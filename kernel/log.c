#include "console.h"
#include "cpu.h"
#include "lib.h"
#include "log.h"
#include "serial.h"

#define LOG_RING	65536

static char log_ring[LOG_RING];
static uint64_t log_head;	/* bytes ever written; the ring holds the last LOG_RING */

void log_ingest(const char *s, size_t n)
{
	for (; n; n--, s++)
		log_ring[log_head++ % LOG_RING] = *s;
}

void log_write(const char *s, size_t n)
{
	/* Interrupt handlers may log too: keep each write whole. */
	uint64_t f = cpu_save_irq();

	log_ingest(s, n);
	serial_write(s, n);
	console_write(s, n);
	cpu_restore_irq(f);
}

void klog(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (n > 0)
		log_write(line, (size_t)n);
}

size_t log_tail(char *buf, size_t n)
{
	uint64_t have = MIN(log_head, LOG_RING), i;

	n = MIN(n, have);
	for (i = 0; i < n; i++)
		buf[i] = log_ring[(log_head - n + i) % LOG_RING];
	return n;
}

void log_replay_to_console(void)
{
	uint64_t have = MIN(log_head, LOG_RING), i;
	char chunk[256];
	size_t k = 0;

	for (i = log_head - have; i < log_head; i++) {
		chunk[k++] = log_ring[i % LOG_RING];
		if (k == sizeof(chunk)) {
			console_write(chunk, k);
			k = 0;
		}
	}
	console_write(chunk, k);
}
