/*
 * The kernel's commands besides the common ones (commands.c): what only
 * the machine can answer or do.
 */
#include "cfg.h"
#include "cmd.h"
#include "exec.h"
#include "exec_snap.h"
#include "kcmds.h"
#include "kmem.h"
#include "lib.h"
#include "net.h"
#include "pci.h"
#include "pmm.h"
#include "power.h"
#include "scanout.h"
#include "timer.h"
#include "usb.h"
#include "virtio_gpu.h"

static void kcmd_mem(struct cmd_out *o, const char *arg)
{
	(void)arg;
	cmd_printf(o, "%llu MiB free of %llu MiB; kernel heap %llu KiB used of %llu KiB\n",
	    pmm_free_pages() * PAGE_SIZE >> 20, pmm_managed_pages() * PAGE_SIZE >> 20,
	    kmem_used() >> 10, kmem_size() >> 10);
	cmd_printf(o, "%u apps hold %llu KiB\n", exec_running(), exec_running_bytes() >> 10);
}

static void kcmd_time(struct cmd_out *o, const char *arg)
{
	uint64_t ns = timer_ns();

	(void)arg;
	cmd_printf(o, "uptime %llu.%03llu s, %llu timer ticks, TSC %llu MHz\n", ns / 1000000000ull,
	    ns / 1000000 % 1000, timer_ticks(), timer_tsc_hz() / 1000000);
}

static void kcmd_save(struct cmd_out *o, const char *arg)
{
	(void)arg;
	if (exec_snap_request(0) < 0)
		cmd_printf(o, "save: no writable boot disk, nothing saved\n");
	else
		cmd_printf(o, "saving %u apps to /fomos/state/ (the log says when it is done)\n", exec_running());
}

static void kcmd_suspend(struct cmd_out *o, const char *arg)
{
	(void)arg;
	if (exec_snap_request(1) < 0)
		cmd_printf(o, "suspend: no writable boot disk, nothing saved, not powering off\n");
	else
		cmd_printf(o, "saving %u apps to /fomos/state/, then powering off\n", exec_running());
}

static void kcmd_lspci(struct cmd_out *o, const char *arg)
{
	char line[96];
	uint32_t i;

	(void)arg;
	for (i = 0; i < pci_count(); i++) {
		pci_describe(pci_get(i), line, sizeof(line));
		cmd_printf(o, "%s\n", line);
	}
}

static void kcmd_lsusb_line(void *arg, const char *text)
{
	cmd_printf(arg, "%s\n", text);
}

static void kcmd_lsusb(struct cmd_out *o, const char *arg)
{
	(void)arg;
	cmd_printf(o, "%-10s %-9s %-6s %-15s %s\n", "PORT", "ID", "SPEED", "CLASS", "DRIVERS, DEVICES  NAME");
	if (!usb_list(kcmd_lsusb_line, o))
		cmd_printf(o, "no USB devices\n");
}

static void kcmd_shutdown(struct cmd_out *o, const char *arg)
{
	(void)arg;
	power_off();
	cmd_printf(o, "shutdown failed: no ACPI power-off on this machine\n");
}

static void kcmd_net(struct cmd_out *o, const char *arg)
{
	static char buf[1024];
	uint32_t n = net_describe(buf, sizeof(buf));

	(void)arg;
	cmd_write(o, buf, MIN(n, (uint32_t)sizeof(buf) - 1));
}

static void kcmd_gpu(struct cmd_out *o, const char *arg)
{
	static char buf[160];
	struct vgpu_stats st;

	(void)arg;
	if (!vgpu_present()) {
		cmd_printf(o, "gpu: none: the display is the firmware's framebuffer\n");
		return;
	}
	vgpu_get_stats(&st);
	cmd_printf(o, "gpu: %s\n", vgpu_describe(buf, sizeof(buf)));
	cmd_printf(o, "flushes %llu (%llu pixels), cursor images %llu, cursor moves %llu\n", st.flushes,
	    st.flushed_pixels, st.cursor_images, st.cursor_moves);
	cmd_printf(o, "3D streams %llu (%llu bytes), read-backs %llu, errors %llu\n", st.submits,
	    st.submitted_bytes, st.reads, st.errors);
}

static void kcmd_resolution(struct cmd_out *o, const char *arg)
{
	static char buf[1024];
	const char *why = "", *p = arg;
	uint32_t w, h;

	while (*p == ' ')
		p++;
	if (!*p) {
		cmd_write(o, buf, scanout_describe(buf, sizeof(buf)));
		return;
	}
	if (cfg_parse_size(arg, strlen(arg), &w, &h) < 0) {
		cmd_printf(o, "resolution: '%s' is not WIDTHxHEIGHT (e.g. resolution 1024x768)\n", arg);
		return;
	}
	if (scanout_set_mode(w, h, &why) < 0) {
		cmd_printf(o, "resolution: %ux%u: %s\n", w, h, why);
		return;
	}
	cmd_printf(o, "resolution: now %ux%u\n", w, h);
}

static void kcmd_reboot(struct cmd_out *o, const char *arg)
{
	(void)o;
	(void)arg;
	power_reboot();
}

const struct cmd cmd_platform[] = {
	{ "mem", kcmd_mem, "physical memory, kernel heap, apps", CMD_ANYONE },
	{ "time", kcmd_time, "time since boot", CMD_ANYONE },
	{ "lspci", kcmd_lspci, "the PCI functions and their drivers", 0 },
	{ "net", kcmd_net, "the network: address, gateway, dns, link, packets, errors", CMD_ANYONE },
	{ "lsusb", kcmd_lsusb, "the USB devices, their class and driver", 0 },
	{ "gpu", kcmd_gpu, "the virtio GPU: scan-out, cursor, 3D, what was sent", CMD_ANYONE },
	{ "resolution", kcmd_resolution, "resolution [WxH]: the screen's modes, or switch to one", 0 },
	{ "disk", disk_cmd, "disk [sum NAME [FIRST N] | wtest NAME]: the disks", 0 },
	{ "save", kcmd_save, "save every running app to /fomos/state/ (resumed at the next boot)", 0 },
	{ "suspend", kcmd_suspend, "save, then power off", 0 },
	{ "shutdown", kcmd_shutdown, "power off (ACPI S5)", 0 },
	{ "reboot", kcmd_reboot, "reset the machine", 0 },
};
const uint32_t cmd_platform_count = ARRAY_LEN(cmd_platform);
