#include "acpi.h"
#include "cpu.h"
#include "log.h"
#include "power.h"
#include "timer.h"

#define SLP_EN		(1u << 13)
#define SLP_TYP_SHIFT	10

void power_off(void)
{
	if (!acpi.s5_valid || !acpi.pm1a_cnt) {
		klog("power: no ACPI power-off on this machine\n");
		return;
	}
	klog("power: off\n");
	cpu_cli();
	outw(acpi.pm1a_cnt, (inw(acpi.pm1a_cnt) & ~(7u << SLP_TYP_SHIFT)) |
	    (uint16_t)acpi.slp_typa << SLP_TYP_SHIFT | SLP_EN);
	if (acpi.pm1b_cnt)
		outw(acpi.pm1b_cnt, (inw(acpi.pm1b_cnt) & ~(7u << SLP_TYP_SHIFT)) |
		    (uint16_t)acpi.slp_typb << SLP_TYP_SHIFT | SLP_EN);
	/* The transition is asynchronous: give it time before giving up. */
	timer_delay_ns(100000000ull);
	klog("power: ACPI power-off did not happen\n");
}

__attribute__((noreturn)) void power_reboot(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };

	klog("power: reboot\n");
	cpu_cli();
	if (acpi.reset_valid) {
		if (acpi.reset_reg.space == 1)
			outb(acpi.reset_reg.address, acpi.reset_value);
		else if (acpi.reset_reg.space == 0)
			*(volatile uint8_t *)(uintptr_t)acpi.reset_reg.address = acpi.reset_value;
		timer_delay_ns(50000000ull);
	}
	outb(0xcf9, 0x02);		/* PCI reset control: hard reset */
	outb(0xcf9, 0x06);
	timer_delay_ns(50000000ull);
	outb(0x64, 0xfe);		/* 8042 pulses the reset line */
	timer_delay_ns(50000000ull);
	/* Last resort: no IDT, so the next exception is a triple fault. */
	__asm__ volatile("lidt %0; int3" :: "m"(none));
	cpu_halt_forever();
}
