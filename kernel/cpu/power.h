#ifndef POWER_H
#define POWER_H

/* ACPI S5 (soft off) from the FADT and the DSDT's \_S5.  Returns only if the
 * machine did not turn off. */
void power_off(void);
/* The FADT reset register, then 0xcf9, then the keyboard controller, then a
 * triple fault.  Never returns. */
__attribute__((noreturn)) void power_reboot(void);

#endif
