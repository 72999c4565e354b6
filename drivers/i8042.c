/*
 * The i8042 PS/2 controller with its keyboard and mouse (IBM PS/2 Technical
 * Reference; the 8042 command set as every PC chipset and laptop embedded
 * controller still implements it).  QEMU: built into -machine pc and q35
 * (off with i8042=off); QMP key and relative pointer events reach it when
 * no other keyboard or mouse has taken them.
 *
 * Found through ACPI: from FADT revision 2 on, IAPC_BOOT_ARCH says whether
 * there is an 8042 (a "no" is believed); an older FADT says nothing, and
 * then the ports are probed safely: a status port reading 0xff is an empty
 * bus, and the controller must pass its self-test.  All the waits (each
 * bounded, at most a few hundred ms) happen here, at boot.
 *
 * The keyboard is switched to scan code set 2 with the controller's
 * translation off, and set 2 is turned into evdev key codes for the input
 * hub; a make code for a key already down is the keyboard's own repeat
 * (value 2).  The mouse is asked to be an IntelliMouse (the sample-rate
 * knock 200, 100, 80): if it answers ID 3 its packets have a fourth byte,
 * the wheel.  Interrupts 1 and 12 go through the I/O APIC to VEC_LEGACY;
 * the poll reads the ports only after one came (or every 10 ms without an
 * I/O APIC).  Caps Lock's light is sent (0xed) when the input hub's state
 * changes, one byte per poll, never waiting.
 */
#include "acpi.h"
#include "cpu.h"
#include "drivers.h"
#include "inputhub.h"
#include "ioapic.h"
#include "lib.h"
#include "log.h"
#include "timer.h"
#include "trap.h"

#define PORT_DATA	0x60
#define PORT_STATUS	0x64	/* read: status; write: controller command */

#define ST_OBF		(1u << 0)	/* a byte waits in the output buffer */
#define ST_IBF		(1u << 1)	/* the controller has not taken our last byte yet */
#define ST_AUX		(1u << 5)	/* that byte is the mouse's */
#define ST_ERROR	(0xc0u)		/* timeout or parity: the byte is garbage */

#define CMD_READ_CFG	0x20
#define CMD_WRITE_CFG	0x60
#define CMD_AUX_OFF	0xa7
#define CMD_AUX_ON	0xa8
#define CMD_AUX_TEST	0xa9
#define CMD_SELF_TEST	0xaa
#define CMD_KBD_TEST	0xab
#define CMD_KBD_OFF	0xad
#define CMD_KBD_ON	0xae
#define CMD_TO_AUX	0xd4

#define CFG_KBD_INT	(1u << 0)
#define CFG_AUX_INT	(1u << 1)
#define CFG_KBD_CLOCK	(1u << 4)	/* set: the keyboard's clock is off */
#define CFG_AUX_CLOCK	(1u << 5)
#define CFG_TRANSLATE	(1u << 6)

#define ACK		0xfa
#define RESEND		0xfe
#define BTN_LEFT	0x110
#define POLL_NS		(10ull * 1000000)	/* without interrupts */
#define PACKET_NS	(50ull * 1000000)	/* a mouse packet's bytes come closer than that */

/* Scan code set 2 to evdev codes: plain, then after 0xe0. */
static const uint8_t set2[0x84] = {
	[0x01] = 67, [0x03] = 63, 61, 59, 60, 88, [0x09] = 68, 66, 64, 62, 15, 41,
	[0x11] = 56, 42, [0x13] = 93, 29, 16, 2, [0x1a] = 44, 31, 30, 17, 3,
	[0x21] = 46, 45, 32, 18, 5, 4, [0x29] = 57, 47, 33, 20, 19, 6,
	[0x31] = 49, 48, 35, 34, 21, 7, [0x3a] = 50, 36, 22, 8, 9,
	[0x41] = 51, 37, 23, 24, 11, 10, [0x49] = 52, 53, 38, 39, 25, 12,
	[0x51] = 89, 40, [0x54] = 26, 13, [0x58] = 58, 54, 28, 27, [0x5d] = 43,
	[0x61] = 86, [0x64] = 92, [0x66] = 14, 94, [0x69] = 79, [0x6a] = 124, 75, 71,
	[0x70] = 82, 83, 80, 76, 77, 72, 1, 69, 87, 78, 81, 74, 55, 73, 70,
	[0x83] = 65,
};
static const uint8_t set2_e0[0x80] = {
	[0x10] = 217, [0x11] = 100, [0x14] = 97, [0x15] = 165, [0x1f] = 125,
	[0x21] = 114, [0x23] = 113, [0x27] = 126, [0x2b] = 140, [0x2f] = 127,
	[0x32] = 115, [0x34] = 164, [0x37] = 116, [0x3b] = 166, [0x3f] = 142,
	[0x4a] = 98, [0x4d] = 163, [0x5a] = 96, [0x5e] = 143,
	[0x69] = 107, [0x6b] = 105, [0x6c] = 102, [0x70] = 110, [0x71] = 111, [0x72] = 108,
	[0x74] = 106, [0x75] = 103, [0x7a] = 109, [0x7c] = 99, [0x7d] = 104,
};

/* Written by i8042_probe, then only by i8042_poll. */
static struct {
	uint8_t cfg;			/* the controller's configuration byte */
	uint8_t has_kbd, has_aux, wheel, irqs;
	uint32_t irq_seen;		/* drivers_legacy_irqs() at the last read */
	uint64_t next_poll;		/* ns: without interrupts, read the ports then */
	/* Keyboard decoding. */
	uint8_t e0, f0, e1;		/* prefixes seen; bytes of Pause still to skip */
	uint8_t down[32];		/* evdev codes held (bitmap) */
	/* Caps Lock's light: 0 idle, 1 waiting for the ACK of 0xed, 2 of the value. */
	uint8_t led_state, led_sent, led_want, led_failures;
	uint64_t led_deadline;
	/* Mouse packets. */
	uint8_t packet[4], got;
	uint8_t buttons;
	uint64_t packet_at;
} kbc;

/* --- bounded waits, at boot only --------------------------------------------------- */

static int i8042_write(uint16_t port, uint8_t v)
{
	uint64_t deadline = timer_ns() + 50000000;

	while (inb(PORT_STATUS) & ST_IBF)
		if (timer_ns() > deadline)
			return -1;
	outb(port, v);
	return 0;
}

/* The next byte from the controller (any device), -1 after `ms`. */
static int i8042_read(uint32_t ms)
{
	uint64_t deadline = timer_ns() + (uint64_t)ms * 1000000;

	while (!(inb(PORT_STATUS) & ST_OBF))
		if (timer_ns() > deadline)
			return -1;
	return inb(PORT_DATA);
}

static void i8042_flush(void)
{
	uint32_t i;

	for (i = 0; i < 64 && (inb(PORT_STATUS) & ST_OBF); i++)
		(void)inb(PORT_DATA);
}

/* A controller command, with its one-byte answer if `answer`. */
static int i8042_cmd(uint8_t cmd, int answer)
{
	if (i8042_write(PORT_STATUS, cmd) < 0)
		return -1;
	return answer ? i8042_read(100) : 0;
}

/* A byte to the keyboard or (aux) the mouse; its answer (ACK, after
 * resends), or -1.  A reset's self-test takes up to a second on some
 * keyboards: `ms` is per answer. */
static int i8042_dev(int aux, uint8_t v, uint32_t ms)
{
	int tries, r = -1;

	for (tries = 0; tries < 3; tries++) {
		if ((aux && i8042_write(PORT_STATUS, CMD_TO_AUX) < 0) || i8042_write(PORT_DATA, v) < 0)
			return -1;
		r = i8042_read(ms);
		if (r != RESEND)
			return r;
	}
	return r;
}

static int i8042_dev2(int aux, uint8_t cmd, uint8_t arg)
{
	return i8042_dev(aux, cmd, 100) == ACK && i8042_dev(aux, arg, 100) == ACK ? 0 : -1;
}

/* --- the devices ---------------------------------------------------------------------- */

static int i8042_keyboard(void)
{
	int r;

	/* Reset: ACK, then the self-test result 0xaa (BAT). */
	if (i8042_dev(0, 0xff, 200) != ACK || (r = i8042_read(1000)) != 0xaa) {
		klog("i8042: no keyboard answered a reset\n");
		return -1;
	}
	if (i8042_dev2(0, 0xf0, 2) < 0)
		klog("i8042: the keyboard refused scan code set 2; assuming it is in it\n");
	i8042_dev2(0, 0xed, 0);		/* LEDs off */
	if (i8042_dev(0, 0xf4, 100) != ACK)
		return -1;
	return 0;
}

static int i8042_mouse(void)
{
	int id;

	/* Reset: ACK, 0xaa, then its ID. */
	if (i8042_dev(1, 0xff, 200) != ACK || i8042_read(1000) != 0xaa) {
		klog("i8042: no mouse answered a reset\n");
		return -1;
	}
	i8042_read(100);	/* its ID, 0 after a reset */
	/* The IntelliMouse knock: sample rates 200, 100, 80, then ask the ID. */
	i8042_dev2(1, 0xf3, 200);
	i8042_dev2(1, 0xf3, 100);
	i8042_dev2(1, 0xf3, 80);
	id = i8042_dev(1, 0xf2, 100) == ACK ? i8042_read(100) : -1;
	kbc.wheel = id == 3 || id == 4;
	i8042_dev2(1, 0xf3, 100);	/* 100 reports a second */
	i8042_dev2(1, 0xe8, 2);		/* 4 counts per mm */
	if (i8042_dev(1, 0xf4, 100) != ACK)	/* reporting on */
		return -1;
	return 0;
}

/* --- decoding ---------------------------------------------------------------------------- */

static uint64_t i8042_when(void)
{
	/* When it arrived: the interrupt that announced it. */
	return timer_tsc_to_ns(drivers_irq_tsc());
}

static void i8042_led_byte(uint8_t b)
{
	if (b == ACK && kbc.led_state == 1) {
		outb(PORT_DATA, kbc.led_want ? 4 : 0);	/* bit 2: Caps Lock */
		kbc.led_state = 2;
	} else if (b == ACK && kbc.led_state == 2) {
		kbc.led_sent = kbc.led_want;
		kbc.led_state = 0;
		kbc.led_failures = 0;
	} else if (b == RESEND && kbc.led_state) {
		kbc.led_state = 0;	/* sent again at the next poll */
	}
}

static void i8042_key_byte(uint8_t b)
{
	uint8_t code;
	int value;

	if (b == ACK || b == RESEND) {
		i8042_led_byte(b);
		return;
	}
	if (b == 0x00 || b == 0xff || (b == 0xaa && !kbc.e0 && !kbc.f0))
		return;		/* an overrun, or a keyboard plugged in again (its BAT) */
	if (kbc.e1) {
		/* Pause is E1 14 77 E1 F0 14 F0 77, press and release at once. */
		if (--kbc.e1 == 0) {
			inputhub_key(i8042_when(), 119, 1);
			inputhub_key(i8042_when(), 119, 0);
		}
		return;
	}
	if (b == 0xe0 || b == 0xf0 || b == 0xe1) {
		if (b == 0xe0)
			kbc.e0 = 1;
		else if (b == 0xf0)
			kbc.f0 = 1;
		else
			kbc.e1 = 7;
		return;
	}
	code = kbc.e0 ? (b < sizeof(set2_e0) ? set2_e0[b] : 0) : (b < sizeof(set2) ? set2[b] : 0);
	value = kbc.f0 ? 0 : (kbc.down[code / 8] & (1u << (code % 8))) ? 2 : 1;
	kbc.e0 = kbc.f0 = 0;
	if (!code)
		return;		/* a fake shift around PrtSc and the like, or a key we do not know */
	if (value)
		kbc.down[code / 8] |= (uint8_t)(1u << (code % 8));
	else
		kbc.down[code / 8] &= (uint8_t)~(1u << (code % 8));
	inputhub_key(i8042_when(), code, value);
}

static void i8042_mouse_byte(uint8_t b)
{
	uint64_t now = timer_ns();
	uint64_t t;
	int32_t dx, dy, dz = 0;
	uint8_t p0, i;

	/* A packet cut short (a byte lost): start again. */
	if (kbc.got && now - kbc.packet_at > PACKET_NS)
		kbc.got = 0;
	/* The first byte always has bit 3 set: the way back into step. */
	if (kbc.got == 0 && !(b & 0x08))
		return;
	if (kbc.got == 0)
		kbc.packet_at = now;
	kbc.packet[kbc.got++] = b;
	if (kbc.got < (kbc.wheel ? 4 : 3))
		return;
	kbc.got = 0;
	p0 = kbc.packet[0];
	if (p0 & 0xc0)
		return;		/* X or Y overflowed: the deltas mean nothing */
	t = i8042_when();
	/* 9-bit two's complement deltas; PS/2's Y grows upwards. */
	dx = (int32_t)kbc.packet[1] - ((p0 & 0x10) ? 256 : 0);
	dy = (int32_t)kbc.packet[2] - ((p0 & 0x20) ? 256 : 0);
	if (kbc.wheel)
		dz = (int8_t)(kbc.packet[3] << 4) >> 4;	/* low 4 bits, signed (IntelliMouse) */
	for (i = 0; i < 3; i++)
		if ((p0 ^ kbc.buttons) & (1u << i))
			inputhub_key(t, BTN_LEFT + i, (p0 >> i) & 1);
	kbc.buttons = p0 & 7;
	if (dx || dy)
		inputhub_move(t, dx, -dy);
	if (dz)
		inputhub_wheel(t, -dz);	/* the wheel turned away from the user is negative here */
}

/* --- the poll ------------------------------------------------------------------------------- */

/* Caps Lock's light, one byte at a time, never waiting for the answer. */
static void i8042_leds(void)
{
	uint8_t caps = (uint8_t)inputhub_caps_lock();
	uint64_t now;

	if (!kbc.has_kbd || kbc.led_failures >= 3)
		return;
	if (kbc.led_state) {
		now = timer_ns();
		if (now > kbc.led_deadline) {	/* no ACK: give it up, try again later */
			kbc.led_state = 0;
			if (++kbc.led_failures == 3)
				klog("i8042: the keyboard does not take its lights; left dark\n");
		}
		return;
	}
	if (caps == kbc.led_sent || (inb(PORT_STATUS) & ST_IBF))
		return;
	kbc.led_want = caps;
	kbc.led_state = 1;
	kbc.led_deadline = timer_ns() + 200000000;
	outb(PORT_DATA, 0xed);
}

static void i8042_poll(void)
{
	uint32_t irqs = drivers_legacy_irqs(), n;
	uint8_t st;

	if (irqs == kbc.irq_seen && (kbc.irqs || timer_ns() < kbc.next_poll)) {
		if (kbc.led_sent != (uint8_t)inputhub_caps_lock() || kbc.led_state)
			i8042_leds();
		return;
	}
	kbc.irq_seen = irqs;
	if (!kbc.irqs)
		kbc.next_poll = timer_ns() + POLL_NS;
	for (n = 0; n < 64 && ((st = inb(PORT_STATUS)) & ST_OBF); n++) {
		uint8_t b = inb(PORT_DATA);

		if (st & ST_ERROR)
			continue;
		if (st & ST_AUX)
			i8042_mouse_byte(b);
		else
			i8042_key_byte(b);
	}
	i8042_leds();
}

/* --- finding it ----------------------------------------------------------------------------- */

int i8042_find(void)
{
	uint64_t t0 = timer_ns();
	int r;

	if (acpi.boot_arch_valid && !(acpi.boot_arch & 2)) {
		klog("i8042: none (the FADT says this machine has no 8042)\n");
		return -1;
	}
	if (inb(PORT_STATUS) == 0xff) {
		klog("i8042: none (nothing answers at port 0x64)\n");
		return -1;
	}
	/* Both devices quiet, whatever the firmware left, then the self-test. */
	if (i8042_cmd(CMD_KBD_OFF, 0) < 0 || i8042_cmd(CMD_AUX_OFF, 0) < 0) {
		klog("i8042: the controller takes no commands; left alone\n");
		return -1;
	}
	i8042_flush();
	r = i8042_cmd(CMD_READ_CFG, 1);
	if (r < 0 || i8042_cmd(CMD_SELF_TEST, 1) != 0x55) {
		klog("i8042: the controller failed its self-test; left alone\n");
		return -1;
	}
	/* Interrupts off and translation off while we set things up (the
	 * self-test may have reset the byte: write it again). */
	kbc.cfg = (uint8_t)r & ~(CFG_KBD_INT | CFG_AUX_INT | CFG_TRANSLATE);
	i8042_cmd(CMD_WRITE_CFG, 0);
	i8042_write(PORT_DATA, kbc.cfg);
	/* A second channel is there if enabling it starts its clock. */
	i8042_cmd(CMD_AUX_ON, 0);
	r = i8042_cmd(CMD_READ_CFG, 1);
	kbc.has_aux = r >= 0 && !(r & CFG_AUX_CLOCK) && i8042_cmd(CMD_AUX_TEST, 1) == 0;
	i8042_cmd(CMD_AUX_OFF, 0);
	if (i8042_cmd(CMD_KBD_TEST, 1) == 0) {
		i8042_cmd(CMD_KBD_ON, 0);
		kbc.has_kbd = i8042_keyboard() == 0;
	}
	if (kbc.has_aux) {
		i8042_cmd(CMD_AUX_ON, 0);
		kbc.has_aux = i8042_mouse() == 0;
	}
	i8042_flush();
	if (!kbc.has_kbd && !kbc.has_aux) {
		klog("i8042: a controller, but no keyboard or mouse answers\n");
		return -1;
	}
	/* Interrupts through the I/O APIC, or a poll every 10 ms without. */
	kbc.irqs = (!kbc.has_kbd || ioapic_route_isa(1, VEC_LEGACY) == 0) &&
	    (!kbc.has_aux || ioapic_route_isa(12, VEC_LEGACY) == 0);
	kbc.cfg = (kbc.cfg & ~(CFG_KBD_CLOCK | CFG_AUX_CLOCK)) | (kbc.has_kbd ? CFG_KBD_INT : CFG_KBD_CLOCK) |
	    (kbc.has_aux ? CFG_AUX_INT : CFG_AUX_CLOCK);
	i8042_cmd(CMD_WRITE_CFG, 0);
	i8042_write(PORT_DATA, kbc.cfg);
	kbc.irq_seen = drivers_legacy_irqs();
	if (kbc.has_kbd)
		drivers_input_add();
	if (kbc.has_aux)
		drivers_input_add();
	klog("i8042: %s%s%s, scan code set 2, %s (set up in %llu ms)\n", kbc.has_kbd ? "PS/2 keyboard" : "",
	    kbc.has_kbd && kbc.has_aux ? " and " : "", kbc.has_aux ? (kbc.wheel ? "PS/2 mouse with a wheel" :
	    "PS/2 mouse") : "", kbc.irqs ? "IRQ 1 and 12 through the I/O APIC" : "polled every 10 ms",
	    ULL((timer_ns() - t0) / 1000000));
	return 0;
}

const struct driver driver_i8042 = { "i8042", NULL, i8042_poll };
