#include "acpi.h"
#include "cpu.h"
#include "lib.h"
#include "log.h"
#include "timer.h"
#include "trap.h"

#define PM_TIMER_HZ	3579545ull
#define PIT_HZ		1193182ull
#define CALIBRATE_NS	10000000ull	/* 10 ms: accurate to a few ppm, cheap at boot */

/* Local APIC registers (Intel SDM vol. 3, 11.4.1). */
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR	0x390
#define LAPIC_TIMER_DIV	0x3e0
#define LVT_MASKED	(1u << 16)
#define LVT_PERIODIC	(1u << 17)

static uint64_t timer_hz;
uint64_t timer_tsc0;		/* rdtsc at efi_main (moved back by timer_advance_to) */
uint64_t timer_mult;		/* ns = (tsc_delta * timer_mult) >> 32: no division on hot paths */
static volatile uint64_t timer_tick_count;
static volatile uint32_t *timer_lapic;

static uint32_t lapic_read(uint32_t reg) { return timer_lapic[reg / 4]; }
static void lapic_write(uint32_t reg, uint32_t v) { timer_lapic[reg / 4] = v; }

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* TSC ticks during `ticks` of the ACPI PM timer (24 or 32 bits, wraps). */
static uint64_t timer_tsc_per_pm(uint32_t ticks)
{
	uint32_t mask = acpi.pm_timer_32bit ? 0xffffffffu : 0xffffffu;
	uint32_t start = inl(acpi.pm_timer_port) & mask, now;
	uint64_t t0;

	/* Start on a tick edge so the measurement is not short by up to one. */
	while (((now = inl(acpi.pm_timer_port) & mask)) == start)
		;
	start = now;
	t0 = rdtsc();
	while (((inl(acpi.pm_timer_port) - start) & mask) < ticks)
		;
	return rdtsc() - t0;
}

static uint64_t timer_tsc_per_hpet(uint64_t ns)
{
	volatile uint64_t *hpet = (volatile uint64_t *)(uintptr_t)acpi.hpet_base;
	uint64_t period_fs = hpet[0] >> 32, ticks, start, t0;

	if (!period_fs || period_fs > 100000000ull)	/* spec: at most 100 ns */
		return 0;
	hpet[2] |= 1;		/* ENABLE_CNF: start the main counter */
	ticks = ns * 1000000ull / period_fs;
	start = hpet[30];	/* main counter, offset 0xf0 */
	t0 = rdtsc();
	while (hpet[30] - start < ticks)
		;
	return rdtsc() - t0;
}

/* PIT channel 2 counts down once with the speaker gate (port 0x61) as its
 * trigger; bit 5 of port 0x61 goes high when it reaches zero. */
static uint64_t timer_tsc_per_pit(uint32_t count)
{
	uint8_t gate = inb(0x61) & ~0x03;
	uint64_t t0;

	outb(0x61, gate | 0x01);
	outb(0x43, 0xb0);		/* channel 2, lo/hi byte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	outb(0x61, gate);
	outb(0x61, gate | 0x01);	/* rising gate edge loads the count */
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		;
	return rdtsc() - t0;
}

static const char *timer_calibrate(void)
{
	uint64_t d;

	if (acpi.pm_timer_port) {
		d = timer_tsc_per_pm(PM_TIMER_HZ * CALIBRATE_NS / 1000000000ull);
		timer_hz = d * 1000000000ull / CALIBRATE_NS;
		return "ACPI PM timer";
	}
	if (acpi.hpet_base && (d = timer_tsc_per_hpet(CALIBRATE_NS))) {
		timer_hz = d * 1000000000ull / CALIBRATE_NS;
		return "HPET";
	}
	d = timer_tsc_per_pit(PIT_HZ * CALIBRATE_NS / 1000000000ull);
	timer_hz = d * 1000000000ull / CALIBRATE_NS;
	return "PIT";
}

uint64_t timer_ns(void)
{
	uint64_t d = rdtsc() - timer_tsc0;

	if (!timer_hz)
		return 0;
	/* Split so that d * 1e9 cannot overflow 64 bits. */
	return d / timer_hz * 1000000000ull + d % timer_hz * 1000000000ull / timer_hz;
}

void timer_delay_ns(uint64_t ns)
{
	uint64_t end = timer_ns() + ns;

	while (timer_ns() < end)
		cpu_pause();
}

uint64_t timer_tsc_hz(void) { return timer_hz; }

uint64_t timer_ticks(void) { return timer_tick_count; }

void timer_advance_to(uint64_t ns)
{
	uint64_t now = timer_ns(), d;

	if (!timer_hz || ns <= now)
		return;
	d = ns - now;
	/* Moving the zero back moves every later reading forward, the same for
	 * timer_ns() and timer_tsc_to_ns(). */
	timer_tsc0 -= d / 1000000000ull * timer_hz + d % 1000000000ull * timer_hz / 1000000000ull;
}

static void (*timer_tick_hook)(struct trap_frame *f);

void timer_set_tick_hook(void (*fn)(struct trap_frame *f))
{
	timer_tick_hook = fn;
}

static void timer_tick(struct trap_frame *f)
{
	timer_tick_count++;
	lapic_eoi();
	if (timer_tick_hook)
		timer_tick_hook(f);
}

/* The 8259 PICs are not used: move their vectors out of the exception range
 * (a spurious IRQ 7 would otherwise look like a fault) and mask them. */
static void timer_pic_off(void)
{
	static const uint8_t seq[][2] = {
		{0x20, 0x11}, {0xa0, 0x11}, {0x21, 0xf0}, {0xa1, 0xf8},
		{0x21, 0x04}, {0xa1, 0x02}, {0x21, 0x01}, {0xa1, 0x01},
		{0x21, 0xff}, {0xa1, 0xff},
	};
	uint32_t i;

	for (i = 0; i < ARRAY_LEN(seq); i++)
		outb(seq[i][0], seq[i][1]);
}

static void timer_start_lapic(void)
{
	uint64_t base = acpi.lapic_base ? acpi.lapic_base : rdmsr(MSR_APIC_BASE) & ~0xfffull;
	uint32_t per_ms;

	timer_lapic = (volatile uint32_t *)(uintptr_t)base;
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);	/* software enable */
	lapic_write(LAPIC_TIMER_DIV, 0x3);		/* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	timer_delay_ns(1000000);
	per_ms = 0xffffffffu - lapic_read(LAPIC_TIMER_CUR);
	idt_set_handler(VEC_TIMER, timer_tick);
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | LVT_PERIODIC);
	lapic_write(LAPIC_TIMER_INIT, MAX(per_ms * 1000 / TIMER_HZ, 1u));
	klog("timer: local APIC timer at %u Hz (%u ticks/ms)\n", TIMER_HZ, per_ms);
}

int timer_init(uint64_t tsc0)
{
	const char *src;

	timer_tsc0 = tsc0;
	src = timer_calibrate();
	if (timer_hz < 1000000) {
		timer_hz = 1000000000ull;
		klog("tsc: calibration against %s failed, assuming 1000 MHz\n", src);
		src = NULL;
	} else {
		klog("tsc: %llu MHz (calibrated against the %s)\n", timer_hz / 1000000, src);
	}
	timer_mult = (1000000000ull << 32) / timer_hz;
	timer_pic_off();
	timer_start_lapic();
	return src ? 0 : -1;
}
