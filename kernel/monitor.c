#include <stdint.h>

#include "blk.h"
#include "console.h"
#include "cmd.h"
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
 * `log` would otherwise mostly show earlier `log` output.  Or, for
 * ctx->system(), into the calling app's buffer. */
void cmd_write(struct cmd_out *o, const char *s, uint32_t n)
{
	if (!o->buf) {
		serial_write(s, n);
		console_write(s, n);
	} else if (o->len < o->cap) {
		memcpy(o->buf + o->len, s, MIN(n, o->cap - o->len));
	}
	o->len += n;
}

void cmd_printf(struct cmd_out *o, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cmd_write(o, buf, (uint32_t)MIN(n, (int)sizeof(buf) - 1));
}

static void mon_help(struct cmd_out *o, const char *arg);

static void mon_mem(struct cmd_out *o, const char *arg)
{
	cmd_printf(o, "%llu MiB free of %llu MiB; kernel heap %llu KiB used of %llu KiB\n",
	    pmm_free_pages() * PAGE_SIZE >> 20, pmm_managed_pages() * PAGE_SIZE >> 20,
	    kmem_used() >> 10, kmem_size() >> 10);
}

static void mon_time(struct cmd_out *o, const char *arg)
{
	uint64_t ns = timer_ns();

	cmd_printf(o, "uptime %llu.%03llu s, %llu timer ticks, TSC %llu MHz\n", ns / 1000000000ull,
	    ns / 1000000 % 1000, timer_ticks(), timer_tsc_hz() / 1000000);
}

static void mon_log(struct cmd_out *o, const char *arg)
{
	static char buf[4096];
	size_t n = log_tail(buf, sizeof(buf));

	cmd_write(o, buf, (uint32_t)n);
}

static const char *const mon_states[] = { "?", "running", "ended" };

static void mon_ps(struct cmd_out *o, const char *arg)
{
	static struct exec_info info[256];
	uint32_t n = exec_list(info, ARRAY_LEN(info)), i;

	cmd_printf(o, "%6s %-16s %-8s %10s %10s %9s  %s\n", "PID", "NAME", "STATE", "CALLS", "CPU ms",
	    "MEM KiB", "WHY IT ENDED");
	for (i = 0; i < n; i++)
		cmd_printf(o, "%6llu %-16s %-8s %10llu %10llu %9llu  %s\n", info[i].pid, info[i].name,
		    mon_states[info[i].state], info[i].calls, info[i].cpu_ns / 1000000,
		    info[i].mem_bytes >> 10, info[i].reason);
}

static void mon_run(struct cmd_out *o, const char *arg)
{
	char name[APP_NAME_MAX], why[128];
	struct app_opts opts;
	int64_t pid;

	if (app_run_args(arg, name, &opts, why, sizeof(why)) < 0) {
		cmd_printf(o, "%s\n", why);
		return;
	}
	pid = exec_run_name(name, &opts);
	if (pid > 0)
		cmd_printf(o, "started %s as pid %lld\n", name, pid);
	else
		cmd_printf(o, "run: %s\n", exec_last_error());
}

static void mon_kill(struct cmd_out *o, const char *arg)
{
	uint64_t pid = 0;
	const char *p = arg;

	while (*p >= '0' && *p <= '9' && pid < 1000000000000ull)
		pid = pid * 10 + (uint64_t)(*p++ - '0');
	if (p == arg || *p) {
		cmd_printf(o, "usage: kill PID\n");
		return;
	}
	if (exec_kill(pid) < 0)
		cmd_printf(o, "kill: no running app with pid %llu\n", pid);
}

static void mon_save(struct cmd_out *o, const char *arg)
{
	if (exec_snap_request(0) < 0)
		cmd_printf(o, "save: no writable boot disk, nothing saved\n");
	else
		cmd_printf(o, "saving %u apps to /fomos/state/ (the log says when it is done)\n", exec_running());
}

static void mon_suspend(struct cmd_out *o, const char *arg)
{
	if (exec_snap_request(1) < 0)
		cmd_printf(o, "suspend: no writable boot disk, nothing saved, not powering off\n");
	else
		cmd_printf(o, "saving %u apps to /fomos/state/, then powering off\n", exec_running());
}

static void mon_lspci(struct cmd_out *o, const char *arg)
{
	char line[96];
	uint32_t i;

	for (i = 0; i < pci_count(); i++) {
		pci_describe(pci_get(i), line, sizeof(line));
		cmd_printf(o, "%s\n", line);
	}
}

static void mon_shutdown(struct cmd_out *o, const char *arg)
{
	power_off();
	cmd_printf(o, "shutdown failed: no ACPI power-off on this machine\n");
}

static void mon_reboot(struct cmd_out *o, const char *arg)
{
	power_reboot();
}

static const struct {
	const char *name;
	void (*fn)(struct cmd_out *o, const char *arg);
	const char *help;
} mon_commands[] = {
	{ "help", mon_help, "list the commands" },
	{ "mem", mon_mem, "physical memory and kernel heap" },
	{ "time", mon_time, "time since boot" },
	{ "log", mon_log, "the most recent kernel log" },
	{ "ps", mon_ps, "the apps, running and ended" },
	{ "run", mon_run, "run NAME [options]: start an app (see /fomos/init)" },
	{ "kill", mon_kill, "kill PID: end an app" },
	{ "lspci", mon_lspci, "the PCI functions and their drivers" },
	{ "disk", blk_cmd, "disk [sum NAME [FIRST N] | wtest NAME]: the disks" },
	{ "save", mon_save, "save every running app to /fomos/state/ (resumed at the next boot)" },
	{ "suspend", mon_suspend, "save, then power off" },
	{ "shutdown", mon_shutdown, "power off (ACPI S5)" },
	{ "reboot", mon_reboot, "reset the machine" },
};

static void mon_help(struct cmd_out *o, const char *arg)
{
	uint32_t i;

	for (i = 0; i < ARRAY_LEN(mon_commands); i++)
		cmd_printf(o, "  %-10s %s\n", mon_commands[i].name, mon_commands[i].help);
}

/* Runs one command line; 0, or -1 if there is no such command. */
static int mon_exec(struct cmd_out *o, char *line)
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
		return 0;
	for (i = 0; i < ARRAY_LEN(mon_commands); i++) {
		if (!strcmp(line, mon_commands[i].name)) {
			mon_commands[i].fn(o, arg);
			return 0;
		}
	}
	cmd_printf(o, "unknown command '%s' (try 'help')\n", line);
	return -1;
}

int64_t monitor_system(const char *line, uint32_t len, char *out, uint32_t cap)
{
	char copy[MONITOR_LINE];
	struct cmd_out o = { out, cap ? cap - 1 : 0, 0 };
	int r;

	if (len >= sizeof(copy)) {
		cmd_printf(&o, "command line too long (%u bytes; at most %u)\n", len, (uint32_t)sizeof(copy) - 1);
		r = -1;
	} else {
		memcpy(copy, line, len);
		copy[len] = 0;
		r = mon_exec(&o, copy);
	}
	if (cap)
		out[MIN(o.len, cap - 1)] = 0;
	return r < 0 ? -1 : (int64_t)o.len;
}

/* --- the serial line: our command line, or an app's terminal ------------------ */

#define MONITOR_TERM_RING	4096

static struct {
	uint64_t owner;			/* pid of the app holding the serial line, 0: us */
	char ring[MONITOR_TERM_RING];
	uint32_t head, tail;		/* bytes [tail, head) wait for term_read */
} term;

static struct cmd_out mon_terminal;	/* buf NULL: the terminal itself */

void monitor_start(void)
{
	if (term.owner)
		return;		/* an app's terminal now */
	cmd_printf(&mon_terminal, "> ");
}

int monitor_claim(uint64_t pid)
{
	if (term.owner == pid)
		return 1;
	if (term.owner)
		return 0;	/* the first owner keeps it until it ends */
	term.owner = pid;
	term.head = term.tail = 0;
	mon_len = 0;
	return 1;
}

void monitor_release(uint64_t pid)
{
	if (!pid || term.owner != pid)
		return;
	term.owner = 0;
	cmd_printf(&mon_terminal, "\n(the serial line is the kernel's command line again)\n> ");
}

uint32_t monitor_term_read(char *buf, uint32_t cap)
{
	uint32_t n = 0;

	while (n < cap && term.tail != term.head)
		buf[n++] = term.ring[term.tail++ % MONITOR_TERM_RING];
	return n;
}

void monitor_poll(void)
{
	static int prev;
	int c;

	for (; (c = serial_getc()) >= 0; prev = c) {
		if (term.owner) {
			/* An app's terminal: bytes as typed.  If it does not read
			 * them, the oldest are dropped. */
			if (term.head - term.tail == MONITOR_TERM_RING)
				term.tail++;
			term.ring[term.head++ % MONITOR_TERM_RING] = (char)c;
			continue;
		}
		/* The serial line is also a keyboard for the apps. */
		inputhub_serial(rdtsc(), (uint8_t)c);
		if (c == '\n' && prev == '\r')
			continue;	/* a terminal's CR LF is one Enter */
		if (c == '\r' || c == '\n') {
			cmd_printf(&mon_terminal, "\n");
			mon_line[mon_len] = 0;
			mon_exec(&mon_terminal, mon_line);
			mon_len = 0;
			cmd_printf(&mon_terminal, "> ");
		} else if (c == 0x7f || c == '\b') {
			if (mon_len) {
				mon_len--;
				cmd_printf(&mon_terminal, "\b \b");
			}
		} else if (c >= 0x20 && c < 0x7f && mon_len < MONITOR_LINE - 1) {
			mon_line[mon_len++] = (char)c;
			cmd_printf(&mon_terminal, "%c", c);
		}
	}
}
