/*
 * The commands fomos-host answers its own way, after the common ones
 * (kernel/shell/commands.c): what "the machine" means on Linux.
 */
#include "cmd.h"
#include "exec.h"
#include "exec_plat.h"
#include "lib.h"

static void host_cmd_mem(struct cmd_out *o, const char *arg)
{
	(void)arg;
	cmd_printf(o, "fomos-host: %u apps hold %llu KiB (Linux manages the rest)\n", exec_running(),
	    ULL(exec_running_bytes() >> 10));
}

static void host_cmd_time(struct cmd_out *o, const char *arg)
{
	uint64_t ns = plat_now_ns();

	(void)arg;
	cmd_printf(o, "uptime %llu.%03llu s\n", ULL(ns / 1000000000ull), ULL(ns / 1000000 % 1000));
}

const struct cmd cmd_platform[] = {
	{ "mem", host_cmd_mem, "memory the apps hold", CMD_ANYONE },
	{ "time", host_cmd_time, "time since fomos-host started", CMD_ANYONE },
};
const uint32_t cmd_platform_count = ARRAY_LEN(cmd_platform);
