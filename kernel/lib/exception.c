#include "exception.h"

const char *exception_name(uint64_t vector)
{
	static const char *const names[32] = {
		[0] = "divide error", [1] = "debug", [2] = "NMI", [3] = "breakpoint",
		[4] = "overflow", [5] = "bound range exceeded", [6] = "invalid opcode",
		[7] = "device not available", [8] = "double fault",
		[10] = "invalid TSS", [11] = "segment not present",
		[12] = "stack-segment fault", [13] = "general protection fault",
		[14] = "page fault", [16] = "x87 floating-point error",
		[17] = "alignment check", [18] = "machine check",
		[19] = "SIMD floating-point exception", [20] = "virtualization exception",
		[21] = "control protection exception",
	};

	return vector < 32 && names[vector] ? names[vector] : "unknown exception";
}
