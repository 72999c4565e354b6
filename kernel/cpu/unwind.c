#include "lib.h"
#include "paging.h"
#include "unwind.h"

struct runtime_function { uint32_t begin, end, unwind; };

enum {
	UWOP_PUSH_NONVOL = 0, UWOP_ALLOC_LARGE = 1, UWOP_ALLOC_SMALL = 2,
	UWOP_SET_FPREG = 3, UWOP_SAVE_NONVOL = 4, UWOP_SAVE_NONVOL_FAR = 5,
	UWOP_SAVE_XMM128 = 8, UWOP_SAVE_XMM128_FAR = 9, UWOP_PUSH_MACHFRAME = 10,
};
#define UNW_FLAG_CHAININFO	0x4
#define REG_RSP			4

static struct {
	uint64_t base, size;
	const struct runtime_function *table;	/* sorted by begin */
	uint32_t count;
} uw;

void unwind_set_image(uint64_t base, uint64_t size)
{
	const uint8_t *img = (const uint8_t *)(uintptr_t)base;
	uint32_t pe = *(const uint32_t *)(img + 0x3c);
	const uint8_t *opt = img + pe + 24;
	uint32_t rva, len;

	uw.base = base;
	uw.size = size;
	/* PE32+ data directory 3 (exception table) at optional header + 112 + 3*8. */
	if (memcmp(img + pe, "PE\0\0", 4) || *(const uint16_t *)opt != 0x20b ||
	    *(const uint32_t *)(opt + 108) <= 3)
		return;
	rva = *(const uint32_t *)(opt + 112 + 24);
	len = *(const uint32_t *)(opt + 112 + 28);
	if (!rva || rva + (uint64_t)len > size)
		return;
	uw.table = (const void *)(img + rva);
	uw.count = len / sizeof(struct runtime_function);
}

static const struct runtime_function *uw_lookup(uint32_t rva)
{
	uint32_t lo = 0, hi = uw.count;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (rva < uw.table[mid].begin)
			hi = mid;
		else if (rva >= uw.table[mid].end)
			lo = mid + 1;
		else
			return &uw.table[mid];
	}
	return NULL;
}

static int uw_read(uint64_t addr, uint64_t *v)
{
	if (!paging_mapped(addr) || !paging_mapped(addr + 7))
		return -1;
	*v = *(const uint64_t *)(uintptr_t)addr;
	return 0;
}

/* Undoes one function's prologue (the part already executed at `offset`). */
static int uw_undo(struct unwind_state *s, const struct runtime_function *f, uint32_t offset, int *machframe)
{
	const uint8_t *info = (const uint8_t *)(uintptr_t)(uw.base + f->unwind);
	uint32_t ncodes = info[2], fpreg = info[3] & 15, fpoff = (info[3] >> 4) * 16, i;
	const uint16_t *codes = (const uint16_t *)(info + 4);

	if (f->unwind + 4ull + ncodes * 2 > uw.size)
		return -1;
	for (i = 0; i < ncodes; i++) {
		uint32_t at = codes[i] & 0xff, op = (codes[i] >> 8) & 15, opinfo = codes[i] >> 12;
		int done = at > offset;	/* this prologue step has not run yet */
		uint64_t v;

		switch (op) {
		case UWOP_PUSH_NONVOL:
			if (!done) {
				if (uw_read(s->rsp, &v))
					return -1;
				s->regs[opinfo] = v;
				s->rsp += 8;
			}
			break;
		case UWOP_ALLOC_LARGE:
			v = opinfo ? codes[i + 1] | (uint32_t)codes[i + 2] << 16 : codes[i + 1] * 8u;
			i += opinfo ? 2 : 1;
			if (!done)
				s->rsp += v;
			break;
		case UWOP_ALLOC_SMALL:
			if (!done)
				s->rsp += opinfo * 8 + 8;
			break;
		case UWOP_SET_FPREG:
			if (!done)
				s->rsp = s->regs[fpreg] - fpoff;
			break;
		case UWOP_SAVE_NONVOL:
		case UWOP_SAVE_NONVOL_FAR:
			v = op == UWOP_SAVE_NONVOL ? codes[i + 1] * 8u : codes[i + 1] | (uint32_t)codes[i + 2] << 16;
			i += op == UWOP_SAVE_NONVOL ? 1 : 2;
			if (!done && uw_read(s->rsp + v, &s->regs[opinfo]))
				return -1;
			break;
		case UWOP_SAVE_XMM128:
			i += 1;
			break;
		case UWOP_SAVE_XMM128_FAR:
			i += 2;
			break;
		case UWOP_PUSH_MACHFRAME:
			if (!done) {
				s->rsp += opinfo ? 8 : 0;
				if (uw_read(s->rsp, &s->rip) || uw_read(s->rsp + 24, &v))
					return -1;
				s->rsp = v;
				*machframe = 1;
			}
			break;
		default:
			return -1;
		}
	}
	if (info[0] >> 3 & UNW_FLAG_CHAININFO) {
		const struct runtime_function *chained = (const void *)(codes + ((ncodes + 1) & ~1u));

		return uw_undo(s, chained, UINT32_MAX, machframe);
	}
	return 0;
}

int unwind_step(struct unwind_state *s)
{
	const struct runtime_function *f;
	int machframe = 0;

	if (!uw.table || s->rip - uw.base >= uw.size)
		return -1;
	f = uw_lookup((uint32_t)(s->rip - uw.base));
	if (f && uw_undo(s, f, (uint32_t)(s->rip - uw.base - f->begin), &machframe) < 0)
		return -1;
	/* No entry: a leaf function, whose return address is at rsp. */
	if (!machframe) {
		if (uw_read(s->rsp, &s->rip))
			return -1;
		s->rsp += 8;
	}
	s->regs[REG_RSP] = s->rsp;
	return 0;
}
