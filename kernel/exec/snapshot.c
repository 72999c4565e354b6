/*
 * Snapshots: format, writer, reader, slot choice.  snapshot.h describes the
 * file.  Everything read from a snapshot is outside input (a disk sector
 * may rot, a save may be cut short): it is checked field by field and
 * refused with a reason, never trusted and never a panic.
 *
 * The writer builds each APP chunk and then parses it with the reader's
 * own parser before writing it, so whatever the writer accepts the reader
 * accepts too.
 */
#include "fmt.h"
#include "lib.h"
#include "snapshot.h"

#define TAG_APP		0x31505041u	/* "APP1" */
#define TAG_REGION	0x4e474552u	/* "REGN" */
#define TAG_END		0x444e4541u	/* "AEND" */

/* --- the sum ------------------------------------------------------------------ */

#define SUM_SEED	0x746f687370616e73ull	/* "snapshot" */
#define SUM_MUL		0x9e3779b97f4a7c15ull	/* odd: multiplying by it is a bijection */
#define SUM_FINAL	0xd6e8feb86659fd93ull

static uint64_t rotl64(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

/* Each step (xor a word, multiply by an odd constant, rotate) is a
 * bijection of the state for a fixed word, and of the word for a fixed
 * state: two inputs that differ in one word reach different states there,
 * and stay different to the end.  The rotation brings the high bits the
 * multiplication made back down to where the next words land. */
static uint64_t sum_word(uint64_t h, uint64_t w)
{
	return rotl64((h ^ w) * SUM_MUL, 27);
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t w;

	__builtin_memcpy(&w, p, 8);	/* little-endian: x86 on both sides */
	return w;
}

void snapshot_hash_init(struct snapshot_hash *s)
{
	s->h = SUM_SEED;
	s->len = 0;
	s->tail = 0;
}

void snapshot_hash_update(struct snapshot_hash *s, const void *data, uint64_t len)
{
	const uint8_t *p = data;
	uint32_t have = s->len % 8;

	s->len += len;
	if (have) {
		while (len && have < 8) {
			s->tail |= (uint64_t)*p++ << (8 * have++);
			len--;
		}
		if (have < 8)
			return;
		s->h = sum_word(s->h, s->tail);
		s->tail = 0;
	}
	for (; len >= 8; p += 8, len -= 8)
		s->h = sum_word(s->h, load64(p));
	for (have = 0; have < len; have++)
		s->tail |= (uint64_t)p[have] << (8 * have);
}

uint64_t snapshot_hash_final(const struct snapshot_hash *s)
{
	uint64_t h = s->h;

	if (s->len % 8)
		h = sum_word(h, s->tail);
	h = sum_word(h, s->len);	/* "ab" and "ab\0" differ */
	h ^= h >> 31;
	h *= SUM_FINAL;
	return h ^ (h >> 29);
}

uint64_t snapshot_hash_bytes(const void *data, uint64_t len)
{
	struct snapshot_hash s;

	snapshot_hash_init(&s);
	snapshot_hash_update(&s, data, len);
	return snapshot_hash_final(&s);
}

/* --- fields ------------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The APP chunk's layout (snapshot.h): the same in every version but for
 * where the options are. */
enum {
	APP_TAG = 0, APP_SIZE = 4, APP_PID = 8, APP_NAME = 16, APP_PATH = 48,
	APP_SLOT = 144, APP_FLAGS = 148, APP_OPTS_V1 = 152, APP_STORE = 168,
	APP_WIN_X = 176, APP_WIN_Y = 180, APP_WIN_W = 184, APP_WIN_H = 188,
	APP_WIN_FLAGS = 192, APP_WIN_Z = 196,
	APP_FILE_SIZE = 200, APP_FILE_HASH = 208,
	APP_ARENA_MAPPED = 216, APP_HEAP_FREE = 224, APP_HEAP_USED = 232, APP_HEAP_SIZE = 240,
	APP_HEAP_NREGIONS = 248, APP_HEAP_REGIONS = 256, APP_OPTS = 768,
};
/* Version 1's options, at APP_OPTS_V1 (zero in version 2; in version 3 the
 * app's input count, APP_INPUT, then zeros). */
enum { V1_TRACE = 0, V1_NOFB = 1, V1_RESTART = 2, V1_PAD = 3, V1_BUDGET = 4, V1_QUOTA = 8, V1_SIZE = 16 };
enum { APP_INPUT = APP_OPTS_V1 };
/* The OPTS record, at APP_OPTS. */
enum { OPT_FLAGS = 0, OPT_BUDGET = 4, OPT_QUOTA = 8, OPT_DISK = 16, OPT_SPAWN = 24, OPT_PAD = 28, OPT_SIZE = 32 };
#define OPT_TRACE	(1u << 0)
#define OPT_NOFB	(1u << 1)
#define OPT_RESTART	(1u << 2)
#define OPT_NOSYS	(1u << 3)
#define OPT_ADMIN	(1u << 4)
#define OPT_KNOWN	0x1fu

_Static_assert(APP_NAME + APP_NAME_MAX == APP_PATH, "name then path");
_Static_assert(APP_PATH + SNAPSHOT_PATH_MAX == APP_SLOT, "path then slot");
_Static_assert(APP_OPTS_V1 + V1_SIZE == APP_STORE, "version 1's options, then the store");
_Static_assert(APP_HEAP_REGIONS + 16 * HEAP_MAX_REGIONS == SNAPSHOT_APP_CHUNK_V1,
    "the heap's regions end version 1's chunk");
_Static_assert(APP_OPTS == SNAPSHOT_APP_CHUNK_V1 && APP_OPTS + OPT_SIZE == SNAPSHOT_APP_CHUNK,
    "the options end version 2's chunk");

static uint32_t app_chunk_size(uint32_t version)
{
	return version == 1 ? SNAPSHOT_APP_CHUNK_V1 : SNAPSHOT_APP_CHUNK;
}

/* Field by field, never the struct's bytes: its layout is the compiler's. */
static void opts_encode(uint8_t *p, const struct app_opts *o)
{
	put32(p + OPT_FLAGS, (o->trace ? OPT_TRACE : 0) | (o->nofb ? OPT_NOFB : 0) |
	    (o->restart ? OPT_RESTART : 0) | (o->nosys ? OPT_NOSYS : 0) | (o->admin ? OPT_ADMIN : 0));
	put32(p + OPT_BUDGET, o->budget_ms);
	put64(p + OPT_QUOTA, o->quota);
	put64(p + OPT_DISK, o->disk);
	put32(p + OPT_SPAWN, o->spawn);
}

/* The options of an APP chunk c of that version.  NULL, or why they are
 * refused.  What version 1 did not have keeps its default. */
static const char *opts_decode(const uint8_t *c, uint32_t version, struct app_opts *o)
{
	const uint8_t *p, *v1 = c + APP_OPTS_V1;
	uint32_t flags;

	app_opts_default(o);
	if (version == 1) {
		if (v1[V1_TRACE] > 1 || v1[V1_NOFB] > 1 || v1[V1_RESTART] > 1 || v1[V1_PAD])
			return "bad init options";
		o->trace = v1[V1_TRACE];
		o->nofb = v1[V1_NOFB];
		o->restart = v1[V1_RESTART];
		o->budget_ms = get32(v1 + V1_BUDGET);
		o->quota = get64(v1 + V1_QUOTA);
	} else {
		/* Version 3 keeps the input count in the first 8 bytes
		 * (app_decode reads it); the rest is zero. */
		for (uint32_t i = version >= 3 ? 8 : 0; i < V1_SIZE; i++)
			if (v1[i])
				return "bad init options";
		p = c + APP_OPTS;
		flags = get32(p + OPT_FLAGS);
		if ((flags & ~OPT_KNOWN) || get32(p + OPT_PAD))
			return "bad init options";
		o->trace = !!(flags & OPT_TRACE);
		o->nofb = !!(flags & OPT_NOFB);
		o->restart = !!(flags & OPT_RESTART);
		o->nosys = !!(flags & OPT_NOSYS);
		o->admin = !!(flags & OPT_ADMIN);
		o->budget_ms = get32(p + OPT_BUDGET);
		o->quota = get64(p + OPT_QUOTA);
		o->disk = get64(p + OPT_DISK);
		o->spawn = get32(p + OPT_SPAWN);
	}
	if (o->budget_ms > APP_BUDGET_MAX || o->quota > APP_QUOTA_MAX || o->disk > APP_DISK_MAX ||
	    o->spawn > APP_SPAWN_MAX)
		return "bad init options";
	return NULL;
}

static void app_encode(uint8_t *c, const struct snapshot_app *a)
{
	memset(c, 0, SNAPSHOT_APP_CHUNK);
	put32(c + APP_TAG, TAG_APP);
	put32(c + APP_SIZE, SNAPSHOT_APP_CHUNK);
	put64(c + APP_PID, a->pid);
	memcpy(c + APP_NAME, a->name, strnlen(a->name, APP_NAME_MAX));
	memcpy(c + APP_PATH, a->path, strnlen(a->path, SNAPSHOT_PATH_MAX));
	put32(c + APP_SLOT, a->slot);
	put32(c + APP_FLAGS, a->flags);
	put64(c + APP_STORE, a->store);
	put64(c + APP_INPUT, a->input_seen);
	put32(c + APP_WIN_X, (uint32_t)a->win_x);
	put32(c + APP_WIN_Y, (uint32_t)a->win_y);
	put32(c + APP_WIN_W, a->win_width);
	put32(c + APP_WIN_H, a->win_height);
	put32(c + APP_WIN_FLAGS, a->win_flags);
	put32(c + APP_WIN_Z, a->win_z);
	put64(c + APP_FILE_SIZE, a->file_size);
	put64(c + APP_FILE_HASH, a->file_hash);
	put64(c + APP_ARENA_MAPPED, a->arena_mapped);
	put64(c + APP_HEAP_FREE, a->heap_free_list);
	put64(c + APP_HEAP_USED, a->heap_used);
	put64(c + APP_HEAP_SIZE, a->heap_size);
	put32(c + APP_HEAP_NREGIONS, a->heap_region_count);
	for (uint32_t i = 0; i < a->heap_region_count && i < HEAP_MAX_REGIONS; i++) {
		put64(c + APP_HEAP_REGIONS + 16 * i, a->heap_regions[i].start);
		put64(c + APP_HEAP_REGIONS + 16 * i + 8, a->heap_regions[i].end);
	}
	opts_encode(c + APP_OPTS, &a->opts);
}

/* A NUL-terminated string of allowed characters in field[0..max), zeros
 * after it (so one state has one encoding). */
static int text_ok(const uint8_t *field, uint32_t max, int path)
{
	uint32_t n = 0;

	while (n < max && field[n])
		n++;
	if (n == 0 || n == max)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t ch = field[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '_' || ch == '.' || ch == '-' || (path && ch == '/')))
			return 0;
		if (path && ch == '.' && i + 1 < n && field[i + 1] == '.')
			return 0;
	}
	for (uint32_t i = n; i < max; i++)
		if (field[i])
			return 0;
	return !path || field[0] == '/';
}

/* [va, va+len) inside [lo, lo+size). */
static int inside(uint64_t va, uint64_t len, uint64_t lo, uint64_t size)
{
	return va >= lo && len <= size && va - lo <= size - len;
}

/* The arena as appmem and heap leave it: within the quota, its heap's
 * regions and free list inside what is mapped. */
static const char *arena_bad(const struct snapshot_app *a)
{
	uint64_t base = exec_home(a->slot) + EXEC_ARENA_OFFSET;

	if (a->arena_mapped > a->opts.quota)
		return "arena larger than its quota";
	if (a->heap_region_count > HEAP_MAX_REGIONS || a->heap_used > a->heap_size ||
	    a->heap_size > a->arena_mapped)
		return "arena's heap sizes are inconsistent";
	for (uint32_t i = 0; i < a->heap_region_count; i++)
		if (a->heap_regions[i].start > a->heap_regions[i].end ||
		    !inside(a->heap_regions[i].start, a->heap_regions[i].end - a->heap_regions[i].start,
		    base, a->arena_mapped))
			return "arena's heap region outside the arena";
	if (a->heap_free_list && !inside(a->heap_free_list, 16, base, a->arena_mapped))
		return "arena's free list outside the arena";
	return NULL;
}

/* Parses and checks one APP chunk of that version (app_chunk_size bytes).
 * Returns NULL, or why it is refused. */
static const char *app_decode(const uint8_t *c, uint32_t version, struct snapshot_app *a)
{
	const char *why;

	memset(a, 0, sizeof(*a));
	if (get32(c + APP_TAG) != TAG_APP || get32(c + APP_SIZE) != app_chunk_size(version))
		return "not an app record";
	if (!text_ok(c + APP_NAME, APP_NAME_MAX, 0))
		return "name missing, not terminated, or not of A-Z a-z 0-9 _ . -";
	memcpy(a->name, c + APP_NAME, APP_NAME_MAX);
	if (!text_ok(c + APP_PATH, SNAPSHOT_PATH_MAX, 1))
		return "bad app file path";
	memcpy(a->path, c + APP_PATH, SNAPSHOT_PATH_MAX);
	a->pid = get64(c + APP_PID);
	a->slot = get32(c + APP_SLOT);
	a->flags = get32(c + APP_FLAGS);
	a->store = get64(c + APP_STORE);
	a->input_seen = version >= 3 ? get64(c + APP_INPUT) : 0;
	a->win_x = (int32_t)get32(c + APP_WIN_X);
	a->win_y = (int32_t)get32(c + APP_WIN_Y);
	a->win_width = get32(c + APP_WIN_W);
	a->win_height = get32(c + APP_WIN_H);
	a->win_flags = get32(c + APP_WIN_FLAGS);
	a->win_z = get32(c + APP_WIN_Z);
	a->file_size = get64(c + APP_FILE_SIZE);
	a->file_hash = get64(c + APP_FILE_HASH);
	a->arena_mapped = get64(c + APP_ARENA_MAPPED);
	a->heap_free_list = get64(c + APP_HEAP_FREE);
	a->heap_used = get64(c + APP_HEAP_USED);
	a->heap_size = get64(c + APP_HEAP_SIZE);
	a->heap_region_count = get32(c + APP_HEAP_NREGIONS);
	for (uint32_t i = 0; i < HEAP_MAX_REGIONS; i++) {
		a->heap_regions[i].start = get64(c + APP_HEAP_REGIONS + 16 * i);
		a->heap_regions[i].end = get64(c + APP_HEAP_REGIONS + 16 * i + 8);
		if (i >= a->heap_region_count && (a->heap_regions[i].start || a->heap_regions[i].end))
			return "unused heap region not zero";
	}
	if (a->pid == 0)
		return "pid 0";
	if (a->slot >= EXEC_MAX_SLOTS)
		return "home slot out of range";
	if (a->flags & ~SNAPSHOT_APP_FLAGS)
		return "unknown flags";
	if ((why = opts_decode(c, version, &a->opts)) != NULL)
		return why;
	if (a->store && !inside(a->store, 1, exec_home(a->slot), EXEC_HOME_SIZE))
		return "store pointer outside its home";
	if (a->win_width > SNAPSHOT_WIN_MAX || a->win_height > SNAPSHOT_WIN_MAX)
		return "window too large";
	if (a->file_size == 0)
		return "app file size 0";
	if (get32(c + APP_HEAP_NREGIONS + 4))
		return "padding not zero";
	return arena_bad(a);
}

static void slot_mark(uint8_t *slots, uint32_t slot)
{
	slots[slot / 8] |= (uint8_t)(1u << (slot % 8));
}

static int slot_taken(const uint8_t *slots, uint32_t slot)
{
	return slots[slot / 8] >> (slot % 8) & 1;
}

/* A region must lie in the app's home, after the previous one. */
static const char *region_bad(uint32_t slot, uint64_t prev_end, uint64_t va, uint64_t len)
{
	if (len == 0)
		return "empty region";
	if (!inside(va, len, exec_home(slot), EXEC_HOME_SIZE))
		return "region outside its home";
	if (va < prev_end)
		return "regions overlap or are out of order";
	return NULL;
}

/* --- writing ------------------------------------------------------------------ */

static int writer_fail(struct snapshot_writer *w, const char *why)
{
	if (!w->failed)
		fmt_snprintf(w->why, sizeof(w->why), "%s", why);
	w->failed = 1;
	return -1;
}

/* Writes body bytes at the current position and sums them into the app. */
static int emit(struct snapshot_writer *w, const void *data, uint64_t len)
{
	if (w->failed)
		return -1;
	if (len && w->sink(w->arg, w->pos, data, len) < 0) {
		fmt_snprintf(w->why, sizeof(w->why), "writing %llu bytes at byte %llu failed",
		    (unsigned long long)len, (unsigned long long)w->pos);
		w->failed = 1;
		return -1;
	}
	snapshot_hash_update(&w->app_sum, data, len);
	w->pos += len;
	return 0;
}

static int writer_close_app(struct snapshot_writer *w)
{
	uint8_t end[SNAPSHOT_END_CHUNK];
	uint64_t sum;

	if (!w->in_app)
		return 0;
	w->in_app = 0;
	put32(end, TAG_END);
	put32(end + 4, w->regions);
	put64(end + 8, w->region_bytes);
	snapshot_hash_update(&w->app_sum, end, 16);
	sum = snapshot_hash_final(&w->app_sum);
	put64(end + 16, sum);
	snapshot_hash_update(&w->body_sum, end + 16, 8);
	if (w->failed || w->sink(w->arg, w->pos, end, sizeof(end)) < 0)
		return writer_fail(w, "writing an app's end record failed");
	w->pos += sizeof(end);
	return 0;
}

void snapshot_begin(struct snapshot_writer *w, uint64_t sequence, uint64_t time_ns,
    snapshot_sink_fn *sink, void *arg)
{
	memset(w, 0, sizeof(*w));
	w->sink = sink;
	w->arg = arg;
	w->sequence = sequence;
	w->time_ns = time_ns;
	w->pos = SNAPSHOT_HEADER_SIZE;
	snapshot_hash_init(&w->body_sum);
}

int snapshot_app(struct snapshot_writer *w, const struct snapshot_app *app)
{
	uint8_t chunk[SNAPSHOT_APP_CHUNK];
	struct snapshot_app check;
	const char *why;

	if (writer_close_app(w) < 0)
		return -1;
	if (w->app_count == SNAPSHOT_MAX_APPS)
		return writer_fail(w, "too many apps");
	app_encode(chunk, app);
	if ((why = app_decode(chunk, SNAPSHOT_VERSION, &check)) != NULL)
		return writer_fail(w, why);
	if (slot_taken(w->slots, check.slot))
		return writer_fail(w, "two apps in one home");
	slot_mark(w->slots, check.slot);
	snapshot_hash_init(&w->app_sum);
	if (emit(w, chunk, sizeof(chunk)) < 0)
		return -1;
	w->app_count++;
	w->in_app = 1;
	w->slot = check.slot;
	w->prev_end = exec_home(check.slot);
	w->regions = 0;
	w->region_bytes = 0;
	return 0;
}

int snapshot_region(struct snapshot_writer *w, uint64_t va, const void *data, uint64_t len)
{
	static const uint8_t zeros[8];
	uint8_t head[SNAPSHOT_REGION_HEAD];
	const char *why;

	if (w->failed)
		return -1;
	if (!w->in_app)
		return writer_fail(w, "a region before any app");
	if (len == 0)
		return 0;
	if ((why = region_bad(w->slot, w->prev_end, va, len)) != NULL)
		return writer_fail(w, why);
	if (w->regions == UINT32_MAX)
		return writer_fail(w, "too many regions");
	put32(head, TAG_REGION);
	put32(head + 4, 0);
	put64(head + 8, va);
	put64(head + 16, len);
	if (emit(w, head, sizeof(head)) < 0 || emit(w, data, len) < 0 ||
	    emit(w, zeros, ALIGN_UP(len, 8) - len) < 0)
		return -1;
	w->regions++;
	w->region_bytes += len;
	w->prev_end = va + len;
	return 0;
}

static void header_encode(uint8_t *h, const struct snapshot_info *in, uint64_t body_sum)
{
	memset(h, 0, SNAPSHOT_HEADER_SIZE);
	put64(h, SNAPSHOT_MAGIC);
	put32(h + 8, SNAPSHOT_VERSION);
	put32(h + 12, SNAPSHOT_HEADER_SIZE);
	put64(h + 16, in->sequence);
	put32(h + 24, in->app_count);
	put64(h + 32, in->total_len);
	put64(h + 40, body_sum);
	put64(h + 48, in->time_ns);
	put64(h + 56, snapshot_hash_bytes(h, 56));
}

int snapshot_end(struct snapshot_writer *w)
{
	uint8_t h[SNAPSHOT_HEADER_SIZE];
	struct snapshot_info in;

	if (writer_close_app(w) < 0 || w->failed)
		return -1;
	in = (struct snapshot_info){ w->sequence, w->time_ns, w->pos, w->app_count };
	header_encode(h, &in, snapshot_hash_final(&w->body_sum));
	if (w->sink(w->arg, 0, h, sizeof(h)) < 0)
		return writer_fail(w, "writing the header failed");
	return 0;
}

/* --- reading ------------------------------------------------------------------ */

static int iter_fail_plain(struct snapshot_iter *it, const char *why)
{
	fmt_snprintf(it->why, sizeof(it->why), "%s", why);
	it->failed = 1;
	return -1;
}

/* A reason about the current app names it and where in the file it is. */
static int iter_fail(struct snapshot_iter *it, const char *why)
{
	fmt_snprintf(it->why, sizeof(it->why), "app %u (%s) at byte %llu: %s", it->app_index,
	    it->app.name[0] ? it->app.name : "?", (unsigned long long)it->pos, why);
	it->failed = 1;
	return -1;
}

/* At least n more bytes before the end the header gives. */
static int iter_need(struct snapshot_iter *it, uint64_t n)
{
	return it->end - it->pos >= n ? 0 : iter_fail(it, "record runs past the end of the snapshot");
}

void snapshot_iter_init(struct snapshot_iter *it, const uint8_t *buf, const struct snapshot_info *info)
{
	memset(it, 0, sizeof(*it));
	it->buf = buf;
	it->end = info->total_len;
	it->pos = SNAPSHOT_HEADER_SIZE;
	it->apps_left = info->app_count;
	if (it->end < it->pos)
		iter_fail_plain(it, "total length shorter than the header");
	/* The header passed snapshot_check, which took its version. */
	it->version = it->end >= SNAPSHOT_HEADER_SIZE ? get32(buf + 8) : 0;
	it->app_chunk = app_chunk_size(it->version);
	if (it->version < SNAPSHOT_VERSION_MIN || it->version > SNAPSHOT_VERSION)
		iter_fail_plain(it, "unknown format version");
	snapshot_hash_init(&it->body_sum);
}

static int iter_end_of_app(struct snapshot_iter *it)
{
	const uint8_t *p;

	if (iter_need(it, SNAPSHOT_END_CHUNK) < 0)
		return -1;
	p = it->buf + it->pos;
	if (get32(p + 4) != it->regions || get64(p + 8) != it->region_bytes)
		return iter_fail(it, "region count or size does not match the app's end record");
	if (it->verify) {
		snapshot_hash_update(&it->app_sum, p, 16);
		if (snapshot_hash_final(&it->app_sum) != get64(p + 16))
			return iter_fail(it, "checksum mismatch");
		snapshot_hash_update(&it->body_sum, p + 16, 8);
	}
	it->pos += SNAPSHOT_END_CHUNK;
	it->in_app = 0;
	return 0;
}

int snapshot_next_region(struct snapshot_iter *it, uint64_t *va, const uint8_t **data, uint64_t *len)
{
	const uint8_t *p;
	uint64_t v, l, padded;
	const char *why;

	if (it->failed)
		return -1;
	if (!it->in_app)
		return 0;
	if (iter_need(it, 8) < 0)
		return -1;
	p = it->buf + it->pos;
	if (get32(p) == TAG_END)
		return iter_end_of_app(it) < 0 ? -1 : 0;
	if (get32(p) != TAG_REGION || get32(p + 4) != 0)
		return iter_fail(it, "unknown record");
	if (iter_need(it, SNAPSHOT_REGION_HEAD) < 0)
		return -1;
	v = get64(p + 8);
	l = get64(p + 16);
	if ((why = region_bad(it->app.slot, it->prev_end, v, l)) != NULL)
		return iter_fail(it, why);
	padded = ALIGN_UP(l, 8);	/* l <= 4 GiB: no overflow */
	if (iter_need(it, SNAPSHOT_REGION_HEAD + padded) < 0)
		return -1;
	for (uint64_t i = l; i < padded; i++)
		if (p[SNAPSHOT_REGION_HEAD + i])
			return iter_fail(it, "region padding not zero");
	if (it->regions == UINT32_MAX)
		return iter_fail(it, "too many regions");
	if (it->verify)
		snapshot_hash_update(&it->app_sum, p, SNAPSHOT_REGION_HEAD + padded);
	it->pos += SNAPSHOT_REGION_HEAD + padded;
	it->regions++;
	it->region_bytes += l;
	it->prev_end = v + l;
	if (va)
		*va = v;
	if (data)
		*data = p + SNAPSHOT_REGION_HEAD;
	if (len)
		*len = l;
	return 1;
}

int snapshot_next_app(struct snapshot_iter *it, struct snapshot_app *out)
{
	const char *why;

	while (it->in_app && snapshot_next_region(it, NULL, NULL, NULL) == 1)
		;
	if (it->failed)
		return -1;
	if (it->apps_left == 0) {
		if (it->pos != it->end)
			return iter_fail_plain(it, "bytes after the last app");
		if (it->verify && snapshot_hash_final(&it->body_sum) != it->body_expect)
			return iter_fail_plain(it, "checksum mismatch");
		return 0;
	}
	it->app_index++;
	memset(&it->app, 0, sizeof(it->app));
	if (iter_need(it, it->app_chunk) < 0)
		return -1;
	if ((why = app_decode(it->buf + it->pos, it->version, &it->app)) != NULL)
		return iter_fail(it, why);
	if (slot_taken(it->slots, it->app.slot))
		return iter_fail(it, "two apps in one home");
	slot_mark(it->slots, it->app.slot);
	if (it->verify) {
		snapshot_hash_init(&it->app_sum);
		snapshot_hash_update(&it->app_sum, it->buf + it->pos, it->app_chunk);
	}
	it->pos += it->app_chunk;
	it->apps_left--;
	it->in_app = 1;
	it->prev_end = exec_home(it->app.slot);
	it->regions = 0;
	it->region_bytes = 0;
	*out = it->app;
	return 1;
}

static int check_fail(char *why, uint32_t why_len, const char *fmt, unsigned long long a,
    unsigned long long b)
{
	fmt_snprintf(why, why_len, fmt, a, b);
	return -1;
}

int snapshot_check(const uint8_t *buf, uint64_t size, struct snapshot_info *info,
    char *why, uint32_t why_len)
{
	static struct snapshot_iter it;	/* about 2 KiB: not on the kernel stack; callers are serial */
	struct snapshot_app app;
	struct snapshot_info in;
	int r;

	if (size < SNAPSHOT_HEADER_SIZE)
		return check_fail(why, why_len, "truncated at byte %llu (the header is %llu bytes)",
		    size, SNAPSHOT_HEADER_SIZE);
	if (get64(buf) != SNAPSHOT_MAGIC)
		return check_fail(why, why_len, "bad magic (not a snapshot)", 0, 0);
	if (get32(buf + 8) < SNAPSHOT_VERSION_MIN || get32(buf + 8) > SNAPSHOT_VERSION) {
		fmt_snprintf(why, why_len, "format version %u (this kernel reads %u to %u)",
		    get32(buf + 8), SNAPSHOT_VERSION_MIN, SNAPSHOT_VERSION);
		return -1;
	}
	if (get32(buf + 12) != SNAPSHOT_HEADER_SIZE || get32(buf + 28))
		return check_fail(why, why_len, "malformed header", 0, 0);
	if (get64(buf + 56) != snapshot_hash_bytes(buf, 56))
		return check_fail(why, why_len, "header checksum mismatch", 0, 0);
	in.sequence = get64(buf + 16);
	in.time_ns = get64(buf + 48);
	in.app_count = get32(buf + 24);
	in.total_len = get64(buf + 32);
	if (in.total_len < SNAPSHOT_HEADER_SIZE)
		return check_fail(why, why_len, "total length %llu is shorter than the header", in.total_len, 0);
	if (in.total_len > size)
		return check_fail(why, why_len, "truncated at byte %llu of %llu", size, in.total_len);
	if (in.app_count > SNAPSHOT_MAX_APPS)
		return check_fail(why, why_len, "%llu apps (at most %llu)", in.app_count, SNAPSHOT_MAX_APPS);

	snapshot_iter_init(&it, buf, &in);
	it.verify = 1;
	it.body_expect = get64(buf + 40);
	while ((r = snapshot_next_app(&it, &app)) == 1)
		;
	if (r < 0) {
		fmt_snprintf(why, why_len, "%s", it.why);
		return -1;
	}
	*info = in;
	return 0;
}

/* --- the two slots ------------------------------------------------------------ */

static int newer(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) > 0;
}

int snapshot_pick_load(const struct snapshot_info *slot0, const struct snapshot_info *slot1)
{
	if (!slot0 && !slot1)
		return -1;
	if (!slot0)
		return 1;
	if (!slot1)
		return 0;
	return newer(slot1->sequence, slot0->sequence) ? 1 : 0;
}

int snapshot_pick_save(const struct snapshot_info *slot0, const struct snapshot_info *slot1,
    uint64_t *sequence)
{
	int newest = snapshot_pick_load(slot0, slot1);

	if (newest < 0) {
		*sequence = 1;
		return 0;
	}
	*sequence = (newest == 0 ? slot0 : slot1)->sequence + 1;
	return 1 - newest;
}
