/*
 * Just enough of ACPI Machine Language to power off: find the \_S5 package
 * in the DSDT and read SLP_TYPa / SLP_TYPb from it.  Pure, so that it is
 * host-tested and fuzzed.
 */
#ifndef AML_H
#define AML_H

#include <stdint.h>

/* aml points past the 36-byte table header.  Returns 0 and fills the two
 * values, or -1 if there is no well-formed \_S5 package. */
int aml_find_s5(const uint8_t *aml, uint64_t len, uint8_t *slp_typa, uint8_t *slp_typb);

#endif
