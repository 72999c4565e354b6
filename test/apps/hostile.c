/*
 * hostile: one bad pointer handed to one context service, chosen when it is
 * built (-DATTACK=N, one app file per attack, test/boot/test_hostile.py):
 * a range whose end wraps past 2^64, the kernel's own memory, or its own
 * home where nothing is mapped.  Each must end this app with a message and
 * nothing else: the kernel, and the counter beside it, go on.  ATTACK 20
 * and up are file() requests, which are answered FOMOS_E_BADARG instead:
 * that app logs the answers and keeps running.
 */
#include "applib.h"

#define KERNEL	0x4000000ull	/* where the kernel's image is loaded (build.ninja's link_base) */
#define WRAP	0xffffffffffffff00ull

static char buf[256];
static struct fomos_file req;

static void said(const char *what, int64_t v)
{
	log_answer("hostile", what, v);
}

static int32_t file_with(struct fomos_ctx *ctx, uint32_t op, void *b, uint64_t len)
{
	req.op = op;
	req.path[0] = 'x';
	req.buf = b;
	req.len = len;
	return ctx->file(&req);
}

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	/* Its own home, far beyond what its arena has mapped. */
	char *unmapped = buf + (3ull << 30);

	fomos_log(ctx, "hostile: attacking");
	switch (ATTACK) {
	case 1: ctx->log((const char *)WRAP, 0x100); break;
	case 2: ctx->log((const char *)KERNEL, 64); break;
	case 3: ctx->log(unmapped, 16); break;
	case 4: ctx->system((const char *)WRAP, 0x100, buf, sizeof(buf)); break;
	case 5: ctx->system("ps", 2, (char *)0xfffffffffffff000ull, 0x2000); break;
	case 6: ctx->system("ps", 2, (char *)KERNEL, 4096); break;
	case 7: ctx->term_read((char *)KERNEL, 64); break;
	case 8: ctx->term_write((const char *)WRAP, 0x200); break;
	case 9: ctx->term_write(unmapped, 1); break;
	case 10: ctx->free((void *)(KERNEL + 0x1010)); break;
	case 20:
		said("file request in the kernel", ctx->file((struct fomos_file *)KERNEL));
		said("file request wrapping", ctx->file((struct fomos_file *)(WRAP + 0xc0)));
		said("read into a wrapping buffer", file_with(ctx, FOMOS_FILE_READ, buf, WRAP));
		said("read into the kernel", file_with(ctx, FOMOS_FILE_READ, (void *)KERNEL, 64));
		said("write from the kernel", file_with(ctx, FOMOS_FILE_WRITE, (void *)KERNEL, 64));
		said("list into unmapped memory", file_with(ctx, FOMOS_FILE_LIST, unmapped, 64));
		fomos_log(ctx, "hostile: still running");
		return -1;
	}
	fomos_log(ctx, "hostile: STILL HERE after the attack");
	return 0;
}
