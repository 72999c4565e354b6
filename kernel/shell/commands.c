/*
 * The commands every platform has (cmd.h): help, ps, run, kill, log.  They
 * answer in the same words on the kernel and under fomos-host, because they
 * are the same code.
 */
#include "cmd.h"
#include "exec.h"
#include "lib.h"
#include "log.h"

#define CMD_PS_MAX	(EXEC_ENDED_KEEP + 480)	/* rows ps shows: running apps first */

void cmd_write(struct cmd_out *o, const char *s, uint32_t n)
{
	if (!o->buf) {
		if (o->sink)
			o->sink(s, n);
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

static void cmd_help(struct cmd_out *o, const char *arg);

static const char *const cmd_states[] = { "?", "running", "ended" };

static void cmd_ps(struct cmd_out *o, const char *arg)
{
	static struct exec_info info[CMD_PS_MAX];
	uint32_t n = exec_list(info, ARRAY_LEN(info)), i;

	(void)arg;
	cmd_printf(o, "%6s %-16s %-8s %10s %10s %9s  %s\n", "PID", "NAME", "STATE", "CALLS", "CPU ms",
	    "MEM KiB", "SERVICES / WHY IT ENDED");
	for (i = 0; i < n; i++)
		cmd_printf(o, "%6llu %-16s %-8s %10llu %10llu %9llu  %s\n", ULL(info[i].pid), info[i].name,
		    cmd_states[info[i].state], ULL(info[i].calls), ULL(info[i].cpu_ns / 1000000),
		    ULL(info[i].mem_bytes >> 10), info[i].state == APP_RUNNING ? info[i].shares : info[i].reason);
}

static void cmd_services(struct cmd_out *o, const char *arg)
{
	static char buf[8192];
	uint32_t n = exec_services_list(buf, sizeof(buf));

	(void)arg;
	cmd_write(o, buf, n);
}

/* Starts app NAME with the options and arguments in line ("NAME [options]
 * [-- ARGS]", changed in place): its pid, or 0 (the answer says why). */
static int64_t cmd_start(struct cmd_out *o, char *line, const char *what)
{
	char name[APP_NAME_MAX], why[128], *args = strstr(line, " --");
	struct app_opts opts;
	int64_t pid;

	if (args && (args[3] == ' ' || !args[3])) {
		*args = 0;
		args += args[3] ? 4 : 3;
	} else {
		args = NULL;
	}
	if (args && strlen(args) >= FOMOS_ARGS_MAX) {
		cmd_printf(o, "%s: the arguments are over %u bytes\n", what, FOMOS_ARGS_MAX - 1);
		return 0;
	}
	if (app_run_args(line, name, &opts, why, sizeof(why)) < 0) {
		cmd_printf(o, "%s\n", why);
		return 0;
	}
	pid = exec_run_name(name, &opts);
	if (pid <= 0) {
		cmd_printf(o, "%s: %s\n", what, exec_last_error());
		return 0;
	}
	if (args)
		exec_set_args((uint64_t)pid, args);
	return pid;
}

static void cmd_run_app(struct cmd_out *o, const char *arg)
{
	char line[APP_NAME_MAX + 160 + FOMOS_ARGS_MAX];
	int64_t pid;

	if (strlen(arg) >= sizeof(line)) {
		cmd_printf(o, "run: the line is too long\n");
		return;
	}
	strcpy(line, arg);
	pid = cmd_start(o, line, "run");
	if (pid > 0)
		cmd_printf(o, "started %.*s as pid %lld\n", (int)strcspn(arg, " "), arg, (long long)pid);
}

/* ping, fetch, resolve: each is an app (the caller never waits), started
 * with the command's arguments; what it finds goes to the log. */
static void cmd_net_app(struct cmd_out *o, const char *app, const char *arg, const char *usage,
    const char *opts)
{
	char line[APP_NAME_MAX + 64 + FOMOS_ARGS_MAX];
	int64_t pid;

	if (!arg[0] || strlen(arg) >= FOMOS_ARGS_MAX) {
		cmd_printf(o, "usage: %s\n", usage);
		return;
	}
	fmt_snprintf(line, sizeof(line), "%s%s -- %s", app, opts, arg);
	pid = cmd_start(o, line, app);
	if (pid > 0)
		cmd_printf(o, "%s: started as pid %lld; its answer follows in the log\n", app, (long long)pid);
}

static void cmd_ping(struct cmd_out *o, const char *arg)
{
	cmd_net_app(o, "ping", arg, "ping HOST [COUNT]", " nofb");
}

static void cmd_fetch(struct cmd_out *o, const char *arg)
{
	cmd_net_app(o, "fetch", arg, "fetch URL [NAME]: NAME is saved in /fomos/data/fetch/",
	    " nofb disk=1024M quota=64M");
}

static void cmd_resolve(struct cmd_out *o, const char *arg)
{
	cmd_net_app(o, "resolve", arg, "resolve NAME", " nofb");
}

static uint64_t cmd_caller_pid;		/* 0: the serial line's user */
static int cmd_caller_admin;

uint64_t cmd_caller(void)
{
	return cmd_caller_pid;
}

static void cmd_kill(struct cmd_out *o, const char *arg)
{
	uint64_t pid = 0;
	const char *p = arg;

	while (*p >= '0' && *p <= '9' && pid < 1000000000000ull)
		pid = pid * 10 + (uint64_t)(*p++ - '0');
	if (p == arg || *p) {
		cmd_printf(o, "usage: kill PID\n");
		return;
	}
	if (cmd_caller_pid && !cmd_caller_admin && pid != cmd_caller_pid) {
		cmd_printf(o, "kill: an app may end only itself without the admin option\n");
		return;
	}
	if (exec_kill(pid) < 0)
		cmd_printf(o, "kill: no running app with pid %llu\n", ULL(pid));
}

static void cmd_log(struct cmd_out *o, const char *arg)
{
	static char buf[4096];
	size_t n = log_tail(buf, sizeof(buf));

	(void)arg;
	cmd_write(o, buf, (uint32_t)n);
}

static const struct cmd cmd_common[] = {
	{ "help", cmd_help, "list the commands", CMD_ANYONE },
	{ "ps", cmd_ps, "the apps, running and recently ended", CMD_ANYONE },
	{ "services", cmd_services, "the services apps publish, who provides and who uses them", CMD_ANYONE },
	{ "run", cmd_run_app, "run NAME [options] [-- ARGS]: start an app (see /fomos/init)", 0 },
	{ "ping", cmd_ping, "ping HOST [COUNT]: ICMP echo, as an app", 0 },
	{ "fetch", cmd_fetch, "fetch URL [NAME]: HTTP GET, shown or saved, as an app", 0 },
	{ "resolve", cmd_resolve, "resolve NAME: the name's IPv4 address, as an app", 0 },
	{ "kill", cmd_kill, "kill PID: end an app (an app without admin: only itself)", CMD_ANYONE },
	{ "log", cmd_log, "the most recent log", 0 },
};

static void cmd_help(struct cmd_out *o, const char *arg)
{
	uint32_t i;

	(void)arg;
	for (i = 0; i < ARRAY_LEN(cmd_common); i++)
		cmd_printf(o, "  %-10s %s\n", cmd_common[i].name, cmd_common[i].help);
	for (i = 0; i < cmd_platform_count; i++)
		cmd_printf(o, "  %-10s %s\n", cmd_platform[i].name, cmd_platform[i].help);
}

static const struct cmd *cmd_find(const char *name)
{
	uint32_t i;

	for (i = 0; i < ARRAY_LEN(cmd_common); i++)
		if (!strcmp(name, cmd_common[i].name))
			return &cmd_common[i];
	for (i = 0; i < cmd_platform_count; i++)
		if (!strcmp(name, cmd_platform[i].name))
			return &cmd_platform[i];
	return NULL;
}

/* Runs line for the current caller; 0, -1 unknown, -2 not allowed. */
static int cmd_dispatch(struct cmd_out *o, char *line)
{
	const struct cmd *c;
	char *arg;

	while (*line == ' ')
		line++;
	for (arg = line; *arg && *arg != ' '; arg++)
		;
	if (*arg)
		*arg++ = 0;
	while (*arg == ' ')
		arg++;
	if (!*line)
		return 0;
	if (!(c = cmd_find(line))) {
		cmd_printf(o, "unknown command '%s' (try 'help')\n", line);
		return -1;
	}
	if (cmd_caller_pid && !cmd_caller_admin && !(c->rights & CMD_ANYONE)) {
		cmd_printf(o, "%s: not allowed: it acts on other apps or the machine, and this app was "
		    "started without the admin option\n", line);
		return -2;
	}
	c->fn(o, arg);
	return 0;
}

int cmd_run(struct cmd_out *o, char *line)
{
	cmd_caller_pid = 0;
	return cmd_dispatch(o, line);
}

int64_t cmd_system(char *line, char *out, uint32_t cap, uint64_t caller, int admin)
{
	struct cmd_out o = { out, cap ? cap - 1 : 0, 0, NULL };
	int r;

	cmd_caller_pid = caller;
	cmd_caller_admin = admin;
	r = cmd_dispatch(&o, line);
	cmd_caller_pid = 0;

	if (cap)
		out[MIN(o.len, cap - 1)] = 0;
	return r < 0 ? r : (int64_t)o.len;
}
