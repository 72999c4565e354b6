/*
 * fomos-host: run Fomos apps on Linux, from the very same .app files the
 * kernel runs, for the fast loop of writing one.
 *
 *     fomos-host [options] APP.app[:OPTIONS] ...
 *
 * The apps run on the kernel's own executor core (kernel/exec/), with the
 * kernel's context, services, command table and compositor; host.h lists
 * what is the host's own.  This file is kernel/main.c's part: the options,
 * setting it all up, and the loop.
 *
 * OPTIONS are the ones of a /fomos/init line (kernel/exec/initfile.c),
 * separated by commas so that they stay one shell word: hello.app:trace,quota=8M.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "display.h"
#include "exec.h"
#include "exec_plat.h"
#include "host.h"
#include "inputhub.h"
#include "keymap.h"
#include "lib.h"
#include "log.h"
#include "term.h"

#define HOST_FRAME_NS		(1000000000ull / 30)	/* at most 30 frames a second in a window */
#define HOST_FILES_NS		20000000ull		/* disk work per round: Linux is quick */
#define HOST_SIZE_MIN		64
#define HOST_SIZE_MAX		16384
#define HOST_AT_MAX		64		/* --at actions */

/* --at ROUND:ACTION: something a person does, just before that round. */
struct host_at {
	uint64_t round;			/* 1: before the first round of calls */
	int click;			/* 1: a left click at (x, y); 0: type text */
	int32_t x, y;
	char *text;
	uint64_t len;
};

struct host_opts {
	int headless;
	uint64_t frames;		/* stop after this many rounds; 0: no limit */
	uint64_t stop_ns;		/* stop at this time_ns; UINT64_MAX: no limit */
	const char *screenshot;		/* NULL: none */
	char *type;			/* text to type at start, escapes undone; NULL: none */
	uint64_t type_len;
	uint32_t width, height;
	uint32_t layout;		/* enum keymap_layout, for the window's keys */
	int terminal;			/* standard input is the serial line */
	const char *apps_dir;		/* where `run NAME` looks; NULL: the first app's folder */
	const char *args;		/* ctx->args of the apps given; NULL: "" */
	struct host_at at[HOST_AT_MAX];
	uint32_t at_count;
};

static volatile sig_atomic_t host_stop;	/* SIGINT or SIGTERM came */

static void host_usage(FILE *f)
{
	fputs("usage: fomos-host [options] APP.app[:OPTIONS] ...\n"
	    "Runs Fomos app files on Linux, as the kernel runs them.\n"
	    "\n"
	    "  --headless          no window (and no display needed)\n"
	    "  --frames N          stop after N rounds of calling the apps\n"
	    "  --seconds S         stop after S seconds\n"
	    "  --screenshot F.png  write the composed screen to F.png at exit\n"
	    "  --type TEXT         type TEXT once every app was called once, as on the\n"
	    "                      serial line (\\n Enter, \\r Return, \\t Tab, \\b Backspace,\n"
	    "                      \\e Escape, \\\\, \\xHH)\n"
	    "  --at N:click:X,Y    a left click at X,Y just before round N of calls\n"
	    "  --at N:type:TEXT    TEXT typed just before round N (escapes as --type)\n"
	    "  --terminal          standard input is the serial line: an app's\n"
	    "                      term_read gets its bytes (term_write always prints)\n"
	    "  --args TEXT         ctx->args of the apps given (what follows -- in `run`)\n"
	    "  --data DIR          the apps' files: DIR/NAME/... (default ./fomos-data)\n"
	    "  --apps DIR          where `run NAME` finds NAME.app (default: the folder\n"
	    "                      of the first app given)\n"
	    "  --size WxH          the screen (default 1280x800)\n"
	    "  --keymap us|fr      the window keyboard's layout (default us)\n"
	    "\n"
	    "OPTIONS: those of a /fomos/init line, comma-separated: trace, nofb,\n"
	    "quota=N, budget=MS, restart, nosys, admin, disk=N, spawn=N\n"
	    "(e.g. hello.app:trace,quota=8M).\n", f);
}

/* The first Ctrl-C stops the loop after the app being called returns (and
 * the screenshot is still written); an app that never returns takes a
 * second one. */
static void host_on_signal(int sig)
{
	if (host_stop) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	host_stop = 1;
}

static int host_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undoes C-style escapes in place, so that one shell word can hold Enter.
 * Returns the length (the text may now hold NUL bytes). */
static uint64_t host_unescape(char *s)
{
	char *in = s, *out = s;

	while (*in) {
		char c = *in++;

		if (c == '\\' && *in) {
			c = *in++;
			if (c == 'n')
				c = '\n';
			else if (c == 'r')
				c = '\r';
			else if (c == 't')
				c = '\t';
			else if (c == 'b')
				c = '\b';
			else if (c == 'e')
				c = 0x1b;
			else if (c == 'x' && host_hex(in[0]) >= 0 && host_hex(in[1]) >= 0) {
				c = (char)(host_hex(in[0]) << 4 | host_hex(in[1]));
				in += 2;
			}
		}
		*out++ = c;
	}
	return (uint64_t)(out - s);
}

static int host_parse_size(const char *s, uint32_t *w, uint32_t *h)
{
	char *end;
	unsigned long x = strtoul(s, &end, 10), y;

	if (end == s || (*end != 'x' && *end != 'X'))
		return -1;
	s = end + 1;
	y = strtoul(s, &end, 10);
	if (end == s || *end || x < HOST_SIZE_MIN || y < HOST_SIZE_MIN ||
	    x > HOST_SIZE_MAX || y > HOST_SIZE_MAX || (uint64_t)x * y * 4 > (1ull << 30))
		return -1;
	*w = (uint32_t)x;
	*h = (uint32_t)y;
	return 0;
}

/* The value of a numeric option; -1 if it is bad. */
static int host_parse_value(int c, const char *arg, struct host_opts *o)
{
	char *end;
	double secs;
	int layout;

	switch (c) {
	case 'f':
		o->frames = strtoull(arg, &end, 10);
		return end == arg || *end || !o->frames ? -1 : 0;
	case 's':
		secs = strtod(arg, &end);
		if (end == arg || *end || !(secs > 0) || secs > 1e9)
			return -1;
		o->stop_ns = (uint64_t)(secs * 1e9);
		return 0;
	case 'z':
		return host_parse_size(arg, &o->width, &o->height);
	case 'k':
		layout = keymap_by_name(arg);
		o->layout = (uint32_t)layout;
		return layout;
	}
	return -1;
}

/* "N:click:X,Y" or "N:type:TEXT" (TEXT is unescaped in place). */
static int host_parse_at(char *arg, struct host_opts *o)
{
	struct host_at *at = &o->at[o->at_count];
	char *end;
	long x, y;

	if (o->at_count == HOST_AT_MAX)
		return -1;
	at->round = strtoull(arg, &end, 10);
	if (end == arg || *end != ':' || !at->round)
		return -1;
	arg = end + 1;
	if (!strncmp(arg, "type:", 5)) {
		at->text = arg + 5;
		at->len = host_unescape(at->text);
	} else if (!strncmp(arg, "click:", 6)) {
		arg += 6;
		x = strtol(arg, &end, 10);
		if (end == arg || *end != ',')
			return -1;
		arg = end + 1;
		y = strtol(arg, &end, 10);
		if (end == arg || *end || x < 0 || y < 0 || x >= (long)HOST_SIZE_MAX || y >= (long)HOST_SIZE_MAX)
			return -1;
		at->click = 1;
		at->x = (int32_t)x;
		at->y = (int32_t)y;
	} else {
		return -1;
	}
	o->at_count++;
	return 0;
}

/* Returns 0, 1 for --help, or -1 after a message. */
static int host_parse_options(int argc, char **argv, struct host_opts *o)
{
	static const struct option longs[] = {
		{ "headless", no_argument, NULL, 'H' },
		{ "frames", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 's' },
		{ "screenshot", required_argument, NULL, 'o' },
		{ "type", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 'z' },
		{ "keymap", required_argument, NULL, 'k' },
		{ "at", required_argument, NULL, 'A' },
		{ "terminal", no_argument, NULL, 'T' },
		{ "data", required_argument, NULL, 'd' },
		{ "apps", required_argument, NULL, 'a' },
		{ "args", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct host_opts){ .stop_ns = UINT64_MAX, .width = 1280, .height = 800,
	    .layout = KEYMAP_US };
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		if (c == 'h')
			return 1;
		if (c == '?')
			return -1;	/* getopt said why */
		if (c == 'H') {
			o->headless = 1;
		} else if (c == 'o') {
			o->screenshot = optarg;
		} else if (c == 't') {
			o->type = optarg;
			o->type_len = host_unescape(optarg);
		} else if (c == 'T') {
			o->terminal = 1;
		} else if (c == 'g') {
			if (strlen(optarg) >= FOMOS_ARGS_MAX) {
				fprintf(stderr, "fomos-host: --args is over %u bytes\n", FOMOS_ARGS_MAX - 1);
				return -1;
			}
			o->args = optarg;
		} else if (c == 'd') {
			host_files_init(optarg);
		} else if (c == 'a') {
			o->apps_dir = optarg;
		} else if (c == 'A') {
			if (host_parse_at(optarg, o) < 0) {
				fprintf(stderr, "fomos-host: bad value '%s' for --at (N:click:X,Y or "
				    "N:type:TEXT, N above 0; at most %u)\n", optarg, HOST_AT_MAX);
				return -1;
			}
		} else if (host_parse_value(c, optarg, o) < 0) {
			fprintf(stderr, "fomos-host: bad value '%s' for --%s\n", optarg,
			    c == 'f' ? "frames (a count above 0)" : c == 's' ? "seconds (above 0)" :
			    c == 'k' ? "keymap (us or fr)" : "size (WxH, each 64 to 16384)");
			return -1;
		}
	}
	return 0;
}

/* Loads and starts one app file.  Returns the pid, or -1 after a message. */
static int64_t host_start_file(const char *path, const struct app_opts *opts)
{
	const uint8_t *file;
	uint64_t size;
	int64_t pid;
	char why[4200];

	if (host_read_app(path, &file, &size, why, sizeof(why)) < 0) {
		fprintf(stderr, "fomos-host: %s\n", why);
		return -1;
	}
	pid = exec_start(path, file, size, opts);
	if (pid < 0)
		fprintf(stderr, "fomos-host: %s\n", exec_last_error());
	return pid;
}

/* "hello.app:trace,quota=8M": a file name, then the options of an init
 * line.  A name that exists as given is all file name (it may hold ':').
 * Returns the pid, or -1 after a message. */
static int64_t host_start_arg(const char *arg)
{
	struct app_opts opts;
	char path[4096], options[256], why[128];
	const char *colon = strrchr(arg, ':');
	struct stat st;
	uint64_t i;

	app_opts_default(&opts);
	if (stat(arg, &st) == 0 || !colon) {
		snprintf(path, sizeof(path), "%s", arg);
	} else {
		snprintf(path, sizeof(path), "%.*s", (int)(colon - arg), arg);
		snprintf(options, sizeof(options), "%s", colon + 1);
		for (i = 0; options[i]; i++)
			if (options[i] == ',')
				options[i] = ' ';
		if (app_opts_parse(options, strlen(options), &opts, why, sizeof(why)) < 0) {
			fprintf(stderr, "fomos-host: %s: %s\n", path, why);
			return -1;
		}
	}
	return host_start_file(path, &opts);
}

/* Composes what changed on the screen into the pixels the window shows
 * and the screenshot saves, as the kernel's loop does at each frame. */
static void host_compose(void)
{
	exec_frame();
	display_flush();
}

/* Bytes as on the serial line: to the app that owns the terminal (its
 * term_read), or typed on the keyboard, as the kernel's monitor does. */
static void host_serial(const char *bytes, uint64_t len)
{
	uint64_t now = plat_now_ns(), i;
	int typed = 0;

	for (i = 0; i < len; i++)
		if (!term_feed((uint8_t)bytes[i])) {
			inputhub_serial(now, (uint8_t)bytes[i]);
			typed = 1;
		}
	/* The text is all there: a lone ESC at its end is the Escape key. */
	if (typed)
		inputhub_serial_idle(now);
}

/* --- the terminal: standard input as the serial line ------------------------------ */

static struct termios host_tty_saved;
static int host_tty_raw;
static int host_stdin_open = 1;

static void host_tty_restore(void)
{
	if (host_tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &host_tty_saved);
	host_tty_raw = 0;
}

/* A terminal on standard input sends what is typed, key by key, unechoed,
 * Enter as CR: what a serial terminal sends.  Ctrl-C still stops us. */
static void host_tty_init(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &host_tty_saved) < 0)
		return;
	t = host_tty_saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
		host_tty_raw = 1;
		atexit(host_tty_restore);
	}
}

/* What standard input has now, never waiting for more. */
static void host_read_stdin(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char buf[512];
	ssize_t n;

	while (host_stdin_open && poll(&p, 1, 0) == 1) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n <= 0) {
			host_stdin_open = n < 0 && errno == EINTR;
			return;
		}
		host_serial(buf, (uint64_t)n);
	}
}

/* `run NAME` looks in --apps DIR, else in the folder of the first app. */
static void host_apps_dir_from(const char *dir, const char *first_arg)
{
	const char *slash = strrchr(first_arg, '/');
	char d[4096];

	if (dir)
		snprintf(d, sizeof(d), "%s", dir);
	else if (slash)
		snprintf(d, sizeof(d), "%.*s", (int)(slash - first_arg), first_arg);
	else
		snprintf(d, sizeof(d), ".");
	host_set_apps_dir(d);
}

static void host_do_at(const struct host_opts *o, uint64_t round)
{
	uint32_t i;

	for (i = 0; i < o->at_count; i++) {
		const struct host_at *at = &o->at[i];

		if (at->round != round)
			continue;
		if (at->click) {
			inputhub_warp(plat_now_ns(), at->x, at->y);
			inputhub_key(plat_now_ns(), FOMOS_BTN_LEFT, 1);
			inputhub_key(plat_now_ns(), FOMOS_BTN_LEFT, 0);
		} else {
			host_serial(at->text, at->len);
		}
	}
}

static void host_sleep_until(uint64_t until)
{
	uint64_t now = plat_now_ns(), ns;
	struct timespec t;

	if (until <= now)
		return;
	ns = MIN(until - now, 1000000000ull);	/* look at host_stop now and then */
	if (host_net_open()) {
		host_net_wait(ns);	/* a socket that becomes ready ends the wait */
		return;
	}
	t.tv_sec = (time_t)(ns / 1000000000ull);
	t.tv_nsec = (long)(ns % 1000000000ull);
	nanosleep(&t, NULL);	/* EINTR: a signal, seen by the caller */
}

/* kernel/main.c's loop: the window's events, a round of the apps that are
 * due, the file work of the round, and a frame; when nobody is due a wait
 * until the earliest wake-up. */
static void host_loop(const struct host_opts *o, const uint32_t *pixels)
{
	uint64_t rounds = 0, acted = 0, next, now, last_frame = 0;
	int drew = 1;

	while (!host_stop) {
		uint32_t called;

		if (!o->headless && host_window_poll())
			break;
		/* Like --type, once every app had its first call: an app that
		 * takes the terminal takes it then. */
		if (o->terminal && rounds)
			host_read_stdin();
		if (acted <= rounds)
			host_do_at(o, acted = rounds + 1);
		exec_clicks();
		called = exec_round(&next);
		/* The disk work of the round, between calls as on the kernel. */
		exec_files_poll(HOST_FILES_NS);
		if (called) {
			drew = 1;
			/* Headless, the screen is composed after every round: a
			 * screenshot shows exactly what was damaged. */
			if (o->headless)
				host_compose();
			if (++rounds == o->frames)
				break;
		}
		if (!exec_running())
			break;
		now = plat_now_ns();
		if (now >= o->stop_ns)
			break;
		if (!o->headless && drew && now - last_frame >= HOST_FRAME_NS) {
			host_compose();
			host_window_show(pixels);
			last_frame = now;
			drew = 0;
		}
		if (called || exec_files_pending())
			continue;
		next = MIN(next, o->stop_ns);
		if (o->headless)
			host_sleep_until(next);
		else if (host_net_open())
			host_net_wait(2000000);	/* the window's events and the sockets, both looked at often */
		else
			host_window_wait(drew ? MIN(next, last_frame + HOST_FRAME_NS) : next);
	}
}

static void host_log_stdout(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
	fflush(stdout);
}

/* The screen apps see, composed into pixels the window shows and the
 * screenshot saves.  Returns them, or NULL after a message. */
static uint32_t *host_screen(const struct host_opts *o)
{
	uint64_t n = (uint64_t)o->width * o->height;
	uint32_t *pixels = malloc(n * 4), *frame = malloc(n * 4);
	struct boot_fb fb = { (uint64_t)(uintptr_t)pixels, n * 4, o->width, o->height, o->width,
	    FB_BGRX, 0, 0, 0, 0 };

	if (!pixels || !frame || display_init(&fb, frame, HOST_BACKGROUND) < 0) {
		fprintf(stderr, "fomos-host: no memory for a %ux%u screen\n", o->width, o->height);
		free(pixels);
		free(frame);
		return NULL;
	}
	display_damage((struct compose_rect){ 0, 0, (int32_t)o->width, (int32_t)o->height });
	display_flush();
	return pixels;
}

int main(int argc, char **argv)
{
	/* On the signal stack: Ctrl-C may come while an app's stack is full. */
	struct sigaction sa = { .sa_handler = host_on_signal, .sa_flags = SA_ONSTACK };
	struct host_opts o;
	uint32_t *pixels;
	int started = 0, r, i, status = 0;

	r = host_parse_options(argc, argv, &o);
	if (r || optind == argc) {
		host_usage(r == 1 ? stdout : stderr);
		return r == 1 ? 0 : 2;
	}
	if (!(pixels = host_screen(&o)))
		return 1;
	if (!o.headless && host_window_open(o.width, o.height) < 0)
		return 1;
	if (o.type) {		/* typed once every app had its first call */
		if (o.at_count == HOST_AT_MAX) {
			fprintf(stderr, "fomos-host: too many --at and --type\n");
			return 2;
		}
		o.at[o.at_count++] = (struct host_at){ .round = 2, .text = o.type, .len = o.type_len };
	}
	if (o.terminal)
		host_tty_init();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	log_add_sink(host_log_stdout);
	if (host_plat_init() < 0) {
		fprintf(stderr, "fomos-host: cannot watch over apps (signals, timer): %s\n", strerror(errno));
		return 1;
	}
	inputhub_init(o.width, o.height, o.layout);
	exec_init(o.width, o.height);
	exec_set_system(cmd_system);
	exec_set_fs(host_files_fs());
	exec_set_net(&host_net_ops);
	exec_set_gpu(&host_gpu_ops);
	host_apps_dir_from(o.apps_dir, argv[optind]);
	for (i = optind; i < argc; i++) {
		int64_t pid = host_start_arg(argv[i]);

		if (pid > 0 && o.args)
			exec_set_args((uint64_t)pid, o.args);
		started += pid > 0;
	}
	if (!started) {
		fprintf(stderr, "fomos-host: no app could start\n");
		status = 1;
	} else {
		host_loop(&o, pixels);
	}
	if (o.screenshot) {
		host_compose();
		if (host_png_write(o.screenshot, pixels, o.width, o.height) < 0) {
			fprintf(stderr, "fomos-host: %s: %s\n", o.screenshot, strerror(errno));
			status = 1;
		}
	}
	if (host_gpu_resources())
		fprintf(stderr, "fomos-host: 3D: %u resources held by the apps still running\n",
		    host_gpu_resources());
	if (!o.headless)
		host_window_close();
	return status;
}
