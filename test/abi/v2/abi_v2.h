#ifndef ABI_V2_H
#define ABI_V2_H
#include <stdint.h>
#include "../v1/abi_v1.h"	/* struct abi_field */

extern const struct abi_field abi_v2_fields[];	/* ends with a NULL name */
extern const uint64_t abi_v2_sizes[4];		/* ctx, surface, event, input */
#endif
