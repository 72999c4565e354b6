/*
 * virtio-gpu (virtio 1.2, section 5.7).  QEMU: -vga none -device virtio-vga
 * (1af4:1050); with -device virtio-vga-gl the host also offers VIRGL.
 *
 * Two queues: control (every command, answered in order) and cursor
 * (update and move, answered at once).  Each command lives in a slot of one
 * DMA area: the request at its start, the answer after it; a slot stays
 * busy until the host answered, then its callback runs from the poll.
 *
 * The scan-out is a 2D resource whose pixels are physically contiguous
 * guest memory: the display layer writes the damaged rectangle there, and
 * vgpu_flush queues TRANSFER_TO_HOST_2D and RESOURCE_FLUSH for exactly that
 * rectangle.  A mode change makes a second resource, points the scan-out at
 * it, then frees the first.
 */
#include "cpu.h"
#include "drivers.h"
#include "lib.h"
#include "log.h"
#include "pmm.h"
#include "timer.h"
#include "virtio_gpu.h"
#include "virtio_pci.h"

#define VGPU_F_VIRGL	(1ull << 0)
#define VGPU_F_EDID	(1ull << 1)

#define VGPU_QUEUE	256
#define VGPU_CURSORQ	16
#define VGPU_SLOTS	96		/* control commands in flight */
#define VGPU_SLOT_BYTES	2048		/* request, then answer */
#define VGPU_REQ_MAX	512		/* where the answer starts in a slot */
#define VGPU_WAIT_NS	1000000000ull	/* the longest wait for an answer */
#define VGPU_ROOM_NS	50000000ull	/* the longest an app's call waits for queue room */

/* Control commands and answers (5.7.6.7). */
enum {
	CMD_GET_DISPLAY_INFO = 0x0100, CMD_RESOURCE_CREATE_2D, CMD_RESOURCE_UNREF, CMD_SET_SCANOUT,
	CMD_RESOURCE_FLUSH, CMD_TRANSFER_TO_HOST_2D, CMD_RESOURCE_ATTACH_BACKING,
	CMD_RESOURCE_DETACH_BACKING, CMD_GET_CAPSET_INFO, CMD_GET_CAPSET, CMD_GET_EDID,
	CMD_CTX_CREATE = 0x0200, CMD_CTX_DESTROY, CMD_CTX_ATTACH_RESOURCE, CMD_CTX_DETACH_RESOURCE,
	CMD_RESOURCE_CREATE_3D, CMD_TRANSFER_TO_HOST_3D, CMD_TRANSFER_FROM_HOST_3D, CMD_SUBMIT_3D,
	CMD_UPDATE_CURSOR = 0x0300, CMD_MOVE_CURSOR,
	RESP_OK_NODATA = 0x1100, RESP_OK_DISPLAY_INFO, RESP_OK_CAPSET_INFO, RESP_OK_CAPSET,
	RESP_OK_EDID,
	RESP_ERR_UNSPEC = 0x1200,
};
#define FLAG_FENCE	1
#define FORMAT_B8G8R8A8	1
#define FORMAT_B8G8R8X8	2
#define EVENT_DISPLAY	1

/* Config space (5.7.4). */
#define CFG_EVENTS_READ		0
#define CFG_EVENTS_CLEAR	4
#define CFG_NUM_SCANOUTS	8

struct vgpu_hdr {
	uint32_t type, flags;
	uint64_t fence_id;
	uint32_t ctx_id;
	uint8_t ring_idx, pad[3];
};
_Static_assert(sizeof(struct vgpu_hdr) == 24, "virtio 1.2, 5.7.6.7");

struct vgpu_rect {
	uint32_t x, y, width, height;
};

/* RESOURCE_ATTACH_BACKING with one entry: the memory is contiguous. */
struct vgpu_attach {
	uint32_t id, entries;
	uint64_t addr;
	uint32_t len, pad;
};

struct vgpu_set_scanout {
	struct vgpu_rect r;
	uint32_t scanout, resource;
};

struct vgpu_display_info {
	struct vgpu_hdr hdr;
	struct {
		struct vgpu_rect r;
		uint32_t enabled, flags;
	} pmodes[16];
};

struct vgpu_edid {
	struct vgpu_hdr hdr;
	uint32_t size, pad;
	uint8_t edid[1024];
};
_Static_assert(sizeof(struct vgpu_edid) <= VGPU_SLOT_BYTES - VGPU_REQ_MAX, "an answer fits its slot");

struct vgpu_cursor_cmd {
	struct vgpu_hdr hdr;
	uint32_t scanout, x, y, pad0;
	uint32_t resource, hot_x, hot_y, pad1;
};
_Static_assert(sizeof(struct vgpu_cursor_cmd) == 56, "virtio 1.2, 5.7.6.10");

struct vgpu_slot {
	uint8_t busy;
	uint8_t done_flag;		/* answered (for waits) */
	uint32_t answer;		/* the answer's type */
	vgpu_done_fn *done;
	void *arg;
};

/* A scan-out resource: pixels in one contiguous run of pages. */
struct vgpu_fb {
	uint32_t id, width, height;
	uint64_t phys, pages;
};

static struct vgpu {
	struct virtio_dev vd;
	struct virtq ctrlq, cursorq;
	int up, has_3d, has_edid;
	int batch;			/* commands queued, the device told once at the end */
	uint8_t *slots_mem;		/* VGPU_SLOTS x VGPU_SLOT_BYTES, DMA */
	struct vgpu_slot slots[VGPU_SLOTS];
	uint32_t slot_next;
	struct vgpu_fb fb;
	uint32_t next_fb_id;		/* scan-out ids alternate below VGPU_FIRST_ID */
	/* The cursor: its resource, its pixels (DMA) and its command buffers. */
	uint32_t *cursor_px;
	struct vgpu_cursor_cmd *cursor_cmds;	/* VGPU_CURSORQ of them */
	uint32_t cursor_next;
	int cursor_shown;
	uint32_t hot_x, hot_y;
	/* The display's own idea of its size (display events). */
	uint32_t pref_w, pref_h;
	struct vgpu_mode modes[VGPU_MAX_MODES];
	uint32_t mode_count;
	uint64_t fence;
	uint64_t last_error_log;
	struct vgpu_stats st;
} vgpu;

/* --- commands ----------------------------------------------------------------- */

static int vgpu_slot_index(const void *cookie)
{
	return (int)((const struct vgpu_slot *)cookie - vgpu.slots);
}

static void vgpu_error(uint32_t type, uint32_t answer)
{
	uint64_t now = timer_ns();

	vgpu.st.errors++;
	/* A flood of refused commands logs once a second, not each time. */
	if (now - vgpu.last_error_log < 1000000000ull && vgpu.last_error_log)
		return;
	vgpu.last_error_log = now;
	klog("virtio-gpu: command 0x%x answered 0x%x (%llu errors so far)\n", type, answer,
	    vgpu.st.errors);
}

/* Finishes what the host answered: slots free again, callbacks run. */
static void vgpu_reap(void)
{
	struct vgpu_slot *s;

	while ((s = virtq_get(&vgpu.ctrlq, NULL))) {
		int i = vgpu_slot_index(s);
		const struct vgpu_hdr *req = (const void *)(vgpu.slots_mem + (uint64_t)i * VGPU_SLOT_BYTES);
		const struct vgpu_hdr *ans = (const void *)((const uint8_t *)req + VGPU_REQ_MAX);
		vgpu_done_fn *done = s->done;

		s->answer = ans->type;
		s->done_flag = 1;
		if (ans->type >= RESP_ERR_UNSPEC)
			vgpu_error(req->type, ans->type);
		s->busy = 0;
		s->done = NULL;
		if (done)
			done(s->arg, ans->type < RESP_ERR_UNSPEC);
	}
	while (virtq_get(&vgpu.cursorq, NULL))
		;
}

/* A free slot with its request zeroed, or -1 (every slot busy). */
static int vgpu_slot(void)
{
	uint32_t n;

	for (n = 0; n < VGPU_SLOTS; n++) {
		uint32_t i = (vgpu.slot_next + n) % VGPU_SLOTS;

		if (!vgpu.slots[i].busy) {
			vgpu.slot_next = i + 1;
			memset(vgpu.slots_mem + (uint64_t)i * VGPU_SLOT_BYTES, 0, VGPU_SLOT_BYTES);
			vgpu.slots[i] = (struct vgpu_slot){ 1, 0, 0, NULL, NULL };
			return (int)i;
		}
	}
	return -1;
}

static void *vgpu_req(int slot)
{
	return vgpu.slots_mem + (uint64_t)slot * VGPU_SLOT_BYTES;
}

/* Queues slot's request of req_len bytes (plus data at phys if len) with
 * room for an answer of ans_len.  0, or -1 (queue full; the slot is free
 * again). */
static int vgpu_send(int slot, uint32_t req_len, uint64_t data, uint32_t data_len, uint32_t ans_len,
    vgpu_done_fn *done, void *arg)
{
	struct virtq_buf b[3];
	uint16_t n = 0;
	uint64_t base = (uint64_t)(uintptr_t)vgpu_req(slot);

	b[n++] = (struct virtq_buf){ base, req_len };
	if (data_len)
		b[n++] = (struct virtq_buf){ data, data_len };
	b[n++] = (struct virtq_buf){ base + VGPU_REQ_MAX, ans_len };
	vgpu.slots[slot].done = done;
	vgpu.slots[slot].arg = arg;
	if (virtq_add(&vgpu.ctrlq, b, (uint16_t)(n - 1), 1, &vgpu.slots[slot]) < 0) {
		vgpu.slots[slot].busy = 0;
		return -1;
	}
	if (!vgpu.batch)
		virtio_pci_kick(&vgpu.vd, &vgpu.ctrlq);
	return 0;
}

/* Commands that can be queued now: free slots, and descriptors for
 * three buffers each. */
static uint32_t vgpu_room(void)
{
	uint32_t i, free = 0;

	for (i = 0; i < VGPU_SLOTS; i++)
		free += !vgpu.slots[i].busy;
	return MIN(free, (uint32_t)vgpu.ctrlq.num_free / 3);
}

/* Waits (at most ns) until n commands can be queued: 1, or 0 if the host
 * is that far behind. */
static int vgpu_wait_room(uint32_t n, uint64_t ns)
{
	uint64_t deadline = timer_ns() + ns;

	for (;;) {
		vgpu_reap();
		if (vgpu_room() >= n)
			return 1;
		if (timer_ns() >= deadline)
			return 0;
		cpu_pause();
	}
}

/* The next free slot, reaping answers first if every slot is busy. */
static int vgpu_get_slot(void)
{
	int s = vgpu_slot();

	if (s < 0) {
		vgpu_reap();
		s = vgpu_slot();
	}
	return s;
}

/* Waits (bounded) for slot's answer; its type, or 0 if none came. */
static uint32_t vgpu_wait(int slot)
{
	uint64_t deadline = timer_ns() + VGPU_WAIT_NS;

	while (!vgpu.slots[slot].done_flag && timer_ns() < deadline) {
		vgpu_reap();
		cpu_pause();
	}
	return vgpu.slots[slot].done_flag ? vgpu.slots[slot].answer : 0;
}

/* Queues a command: its header (FLAG_FENCE in flags gets the next fence),
 * body_len bytes of body, data_len bytes of data at physical address data
 * after it (SUBMIT_3D's stream), room for an answer of ans_len (0: a bare
 * header).  The slot, or -1 if the queue is full. */
static int vgpu_queue(uint32_t type, uint32_t flags, uint32_t ctx, const void *body, uint32_t body_len,
    uint64_t data, uint32_t data_len, uint32_t ans_len, vgpu_done_fn *done, void *arg)
{
	int s = vgpu_get_slot();
	struct vgpu_hdr *h;

	if (s < 0)
		return -1;
	h = vgpu_req(s);
	h->type = type;
	h->flags = flags;
	if (flags & FLAG_FENCE)
		h->fence_id = ++vgpu.fence;
	h->ctx_id = ctx;
	memcpy(h + 1, body, body_len);
	if (vgpu_send(s, (uint32_t)sizeof(*h) + body_len, data, data_len,
	    ans_len ? ans_len : sizeof(struct vgpu_hdr), done, arg) < 0)
		return -1;
	return s;
}

/* A command with nothing but its body. */
static int vgpu_cmd(uint32_t type, const void *body, uint32_t body_len, uint32_t ctx, uint32_t ans_len,
    vgpu_done_fn *done, void *arg)
{
	return vgpu_queue(type, 0, ctx, body, body_len, 0, 0, ans_len, done, arg);
}

/* A command whose answer matters now (boot, mode changes). */
static uint32_t vgpu_cmd_wait(uint32_t type, const void *body, uint32_t body_len, uint32_t ans_len,
    void *answer)
{
	int s = vgpu_cmd(type, body, body_len, 0, ans_len, NULL, NULL);
	uint32_t r;

	if (s < 0)
		return 0;
	r = vgpu_wait(s);
	if (answer && r)
		memcpy(answer, (uint8_t *)vgpu_req(s) + VGPU_REQ_MAX, ans_len);
	return r;
}

/* --- the display's size and modes ----------------------------------------------- */

static int vgpu_display_info(uint32_t *w, uint32_t *h)
{
	static struct vgpu_display_info di;

	if (vgpu_cmd_wait(CMD_GET_DISPLAY_INFO, NULL, 0, sizeof(di), &di) != RESP_OK_DISPLAY_INFO)
		return -1;
	if (!di.pmodes[0].enabled || !di.pmodes[0].r.width || !di.pmodes[0].r.height)
		return -1;
	*w = di.pmodes[0].r.width;
	*h = di.pmodes[0].r.height;
	return 0;
}

static void vgpu_add_mode(uint32_t w, uint32_t h)
{
	uint32_t i, j;

	if (w < 320 || h < 200 || w > VGPU_MAX_SIDE || h > VGPU_MAX_SIDE)
		return;
	for (i = 0; i < vgpu.mode_count; i++)
		if (vgpu.modes[i].width == w && vgpu.modes[i].height == h)
			return;
	if (vgpu.mode_count == VGPU_MAX_MODES)
		return;
	/* Largest first: by area, then width. */
	for (i = 0; i < vgpu.mode_count; i++) {
		uint64_t a = (uint64_t)vgpu.modes[i].width * vgpu.modes[i].height;

		if ((uint64_t)w * h > a || ((uint64_t)w * h == a && w > vgpu.modes[i].width))
			break;
	}
	for (j = vgpu.mode_count; j > i; j--)
		vgpu.modes[j] = vgpu.modes[j - 1];
	vgpu.modes[i] = (struct vgpu_mode){ w, h };
	vgpu.mode_count++;
}

/* The modes of an EDID base block (VESA E-EDID 1.4): established timings,
 * standard timings and detailed timing descriptors. */
static void vgpu_parse_edid(const uint8_t *e, uint32_t size)
{
	static const struct vgpu_mode established[16] = {
		{ 800, 600 }, { 800, 600 }, { 640, 480 }, { 640, 480 }, { 640, 480 }, { 640, 480 },
		{ 720, 400 }, { 720, 400 },		/* byte 35, bit 0 first */
		{ 1280, 1024 }, { 1024, 768 }, { 1024, 768 }, { 1024, 768 }, { 1024, 768 },
		{ 832, 624 }, { 800, 600 }, { 800, 600 },	/* byte 36, bit 0 first */
	};
	static const uint8_t header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	uint32_t i;

	if (size < 128 || memcmp(e, header, 8))
		return;
	for (i = 0; i < 16; i++)
		if (e[35 + i / 8] & (1u << (i % 8)) && i != 12)	/* 1024x768 interlaced: no */
			vgpu_add_mode(established[i].width, established[i].height);
	for (i = 0; i < 8; i++) {
		uint8_t b0 = e[38 + 2 * i], b1 = e[39 + 2 * i];
		uint32_t w = (b0 + 31u) * 8, h;

		if ((b0 == 1 && b1 == 1) || !b0)
			continue;
		switch (b1 >> 6) {
		case 0: h = w * 10 / 16; break;
		case 1: h = w * 3 / 4; break;
		case 2: h = w * 4 / 5; break;
		default: h = w * 9 / 16; break;
		}
		vgpu_add_mode(w, h);
	}
	for (i = 0; i < 4; i++) {
		const uint8_t *d = e + 54 + 18 * i;

		if (!d[0] && !d[1])
			continue;	/* a display descriptor, not a timing */
		vgpu_add_mode(d[2] | (uint32_t)(d[4] & 0xf0) << 4, d[5] | (uint32_t)(d[7] & 0xf0) << 4);
	}
}

static void vgpu_read_edid(void)
{
	static struct vgpu_edid ed;
	uint32_t body[2] = { 0, 0 };	/* scan-out 0 */

	if (!vgpu.has_edid ||
	    vgpu_cmd_wait(CMD_GET_EDID, body, sizeof(body), sizeof(ed), &ed) != RESP_OK_EDID)
		return;
	vgpu.mode_count = 0;
	vgpu_parse_edid(ed.edid, MIN(ed.size, (uint32_t)sizeof(ed.edid)));
}

uint32_t vgpu_modes(struct vgpu_mode *out, uint32_t max, struct vgpu_mode *preferred)
{
	uint32_t n = MIN(max, vgpu.mode_count);

	memcpy(out, vgpu.modes, n * sizeof(*out));
	if (preferred)
		*preferred = (struct vgpu_mode){ vgpu.pref_w, vgpu.pref_h };
	return n;
}

/* --- the scan-out ------------------------------------------------------------------ */

/* A 2D resource with contiguous backing: 0, or -1 (nothing left behind). */
static int vgpu_make_fb(struct vgpu_fb *fb, uint32_t id, uint32_t format, uint32_t w, uint32_t h)
{
	uint32_t create[4] = { id, format, w, h };
	struct vgpu_attach attach;
	uint64_t bytes = (uint64_t)w * h * 4;

	fb->pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	fb->phys = pmm_alloc(fb->pages);
	if (!fb->phys)
		return -1;
	memset((void *)(uintptr_t)fb->phys, 0, fb->pages * PAGE_SIZE);
	attach = (struct vgpu_attach){ id, 1, fb->phys, (uint32_t)bytes, 0 };
	if (vgpu_cmd_wait(CMD_RESOURCE_CREATE_2D, create, sizeof(create), 0, NULL) != RESP_OK_NODATA)
		goto fail;
	if (vgpu_cmd_wait(CMD_RESOURCE_ATTACH_BACKING, &attach, sizeof(attach), 0, NULL) != RESP_OK_NODATA) {
		uint32_t unref[2] = { id, 0 };

		vgpu_cmd_wait(CMD_RESOURCE_UNREF, unref, sizeof(unref), 0, NULL);
		goto fail;
	}
	fb->id = id;
	fb->width = w;
	fb->height = h;
	return 0;
fail:
	pmm_free(fb->phys, fb->pages);
	fb->phys = 0;
	return -1;
}

static void vgpu_drop_fb(struct vgpu_fb *fb)
{
	uint32_t body[2] = { fb->id, 0 };

	if (!fb->phys)
		return;
	vgpu_cmd_wait(CMD_RESOURCE_DETACH_BACKING, body, sizeof(body), 0, NULL);
	vgpu_cmd_wait(CMD_RESOURCE_UNREF, body, sizeof(body), 0, NULL);
	pmm_free(fb->phys, fb->pages);
	fb->phys = 0;
}

int vgpu_set_mode(uint32_t w, uint32_t h)
{
	struct vgpu_fb fb, old = vgpu.fb;
	struct vgpu_set_scanout set;

	if (!vgpu.up || w < 64 || h < 64 || w > VGPU_MAX_SIDE || h > VGPU_MAX_SIDE)
		return -1;
	/* Flushes queued for the old resource go first (they are harmless
	 * after it is gone, but answer with errors). */
	vgpu_reap();
	vgpu.next_fb_id = vgpu.next_fb_id == 1 ? 2 : 1;
	if (vgpu_make_fb(&fb, vgpu.next_fb_id, FORMAT_B8G8R8X8, w, h) < 0)
		return -1;
	set = (struct vgpu_set_scanout){ { 0, 0, w, h }, 0, fb.id };
	if (vgpu_cmd_wait(CMD_SET_SCANOUT, &set, sizeof(set), 0, NULL) != RESP_OK_NODATA) {
		vgpu_drop_fb(&fb);
		return -1;
	}
	vgpu.fb = fb;
	vgpu_drop_fb(&old);
	return 0;
}

uint32_t *vgpu_pixels(uint32_t *width, uint32_t *height, uint32_t *stride)
{
	*width = vgpu.fb.width;
	*height = vgpu.fb.height;
	*stride = vgpu.fb.width;
	return (uint32_t *)(uintptr_t)vgpu.fb.phys;
}

int vgpu_present(void)
{
	return vgpu.up;
}

void vgpu_flush(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct {
		struct vgpu_rect r;
		uint64_t offset;
		uint32_t resource, pad;
	} xfer = { { x, y, w, h }, ((uint64_t)y * vgpu.fb.width + x) * 4, vgpu.fb.id, 0 };
	struct {
		struct vgpu_rect r;
		uint32_t resource, pad;
	} flush = { { x, y, w, h }, vgpu.fb.id, 0 };

	if (!vgpu.up || !w || !h)
		return;
	vgpu_reap();
	/* The control queue runs in order: the transfer is done before the
	 * flush shows it.  One notification for both (each is an exit to the
	 * host). */
	vgpu.batch = 1;
	if (vgpu_cmd(CMD_TRANSFER_TO_HOST_2D, &xfer, sizeof(xfer), 0, 0, NULL, NULL) < 0 ||
	    vgpu_cmd(CMD_RESOURCE_FLUSH, &flush, sizeof(flush), 0, 0, NULL, NULL) < 0) {
		vgpu.batch = 0;
		virtio_pci_kick(&vgpu.vd, &vgpu.ctrlq);
		vgpu.st.errors++;
		return;
	}
	vgpu.batch = 0;
	virtio_pci_kick(&vgpu.vd, &vgpu.ctrlq);
	vgpu.st.flushes++;
	vgpu.st.flushed_pixels += (uint64_t)w * h;
}

/* --- display events --------------------------------------------------------------- */

int vgpu_display_changed(uint32_t *w, uint32_t *h)
{
	uint32_t events = 0, clear = EVENT_DISPLAY;

	if (!vgpu.up)
		return 0;
	virtio_pci_read_config(&vgpu.vd, CFG_EVENTS_READ, &events, 4);
	if (!(events & EVENT_DISPLAY))
		return 0;
	/* Writing the event's bit to events_clear acknowledges it (5.7.4). */
	virtio_pci_write_config8(&vgpu.vd, CFG_EVENTS_CLEAR, (uint8_t)clear);
	if (vgpu_display_info(w, h) < 0)
		return 0;
	vgpu_read_edid();
	if (*w == vgpu.pref_w && *h == vgpu.pref_h)
		return 0;
	vgpu.pref_w = *w;
	vgpu.pref_h = *h;
	return 1;
}

/* --- the cursor ------------------------------------------------------------------- */

#define VGPU_CURSOR_ID	3

static void vgpu_cursor_send(uint32_t type, int32_t x, int32_t y, uint32_t resource)
{
	struct vgpu_cursor_cmd *c = &vgpu.cursor_cmds[vgpu.cursor_next++ % VGPU_CURSORQ];
	struct virtq_buf b = { (uint64_t)(uintptr_t)c, sizeof(*c) };

	while (virtq_get(&vgpu.cursorq, NULL))
		;
	if (!vgpu.cursorq.num_free) {
		vgpu.st.errors++;
		return;
	}
	/* The buffer a command uses comes round again only after the queue's
	 * size in commands: it was answered long before. */
	*c = (struct vgpu_cursor_cmd){ { type, 0, 0, 0, 0, { 0, 0, 0 } }, 0, (uint32_t)MAX(x, 0),
		(uint32_t)MAX(y, 0), 0, resource, vgpu.hot_x, vgpu.hot_y, 0 };
	virtq_add(&vgpu.cursorq, &b, 1, 0, NULL);
	virtio_pci_kick(&vgpu.vd, &vgpu.cursorq);
}

int vgpu_has_cursor(void)
{
	return vgpu.up && vgpu.cursor_px;
}

int vgpu_cursor_image(const uint32_t *px, uint32_t w, uint32_t h, uint32_t stride,
    uint32_t hot_x, uint32_t hot_y)
{
	struct {
		struct vgpu_rect r;
		uint64_t offset;
		uint32_t resource, pad;
	} xfer = { { 0, 0, VGPU_CURSOR, VGPU_CURSOR }, 0, VGPU_CURSOR_ID, 0 };
	uint32_t y;

	if (!vgpu_has_cursor())
		return -1;
	if (!px) {
		vgpu_cursor_send(CMD_UPDATE_CURSOR, 0, 0, 0);	/* resource 0 hides it */
		vgpu.cursor_shown = 0;
		return 0;
	}
	w = MIN(w, (uint32_t)VGPU_CURSOR);
	h = MIN(h, (uint32_t)VGPU_CURSOR);
	memset(vgpu.cursor_px, 0, VGPU_CURSOR * VGPU_CURSOR * 4);
	for (y = 0; y < h; y++)
		memcpy(vgpu.cursor_px + y * VGPU_CURSOR, px + (uint64_t)y * stride, w * 4);
	/* The pixels reach the host's copy first (control queue), then the
	 * cursor queue says to use them: wait for the transfer, it is short. */
	vgpu_cmd_wait(CMD_TRANSFER_TO_HOST_2D, &xfer, sizeof(xfer), 0, NULL);
	vgpu.hot_x = MIN(hot_x, (uint32_t)VGPU_CURSOR - 1);
	vgpu.hot_y = MIN(hot_y, (uint32_t)VGPU_CURSOR - 1);
	vgpu_cursor_send(CMD_UPDATE_CURSOR, 0, 0, VGPU_CURSOR_ID);
	vgpu.cursor_shown = 1;
	vgpu.st.cursor_images++;
	return 0;
}

void vgpu_cursor_move(int32_t x, int32_t y)
{
	if (!vgpu_has_cursor() || !vgpu.cursor_shown)
		return;
	vgpu_cursor_send(CMD_MOVE_CURSOR, x, y, VGPU_CURSOR_ID);
	vgpu.st.cursor_moves++;
}

static void vgpu_cursor_init(void)
{
	struct vgpu_fb c;
	uint64_t mem = pmm_alloc(1);	/* the cursor commands */

	if (!mem)
		return;
	if (vgpu_make_fb(&c, VGPU_CURSOR_ID, FORMAT_B8G8R8A8, VGPU_CURSOR, VGPU_CURSOR) < 0) {
		pmm_free(mem, 1);
		return;
	}
	memset((void *)(uintptr_t)mem, 0, PAGE_SIZE);
	vgpu.cursor_cmds = (struct vgpu_cursor_cmd *)(uintptr_t)mem;
	vgpu.cursor_px = (uint32_t *)(uintptr_t)c.phys;
}

/* --- 3D ------------------------------------------------------------------------- */

int vgpu_has_3d(void)
{
	return vgpu.up && vgpu.has_3d;
}

int vgpu_ctx_create(uint32_t ctx, const char *name)
{
	struct {
		uint32_t nlen, context_init;
		char name[64];
	} body;
	uint32_t n = (uint32_t)MIN(strlen(name), sizeof(body.name) - 1);

	memset(&body, 0, sizeof(body));
	memcpy(body.name, name, n);
	body.nlen = n;
	return vgpu_cmd(CMD_CTX_CREATE, &body, sizeof(body), ctx, 0, NULL, NULL) < 0 ? -1 : 0;
}

int vgpu_ctx_destroy(uint32_t ctx)
{
	vgpu_wait_room(1, VGPU_WAIT_NS);	/* as a resource's destruction */
	return vgpu_cmd(CMD_CTX_DESTROY, NULL, 0, ctx, 0, NULL, NULL) < 0 ? -1 : 0;
}

int vgpu_res_create(uint32_t ctx, uint32_t res, const struct vgpu_res3d *r, uint64_t phys, uint64_t bytes)
{
	uint32_t create[12] = { res, r->target, r->format, r->bind, r->width, r->height, r->depth,
		r->array_size, r->last_level, r->nr_samples, r->flags, 0 };
	uint32_t attach_ctx[2] = { res, 0 };
	struct vgpu_attach attach = { res, 1, phys, (uint32_t)bytes, 0 };

	/* Three commands: make sure there is room for all of them first, so
	 * a resource is never left half made.  An app making many at once
	 * waits for the host a little (bounded), not forever. */
	if (!vgpu_wait_room(3, VGPU_ROOM_NS) ||
	    vgpu_cmd(CMD_RESOURCE_CREATE_3D, create, sizeof(create), 0, 0, NULL, NULL) < 0)
		return -1;
	if (bytes)
		vgpu_cmd(CMD_RESOURCE_ATTACH_BACKING, &attach, sizeof(attach), 0, 0, NULL, NULL);
	vgpu_cmd(CMD_CTX_ATTACH_RESOURCE, attach_ctx, sizeof(attach_ctx), ctx, 0, NULL, NULL);
	return 0;
}

int vgpu_res_destroy(uint32_t ctx, uint32_t res)
{
	uint32_t body[2] = { res, 0 };

	/* A resource must go, or the host keeps it: wait for room as long as
	 * for any answer. */
	vgpu_wait_room(2, VGPU_WAIT_NS);
	vgpu_cmd(CMD_CTX_DETACH_RESOURCE, body, sizeof(body), ctx, 0, NULL, NULL);
	return vgpu_cmd(CMD_RESOURCE_UNREF, body, sizeof(body), 0, 0, NULL, NULL) < 0 ? -1 : 0;
}

int vgpu_submit(uint32_t ctx, uint64_t phys, uint32_t bytes, vgpu_done_fn *done, void *arg)
{
	uint32_t size[2] = { bytes, 0 };

	if (vgpu_queue(CMD_SUBMIT_3D, 0, ctx, size, sizeof(size), phys, bytes, 0, done, arg) < 0)
		return -1;
	vgpu.st.submits++;
	vgpu.st.submitted_bytes += bytes;
	return 0;
}

int vgpu_read_back(uint32_t ctx, uint32_t res, uint32_t w, uint32_t h, uint32_t stride,
    vgpu_done_fn *done, void *arg)
{
	struct {
		uint32_t x, y, z, w, h, d;
		uint64_t offset;
		uint32_t resource, level, stride, layer_stride;
	} body = { 0, 0, 0, w, h, 1, 0, res, 0, stride, 0 };

	/* Fenced: QEMU answers once the GPU got there, after the context's
	 * earlier commands. */
	if (vgpu_queue(CMD_TRANSFER_FROM_HOST_3D, FLAG_FENCE, ctx, &body, sizeof(body), 0, 0, 0, done,
	    arg) < 0)
		return -1;
	vgpu.st.reads++;
	return 0;
}

/* --- the device ------------------------------------------------------------------ */

void vgpu_sync(void)
{
	uint64_t deadline = timer_ns() + VGPU_WAIT_NS;
	uint32_t i, busy = 1;

	while (busy && timer_ns() < deadline) {
		vgpu_reap();
		for (i = busy = 0; i < VGPU_SLOTS; i++)
			busy |= vgpu.slots[i].busy;
		busy |= vgpu.cursorq.num_free != vgpu.cursorq.size;
	}
}

void vgpu_get_stats(struct vgpu_stats *s)
{
	*s = vgpu.st;
}

const char *vgpu_describe(char *buf, uint32_t len)
{
	if (!vgpu.up)
		fmt_snprintf(buf, len, "none");
	else
		fmt_snprintf(buf, len, "%s, scan-out %ux%u, %s cursor, %s, EDID %u modes", vgpu.vd.label,
		    vgpu.fb.width, vgpu.fb.height, vgpu.cursor_px ? "hardware" : "no",
		    vgpu.has_3d ? "3D (virgl)" : "2D only", vgpu.mode_count);
	return buf;
}

static void vgpu_poll(void)
{
	if (vgpu.up && (virtq_pending(&vgpu.ctrlq) || virtq_pending(&vgpu.cursorq)))
		vgpu_reap();
}

static int vgpu_probe(struct pci_dev *d)
{
	uint32_t w = 0, h = 0, scanouts = 0;
	uint64_t mem, bytes = (uint64_t)VGPU_SLOTS * VGPU_SLOT_BYTES;

	if (virtio_pci_type(d) != VIRTIO_GPU || vgpu.up)
		return -1;
	memset(&vgpu, 0, sizeof(vgpu));
	if (virtio_pci_probe(&vgpu.vd, d) < 0 ||
	    virtio_pci_start(&vgpu.vd, VGPU_F_VIRGL | VGPU_F_EDID | VIRTIO_F_RING_EVENT_IDX) < 0)
		return -1;
	vgpu.has_3d = (vgpu.vd.features & VGPU_F_VIRGL) != 0;
	vgpu.has_edid = (vgpu.vd.features & VGPU_F_EDID) != 0;
	mem = pmm_alloc(bytes / PAGE_SIZE);
	if (!mem || virtio_pci_queue(&vgpu.vd, 0, &vgpu.ctrlq, VGPU_QUEUE) < 0 ||
	    virtio_pci_queue(&vgpu.vd, 1, &vgpu.cursorq, VGPU_CURSORQ) < 0) {
		virtio_pci_fail(&vgpu.vd);
		return -1;
	}
	vgpu.slots_mem = (uint8_t *)(uintptr_t)mem;
	virtio_pci_ready(&vgpu.vd);
	virtio_pci_read_config(&vgpu.vd, CFG_NUM_SCANOUTS, &scanouts, 4);
	vgpu.up = 1;	/* commands may go now */
	if (!scanouts || vgpu_display_info(&w, &h) < 0) {
		klog("virtio-gpu: %s has no enabled display, left alone\n", vgpu.vd.label);
		vgpu.up = 0;
		virtio_pci_fail(&vgpu.vd);
		return -1;
	}
	vgpu.pref_w = w;
	vgpu.pref_h = h;
	vgpu_read_edid();
	if (vgpu_set_mode(w, h) < 0) {
		klog("virtio-gpu: %s refused a %ux%u scan-out, left alone\n", vgpu.vd.label, w, h);
		vgpu.up = 0;
		virtio_pci_fail(&vgpu.vd);
		return -1;
	}
	vgpu_cursor_init();
	klog("virtio-gpu: %s, %ux%u scan-out, %s cursor, %s, %u EDID modes%s\n", vgpu.vd.label, w, h,
	    vgpu.cursor_px ? "hardware" : "no", vgpu.has_3d ? "3D (virgl)" : "2D", vgpu.mode_count,
	    vgpu.vd.msix ? "" : ", polled (no MSI-X)");
	return 0;
}

const struct driver driver_virtio_gpu = { "virtio-gpu", vgpu_probe, vgpu_poll };
