#include "lib.h"
#include "log.h"

#define LOG_RING	65536

static char log_ring[LOG_RING];
static uint64_t log_head;	/* bytes ever written; the ring holds the last LOG_RING */
static log_sink_fn *log_sinks[LOG_SINKS];
static uint32_t log_sink_count;
static uint64_t (*log_enter)(void);
static void (*log_leave)(uint64_t);

void log_add_sink(log_sink_fn *fn)
{
	if (log_sink_count < LOG_SINKS)
		log_sinks[log_sink_count++] = fn;
}

void log_set_guard(uint64_t (*enter)(void), void (*leave)(uint64_t))
{
	log_enter = enter;
	log_leave = leave;
}

void log_ingest(const char *s, size_t n)
{
	for (; n; n--, s++)
		log_ring[log_head++ % LOG_RING] = *s;
}

void log_write(const char *s, size_t n)
{
	uint64_t g = log_enter ? log_enter() : 0;
	uint32_t i;

	log_ingest(s, n);
	for (i = 0; i < log_sink_count; i++)
		log_sinks[i](s, n);
	if (log_leave)
		log_leave(g);
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

void log_replay(log_sink_fn *fn)
{
	uint64_t have = MIN(log_head, LOG_RING), i;
	char chunk[256];
	size_t k = 0;

	for (i = log_head - have; i < log_head; i++) {
		chunk[k++] = log_ring[i % LOG_RING];
		if (k == sizeof(chunk)) {
			fn(chunk, k);
			k = 0;
		}
	}
	fn(chunk, k);
}
