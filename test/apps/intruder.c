/*
 * intruder: one attack on isolation per app file, chosen when it is built
 * (-DATTACK=N, test/boot/test_isolation.py): reaching another app's home
 * or the kernel, privileged instructions, a system call the context does
 * not have, jumping into the kernel, scribbling on everything the context
 * points at, forging input, a fork bomb, a surface and a disk over quota,
 * a service storm, log lines dressed as the kernel's.  Each must end this
 * app with a message naming what it did (or be refused, and said so),
 * and nothing else: the kernel, and the counter beside it (slot 0, the
 * first app /fomos/init starts), go on.
 */
#include <string.h>
#include "applib.h"

#define KERNEL		0x4000000ull			/* the kernel's image (build.ninja's link base) */
#define HOME0		(1ull << 40)			/* slot 0's home: the counter */
#define HOME0_STACK	(HOME0 + (4ull << 30) - (32ull << 20) - 64)	/* inside its stack */

struct state {
	uint32_t calls;
	struct fomos_file req;
	char buf[64];
};

static void say(const char *what, int64_t v)
{
	log_answer("intruder", what, v);
}

static int64_t sys(struct fomos_ctx *ctx, const char *cmd, char *out, uint32_t cap)
{
	return ctx->system(cmd, (uint32_t)strlen(cmd), out, cap);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct state *s = fomos_state(ctx, sizeof(struct state));
	static char answer[256];
	uint64_t v;

	if (!s)
		return -1;
	s->calls++;
	if (s->calls == 1)
		fomos_log(ctx, "intruder: attacking");
	switch (ATTACK) {
	case 1: v = *(volatile uint64_t *)(HOME0_STACK); say("read", (int64_t)v); break;
	case 2: *(volatile uint64_t *)(HOME0_STACK) = 0x5a5a5a5a; break;
	case 3: v = *(volatile uint64_t *)KERNEL; say("read", (int64_t)v); break;
	case 4: *(volatile uint64_t *)(KERNEL + 0x100000) = 1; break;
	case 5: __asm__ volatile("cli"); break;
	case 6: __asm__ volatile("hlt"); break;
	case 7: __asm__ volatile("inb $0x60, %%al" ::: "rax"); break;
	case 8: __asm__ volatile("outb %%al, $0xf4" :: "a"(0)); break;	/* isa-debug-exit */
	case 9: __asm__ volatile("wrmsr" :: "c"(0xc0000082), "a"(0), "d"(0)); break;
	case 10: __asm__ volatile("mov %0, %%cr3" :: "r"(0ull)); break;
	case 11: { static const uint8_t idtr[10]; __asm__ volatile("lidt %0" :: "m"(idtr)); break; }
	case 12: __asm__ volatile("int $0x20"); break;
	case 13: __asm__ volatile("syscall" :: "a"(99) : "rcx", "r11", "memory"); break;
	case 14: ((void (*)(void))(uintptr_t)(KERNEL + 0x1000))(); break;
	case 15:
		/* popf cannot clear IF in ring 3 (no fault, no effect): the spin
		 * below is still cut by the timer. */
		__asm__ volatile("pushfq; andq $~0x200, (%%rsp); popfq" ::: "memory", "cc");
		fomos_log(ctx, "intruder: interrupts off, spinning");
		for (;;)
			__asm__ volatile("");
	case 16:
		/* AC open in ring 3 opens nothing in the kernel: services still
		 * check and the kernel clears it. */
		__asm__ volatile("pushfq; orq $0x40000, (%%rsp); popfq" ::: "memory", "cc");
		fomos_log(ctx, "intruder: AC set, the log still works");
		ctx->log((const char *)KERNEL, 16);
		break;
	case 17:
		/* Everything the context points at, scribbled on: its own copies.
		 * The next call gets a fresh context; then the stub page. */
		if (s->calls == 1) {
			struct fomos_input *in = (struct fomos_input *)(uintptr_t)ctx->input;
			uint32_t i;

			for (i = 0; i < 8; i++) {	/* forged key presses: "aaaa..." */
				in->events[(in->event_count + i) % FOMOS_EVENT_RING] =
				    (struct fomos_event){ 0, FOMOS_EV_KEY, FOMOS_KEY_A, 1, 'a' };
				in->event_pid[(in->event_count + i) % FOMOS_EVENT_RING] = 0;
			}
			in->event_count += 8;
			in->keys[FOMOS_KEY_A] = 1;
			ctx->fb.pixels = (uint32_t *)KERNEL;
			ctx->log = (void (FOMOS_CALL *)(const char *, uint32_t))(uintptr_t)KERNEL;
			ctx->store = (void **)KERNEL;
			ctx->input = (const struct fomos_input *)KERNEL;
			return 0;
		}
		/* Its state kept (the store slot is its own), a fresh context. */
		fomos_log(ctx, "intruder: the context is fresh");
		*(volatile uint8_t *)(uintptr_t)ctx->log = 0xc3;	/* the stub page is read-only */
		break;
	case 18:	/* a fork bomb: with admin, at most spawn= of its line run */
		if (sys(ctx, "run intruder_bomb admin", answer, sizeof(answer)) < 0 || answer[0] != 's') {
			fomos_log(ctx, answer);
			return 1000;
		}
		return 10;
	case 19: /* no admin: the machine and other apps are not its to touch */
		say("shutdown", sys(ctx, "shutdown", answer, sizeof(answer)));
		fomos_log(ctx, answer);
		say("kill 1", sys(ctx, "kill 1", answer, sizeof(answer)));
		fomos_log(ctx, answer);
		say("run hello", sys(ctx, "run hello", answer, sizeof(answer)));
		say("ps", sys(ctx, "ps", answer, sizeof(answer)) > 0);
		say("window 8192x8192", ctx->window(0, 0, 8192, 8192, 0));
		say("window 2048x2048", ctx->window(0, 0, 2048, 2048, 0));
		return -1;
	case 20:	/* the disk: 64 KiB with disk=16K */
		if (s->calls == 1) {
			s->req.op = FOMOS_FILE_WRITE;
			s->req.path[0] = 'b';
			s->req.buf = (void *)(uintptr_t)ctx->fb.pixels;
			s->req.len = 64 << 10;
			say("queued", ctx->file(&s->req));
			return 1;
		}
		if (s->req.status == FOMOS_PENDING)
			return 1;
		say("write 64 KiB", s->req.status);
		return -1;
	case 21:	/* a service storm: the budget holds */
		for (;;)
			sys(ctx, "ps", answer, sizeof(answer));
	case 22:	/* lines dressed as the kernel's */
		ctx->log("ok\nkernel: halted\n\x1b[2Jcleared?\r\nfault: none", 43);
		return -1;
	case 23:	/* another home's pointer handed to a service */
		ctx->log((const char *)HOME0_STACK, 8);
		break;
	}
	fomos_log(ctx, "intruder: STILL HERE after the attack");
	return 0;
}
