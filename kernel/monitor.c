#include <stdint.h>

#include "console.h"
#include "cpu.h"
#include "inputhub.h"
#include "pci.h"
#include "exec.h"
#include "kmem.h"
#include "lib.h"
#include "log.h"
#include "monitor.h"
#include "pmm.h"
#include "power.h"
#include "serial.h"
#include "timer.h"

#define MONITOR_LINE	128

static char mon_line[MONITOR_LINE];
static uint32_t mon_len;

/* Answers go to the terminal (serial and screen), not into the kernel log:
 * `log` would otherwise mostly show earlier `log` output. */
FMT_PRINTF(1, 2) static void mon_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = MIN(n, (int)sizeof(buf) - 1);
	serial_write(buf, n);
	console_write(buf, n);
}

static void mon_help(const char *arg);

static void mon_mem(const char *arg)
{
	mon_printf("%llu MiB free of %llu MiB; kernel heap %llu KiB used of %llu KiB\n",
	    pmm_free_pages() * PAGE_SIZE >> 20, pmm_managed_pages() * PAGE_SIZE >> 20,
	    kmem_used() >> 10, kmem_size() >> 10);
}

static void mon_time(const char *arg)
{
	uint64_t ns = timer_ns();

	mon_printf("uptime %llu.%03llu s, %llu timer ticks, TSC %llu MHz\n", ns / 1000000000ull,
	    ns / 1000000 % 1000, timer_ticks(), timer_tsc_hz() / 1000000);
}

static void mon_log(const char *arg)
{
	static char buf[4096];
	size_t n = log_tail(buf, sizeof(buf));

	serial_write(buf, n);
	console_write(buf, n);
}

static const char *const mon_states[] = { "?", "running", "ended" };

static void mon_ps(const char *arg)
{
	static struct exec_info info[256];
	uint32_t n = exec_list(info, ARRAY_LEN(info)), i;

	mon_printf("%6s %-16s %-8s %10s %10s %9s  %s\n", "PID", "NAME", "STATE", "CALLS", "CPU ms",
	    "MEM KiB", "WHY IT ENDED");
	for (i = 0; i < n; i++)
		mon_printf("%6llu %-16s %-8s %10llu %10llu %9llu  %s\n", info[i].pid, info[i].name,
		    mon_states[info[i].state], info[i].calls, info[i].cpu_ns / 1000000,
		    info[i].mem_bytes >> 10, info[i].reason);
}

static void mon_run(const char *arg)
{
	char name[APP_NAME_MAX], why[96];
	struct app_opts opts;
	uint32_t n = 0;
	int64_t pid;

	while (arg[n] && arg[n] != ' ' && n < APP_NAME_MAX - 1)
		n++;
	if (!n || (arg[n] && arg[n] != ' ')) {
		mon_printf("usage: run NAME [trace] [nofb] [quota=N]\n");
		return;
	}
	memcpy(name, arg, n);
	name[n] = 0;
	app_opts_default(&opts);
	if (app_opts_parse(arg + n, strlen(arg + n), &opts, why, sizeof(why)) < 0) {
		mon_printf("run: %s\n", why);
		return;
	}
	pid = exec_run_name(name, &opts);
	if (pid > 0)
		mon_printf("started %s as pid %lld\n", name, pid);
	else
		mon_printf("run: %s did not start (see the log above)\n", name);
}

static void mon_kill(const char *arg)
{
	uint64_t pid = 0;
	const char *p = arg;

	while (*p >= '0' && *p <= '9' && pid < 1000000000000ull)
		pid = pid * 10 + (uint64_t)(*p++ - '0');
	if (p == arg || *p) {
		mon_printf("usage: kill PID\n");
		return;
	}
	if (exec_kill(pid) < 0)
		mon_printf("kill: no running app with pid %llu\n", pid);
}

static void mon_lspci(const char *arg)
{
	char line[96];
	uint32_t i;

	for (i = 0; i < pci_count(); i++) {
		pci_describe(pci_get(i), line, sizeof(line));
		mon_printf("%s\n", line);
	}
}

static void mon_shutdown(const char *arg)
{
	power_off();
	mon_printf("shutdown failed: no ACPI power-off on this machine\n");
}

static void mon_reboot(const char *arg)
{
	power_reboot();
}

static const struct {
	const char *name;
	void (*fn)(const char *arg);
	const char *help;
} mon_commands[] = {
	{ "help", mon_help, "list the commands" },
	{ "mem", mon_mem, "physical memory and kernel heap" },
	{ "time", mon_time, "time since boot" },
	{ "log", mon_log, "the most recent kernel log" },
	{ "ps", mon_ps, "the apps, running and ended" },
	{ "run", mon_run, "run NAME [trace] [nofb] [quota=N]: start an app" },
	{ "kill", mon_kill, "kill PID: end an app" },
	{ "lspci", mon_lspci, "the PCI functions and their drivers" },
	{ "shutdown", mon_shutdown, "power off (ACPI S5)" },
	{ "reboot", mon_reboot, "reset the machine" },
};

static void mon_help(const char *arg)
{
	uint32_t i;

	for (i = 0; i < ARRAY_LEN(mon_commands); i++)
		mon_printf("  %-10s %s\n", mon_commands[i].name, mon_commands[i].help);
}

static void mon_exec(char *line)
{
	char *arg;
	uint32_t i;

	while (*line == ' ')
		line++;
	for (arg = line; *arg && *arg != ' '; arg++)
		;
	if (*arg)
		*arg++ = 0;
	if (!*line)
		return;
	for (i = 0; i < ARRAY_LEN(mon_commands); i++) {
		if (!strcmp(line, mon_commands[i].name)) {
			mon_commands[i].fn(arg);
			return;
		}
	}
	mon_printf("unknown command '%s' (try 'help')\n", line);
}

void monitor_start(void)
{
	mon_printf("> ");
}

void monitor_poll(void)
{
	static int prev;
	int c;

	for (; (c = serial_getc()) >= 0; prev = c) {
		/* The serial line is also a keyboard for the apps. */
		inputhub_serial(rdtsc(), (uint8_t)c);
		if (c == '\n' && prev == '\r')
			continue;	/* a terminal's CR LF is one Enter */
		if (c == '\r' || c == '\n') {
			mon_printf("\n");
			mon_line[mon_len] = 0;
			mon_exec(mon_line);
			mon_len = 0;
			mon_printf("> ");
		} else if (c == 0x7f || c == '\b') {
			if (mon_len) {
				mon_len--;
				mon_printf("\b \b");
			}
		} else if (c >= 0x20 && c < 0x7f && mon_len < MONITOR_LINE - 1) {
			mon_line[mon_len++] = (char)c;
			mon_printf("%c", c);
		}
	}
}
