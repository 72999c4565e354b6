/*
 * The ACPI tables the kernel reads (ACPI 6.5 spec, chapter 5): the FADT for
 * the PM timer, power-off and reset, and the HPET and MADT for timers and
 * interrupt controllers.  Tables are found once at boot; nothing here runs
 * AML except the tiny \_S5 lookup in aml.c.
 */
#ifndef ACPI_H
#define ACPI_H

#include <stdint.h>

struct acpi_gas {		/* Generic Address Structure, 5.2.3.2 */
	uint8_t space;		/* 0 memory, 1 I/O port */
	uint8_t bit_width, bit_offset, access_size;
	uint64_t address;
} __attribute__((packed));

/* Filled by acpi_init; read-only afterwards. */
struct acpi_info {
	uint32_t revision;		/* RSDP revision: 0 = ACPI 1.0 */
	uint16_t pm_timer_port;		/* 0 if none */
	uint8_t pm_timer_32bit;
	uint16_t pm1a_cnt, pm1b_cnt;	/* I/O ports, 0 if none */
	uint16_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t s5_valid, slp_typa, slp_typb;
	uint8_t reset_valid, reset_value;
	struct acpi_gas reset_reg;
	/* FADT IAPC_BOOT_ARCH (5.2.9.3), meaningful from FADT revision 2 on:
	 * bit 1 says the machine has an 8042 keyboard controller. */
	uint8_t boot_arch_valid;
	uint16_t boot_arch;
	uint64_t hpet_base;		/* 0 if no HPET table */
	uint64_t lapic_base;
	uint32_t table_count;
};

extern struct acpi_info acpi;

/* Returns 0, or -1 when there are no valid tables (the kernel goes on
 * without power-off, and times itself with the PIT). */
int acpi_init(uint64_t rsdp);
/* The table with that signature, checksum verified, or NULL. */
const void *acpi_find(const char sig[4]);

#endif
