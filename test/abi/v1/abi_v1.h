#ifndef ABI_V1_H
#define ABI_V1_H
#include <stdint.h>

struct abi_field {
	const char *name;	/* "struct.field" */
	uint64_t offset, size;
};

extern const struct abi_field abi_v1_fields[];	/* ends with a NULL name */
extern const uint64_t abi_v1_sizes[4];		/* ctx, surface, event, input */
#endif
