#include "cmd.h"
#include "console.h"
#include "cpu.h"
#include "inputhub.h"
#include "lineedit.h"
#include "monitor.h"
#include "serial.h"
#include "term.h"
#include "timer.h"

static struct lineedit mon_line;
static uint64_t mon_owner;	/* the terminal's owner the last time we looked */

/* Answers go to the terminal (serial and screen), not into the kernel log:
 * `log` would otherwise mostly show earlier `log` output. */
static void mon_echo(const char *s, uint32_t n)
{
	serial_write(s, n);
	console_write(s, n);
}

static struct cmd_out mon_terminal = { 0, 0, 0, mon_echo };

void monitor_start(void)
{
	if (term_owner())
		return;		/* an app's terminal now */
	cmd_printf(&mon_terminal, "> ");
}

void monitor_poll(void)
{
	uint64_t owner = term_owner();
	int c;

	/* An app took the line: what was half typed for us is gone.  It
	 * ended: the line is ours again. */
	if (owner != mon_owner) {
		if (owner)
			lineedit_reset(&mon_line);
		else
			cmd_printf(&mon_terminal, "\n(the serial line is the kernel's command line again)\n> ");
		mon_owner = owner;
	}
	while ((c = serial_getc()) >= 0) {
		if (term_feed((uint8_t)c))
			continue;	/* an app's terminal: bytes as typed */
		/* The serial line is also a keyboard for the apps. */
		inputhub_serial(timer_ns(), (uint8_t)c);
		if (lineedit_feed(&mon_line, (uint8_t)c, mon_echo)) {
			cmd_run(&mon_terminal, mon_line.line);
			cmd_printf(&mon_terminal, "> ");
		}
	}
}
