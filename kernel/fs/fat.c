/*
 * FAT32 with long file names; see fat.h for the model and the write order.
 *
 * Layout reminders (Microsoft FAT spec v1.03): the volume is reserved
 * sectors (boot sector, FSInfo, backup boot), then nfats copies of the FAT
 * (one 32-bit entry per cluster, top 4 bits reserved), then the clusters,
 * numbered from 2.  A folder is a cluster chain of 32-byte entries; a long
 * name is a run of LFN entries (attribute 0x0F, 13 UTF-16 units each, last
 * part first) right before the 8.3 entry they name, tied to it by a checksum
 * of its short name.
 */
#include "fat.h"
#include "fmt.h"
#include "lib.h"

#define FAT_EOC		0x0FFFFFF8u	/* this or above: end of chain */
#define FAT_EOC_MARK	0x0FFFFFFFu
#define FAT_MASK	0x0FFFFFFFu
#define FAT_MAX_SIZE	0xFFFFFFFFull
#define DIR_MAX_ENTRIES	65536u		/* the spec's limit for one folder */

#define ATTR_RO		0x01
#define ATTR_HIDDEN	0x02
#define ATTR_SYSTEM	0x04
#define ATTR_VOLUME	0x08
#define ATTR_DIR	0x10
#define ATTR_ARCHIVE	0x20
#define ATTR_LFN	0x0F

#define NT_LOWER_BASE	0x08	/* byte 12: Windows NT's "base is lower case" */
#define NT_LOWER_EXT	0x10

/* One folder entry as the scanner found it. */
struct fat_ent {
	uint16_t name[FAT_NAME_MAX + 1];	/* long name, else the short one */
	uint32_t name_len;
	uint8_t sname[11];
	uint8_t attr;
	uint32_t cluster, size;
	uint32_t dir;				/* the folder's first cluster */
	uint32_t first_index, index;		/* its first slot (LFN or short), its short slot */
	uint64_t lba;				/* the short entry: sector and byte */
	uint32_t off;
};

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

const char *fat_strerror(int err)
{
	switch (err) {
	case FAT_ENOTFOUND: return "not found";
	case FAT_EIO: return "disk error";
	case FAT_EEXIST: return "already exists";
	case FAT_ENOTDIR: return "not a folder";
	case FAT_EISDIR: return "is a folder";
	case FAT_EINVAL: return "bad argument";
	case FAT_EFBIG: return "file too big";
	case FAT_ENOSPC: return "disk or folder full";
	case FAT_EROFS: return "read-only";
	case FAT_ENOTEMPTY: return "folder not empty";
	case FAT_EPATH: return "bad path";
	case FAT_ECORRUPT: return "volume corrupt";
	}
	return "error";
}

/* --- the device -------------------------------------------------------------- */

static int dev_read(struct fat_vol *v, uint64_t lba, uint32_t n, void *buf)
{
	return v->io.read(v->io.ctx, v->base + lba, n, buf) ? FAT_EIO : 0;
}

static int dev_write(struct fat_vol *v, uint64_t lba, uint32_t n, const void *buf)
{
	return v->io.write(v->io.ctx, v->base + lba, n, buf) ? FAT_EIO : 0;
}

static int dev_barrier(struct fat_vol *v)
{
	if (v->io.flush && v->io.flush(v->io.ctx))
		return FAT_EIO;
	return 0;
}

/* --- the sector cache: FAT, folder and FSInfo sectors, never file data -------- */

static int in_fat(const struct fat_vol *v, uint64_t lba)
{
	return lba >= v->reserved && lba < (uint64_t)v->reserved + v->fat_sectors;
}

/* The dirty slot holding lba, or with lba ~0 the dirty one with the lowest
 * sector, among FAT sectors (fat 1) or the others (fat 0). */
static struct fat_cache_slot *cache_dirty(struct fat_vol *v, uint64_t lba, int fat)
{
	struct fat_cache_slot *best = NULL;
	uint32_t i;

	for (i = 0; i < FAT_CACHE_SLOTS; i++) {
		struct fat_cache_slot *s = &v->cache[i];

		if (!s->valid || !s->dirty || in_fat(v, s->lba) != fat)
			continue;
		if (lba == ~0ull ? !best || s->lba < best->lba : s->lba == lba)
			best = s;
	}
	return best;
}

/* Writes every dirty sector: FAT sectors (every copy) first, a barrier, then
 * the rest (folders, FSInfo).  Data written directly went before them all.
 * Neighbouring sectors go out together, through scratch (free whenever the
 * cache is used: bytes_* never touch the cache while they hold it), so a
 * file that grew over many FAT sectors costs a few requests, not one per
 * sector and copy. */
static int cache_writeback(struct fat_vol *v)
{
	struct fat_cache_slot *s;
	uint32_t n, k, max = sizeof(v->scratch) / FAT_SECTOR;
	int rc, wrote = 0, pass;

	if (v->data_written) {
		if ((rc = dev_barrier(v)))
			return rc;
		v->data_written = 0;
	}
	for (pass = 0; pass < 2; pass++) {
		while ((s = cache_dirty(v, ~0ull, pass == 0))) {
			uint64_t lba = s->lba;

			for (n = 0; n < max && (s = cache_dirty(v, lba + n, pass == 0)); n++)
				memcpy(v->scratch + n * FAT_SECTOR, s->data, FAT_SECTOR);
			for (k = 0; k < (pass == 0 ? v->nfats : 1); k++) {
				rc = dev_write(v, lba + (uint64_t)k * v->fat_sectors, n, v->scratch);
				if (rc)
					return rc;
			}
			for (k = 0; k < n; k++)
				cache_dirty(v, lba + k, pass == 0)->dirty = 0;
			wrote = 1;
		}
		if (pass == 0 && wrote && (rc = dev_barrier(v)))
			return rc;
		if (pass == 0)
			v->freed = 0;	/* the FAT is on the disk */
	}
	return 0;
}

static int cache_get(struct fat_vol *v, uint64_t lba, struct fat_cache_slot **out)
{
	struct fat_cache_slot *s, *victim = NULL;
	uint32_t i;
	int rc;

	v->clock++;
	for (i = 0; i < FAT_CACHE_SLOTS; i++) {
		s = &v->cache[i];
		if (s->valid && s->lba == lba) {
			s->age = v->clock;
			*out = s;
			return 0;
		}
		if (!s->valid)
			victim = s;
		else if (!s->dirty && (!victim || (victim->valid && s->age < victim->age)))
			victim = s;
	}
	if (!victim) {
		/* Every slot is dirty: write them all, in order, then reuse the oldest. */
		if ((rc = cache_writeback(v)))
			return rc;
		victim = &v->cache[0];
		for (i = 1; i < FAT_CACHE_SLOTS; i++)
			if (v->cache[i].age < victim->age)
				victim = &v->cache[i];
	}
	victim->valid = 0;
	if ((rc = dev_read(v, lba, 1, victim->data)))
		return rc;
	victim->valid = 1;
	victim->dirty = 0;
	victim->lba = lba;
	victim->age = v->clock;
	*out = victim;
	return 0;
}

/* Direct data transfers keep any cached copy of the same sectors coherent. */
static void cache_after_write(struct fat_vol *v, uint64_t lba, uint32_t n, const uint8_t *buf)
{
	uint32_t i;

	for (i = 0; i < FAT_CACHE_SLOTS; i++) {
		struct fat_cache_slot *s = &v->cache[i];

		if (s->valid && s->lba >= lba && s->lba < lba + n)
			memcpy(s->data, buf + (s->lba - lba) * FAT_SECTOR, FAT_SECTOR);
	}
}

static void cache_after_read(struct fat_vol *v, uint64_t lba, uint32_t n, uint8_t *buf)
{
	uint32_t i;

	for (i = 0; i < FAT_CACHE_SLOTS; i++) {
		struct fat_cache_slot *s = &v->cache[i];

		if (s->valid && s->dirty && s->lba >= lba && s->lba < lba + n)
			memcpy(buf + (s->lba - lba) * FAT_SECTOR, s->data, FAT_SECTOR);
	}
}

static int data_write(struct fat_vol *v, uint64_t lba, uint32_t n, const void *buf)
{
	int rc = dev_write(v, lba, n, buf);

	if (!rc) {
		cache_after_write(v, lba, n, buf);
		v->data_written = 1;
	}
	return rc;
}

static int data_read(struct fat_vol *v, uint64_t lba, uint32_t n, void *buf)
{
	int rc = dev_read(v, lba, n, buf);

	if (!rc)
		cache_after_read(v, lba, n, buf);
	return rc;
}

/* --- the FAT ---------------------------------------------------------------- */

static int cl_valid(const struct fat_vol *v, uint32_t c)
{
	return c >= 2 && c <= v->clusters + 1;
}

static uint64_t cl_lba(const struct fat_vol *v, uint32_t c)
{
	return v->data_start + (uint64_t)(c - 2) * v->spc;
}

static int fat_get(struct fat_vol *v, uint32_t c, uint32_t *val)
{
	struct fat_cache_slot *s;
	int rc = cache_get(v, v->reserved + (uint64_t)c / 128, &s);

	if (!rc)
		*val = get32(s->data + (c % 128) * 4) & FAT_MASK;
	return rc;
}

static int fat_set(struct fat_vol *v, uint32_t c, uint32_t val)
{
	struct fat_cache_slot *s;
	uint8_t *p;
	int rc = cache_get(v, v->reserved + (uint64_t)c / 128, &s);

	if (rc)
		return rc;
	p = s->data + (c % 128) * 4;
	put32(p, (get32(p) & ~FAT_MASK) | (val & FAT_MASK));
	s->dirty = 1;
	return 0;
}

/* The cluster after c in a chain: *next = 0 at the end.  Anything but a
 * valid cluster or an end mark is corruption. */
static int chain_next(struct fat_vol *v, uint32_t c, uint32_t *next)
{
	uint32_t n;
	int rc = fat_get(v, c, &n);

	if (rc)
		return rc;
	if (n >= FAT_EOC) {
		*next = 0;
		return 0;
	}
	if (!cl_valid(v, n))
		return FAT_ECORRUPT;
	*next = n;
	return 0;
}

/* The cluster at position `index` of the chain starting at first.  If the
 * chain is shorter, *at = 0, *last = its last cluster.  Loops show up as a
 * chain longer than the volume. */
static int chain_walk(struct fat_vol *v, uint32_t first, uint32_t index, uint32_t *at,
    uint32_t *last)
{
	uint32_t c = first, i = 0, next;
	int rc;

	if (!cl_valid(v, first))
		return FAT_ECORRUPT;
	if (v->hint_first == first && v->hint_index <= index) {
		c = v->hint_cluster;
		i = v->hint_index;
	}
	while (i < index) {
		if ((rc = chain_next(v, c, &next)))
			return rc;
		if (!next) {
			/* Remember the end too: appending asks for the index just
			 * past it every time. */
			v->hint_first = first;
			v->hint_index = i;
			v->hint_cluster = c;
			*at = 0;
			*last = c;
			return 0;
		}
		if (++i > v->clusters)
			return FAT_ECORRUPT;
		c = next;
	}
	v->hint_first = first;
	v->hint_index = i;
	v->hint_cluster = c;
	*at = c;
	*last = c;
	return 0;
}

static int chain_free(struct fat_vol *v, uint32_t c)
{
	uint32_t next, n = 0;
	int rc;

	v->hint_first = 0;
	while (c) {
		if (!cl_valid(v, c) || n++ > v->clusters)
			return FAT_ECORRUPT;
		if ((rc = chain_next(v, c, &next)))
			return rc;
		if ((rc = fat_set(v, c, 0)))
			return rc;
		v->freed = 1;
		v->free_count++;
		v->fsinfo_dirty = 1;
		c = next;
	}
	return 0;
}

/* A run of up to `want` contiguous free clusters, the first free one at or
 * after the hint.  Nothing is marked: the caller writes the data first. */
static int find_free(struct fat_vol *v, uint32_t want, uint32_t *start, uint32_t *len)
{
	uint32_t c = v->next_free, i, val;
	int rc;

	/* A cluster freed only in the cache is still in its old chain on the
	 * disk: data written to it now, and a power cut before the FAT goes
	 * out, would leave that chain and the new one sharing it. */
	if (v->freed && (rc = cache_writeback(v)))
		return rc;
	if (!cl_valid(v, c))
		c = 2;
	for (i = 0; i < v->clusters; i++, c = c + 1 > v->clusters + 1 ? 2 : c + 1) {
		if ((rc = fat_get(v, c, &val)))
			return rc;
		if (val == 0)
			break;
	}
	if (i == v->clusters)
		return FAT_ENOSPC;
	*start = c;
	for (*len = 1; *len < want && cl_valid(v, c + *len); (*len)++) {
		if ((rc = fat_get(v, c + *len, &val)))
			return rc;
		if (val)
			break;
	}
	return 0;
}

/* Marks the run as a chain and hangs it after prev (0: none). */
static int chain_link(struct fat_vol *v, uint32_t prev, uint32_t start, uint32_t len)
{
	uint32_t i;
	int rc;

	for (i = 0; i < len; i++)
		if ((rc = fat_set(v, start + i, i + 1 < len ? start + i + 1 : FAT_EOC_MARK)))
			return rc;
	if (prev && (rc = fat_set(v, prev, start)))
		return rc;
	v->free_count -= len;
	v->next_free = start + len;
	v->fsinfo_dirty = 1;
	return 0;
}

/* --- byte ranges inside runs of sectors -------------------------------------------- */

/* Writes len bytes at byte `off` of the sectors from lba (src NULL: zeros). */
static int bytes_write(struct fat_vol *v, uint64_t lba, uint64_t off, const uint8_t *src,
    uint64_t len)
{
	uint32_t n;
	int rc;

	lba += off / FAT_SECTOR;
	off %= FAT_SECTOR;
	while (len) {
		if (off || len < FAT_SECTOR) {		/* a partial sector: read, patch, write */
			n = (uint32_t)MIN(len, FAT_SECTOR - off);
			if ((rc = data_read(v, lba, 1, v->scratch)))
				return rc;
			if (src)
				memcpy(v->scratch + off, src, n);
			else
				memset(v->scratch + off, 0, n);
			if ((rc = data_write(v, lba, 1, v->scratch)))
				return rc;
			lba++;
		} else if (src) {
			uint32_t secs = (uint32_t)MIN(len / FAT_SECTOR, 1u << 16);

			if ((rc = data_write(v, lba, secs, src)))
				return rc;
			n = secs * FAT_SECTOR;
			lba += secs;
		} else {
			uint32_t secs = (uint32_t)MIN(len / FAT_SECTOR, sizeof(v->scratch) / FAT_SECTOR);

			memset(v->scratch, 0, sizeof(v->scratch));
			if ((rc = data_write(v, lba, secs, v->scratch)))
				return rc;
			n = secs * FAT_SECTOR;
			lba += secs;
		}
		if (src)
			src += n;
		len -= n;
		off = 0;
	}
	return 0;
}

static int bytes_read(struct fat_vol *v, uint64_t lba, uint64_t off, uint8_t *dst, uint64_t len)
{
	uint32_t n;
	int rc;

	lba += off / FAT_SECTOR;
	off %= FAT_SECTOR;
	while (len) {
		if (off || len < FAT_SECTOR) {
			n = (uint32_t)MIN(len, FAT_SECTOR - off);
			if ((rc = data_read(v, lba, 1, v->scratch)))
				return rc;
			memcpy(dst, v->scratch + off, n);
			lba++;
		} else {
			uint32_t secs = (uint32_t)MIN(len / FAT_SECTOR, 1u << 16);

			if ((rc = data_read(v, lba, secs, dst)))
				return rc;
			n = secs * FAT_SECTOR;
			lba += secs;
		}
		dst += n;
		len -= n;
		off = 0;
	}
	return 0;
}

/* How many clusters from c on follow each other on the disk (at most max). */
static int run_length(struct fat_vol *v, uint32_t c, uint32_t max, uint32_t *len)
{
	uint32_t next;
	int rc;

	for (*len = 1; *len < max; (*len)++) {
		if ((rc = chain_next(v, c + *len - 1, &next)))
			return rc;
		if (next != c + *len)
			break;
	}
	return 0;
}

/* --- names ------------------------------------------------------------------ */

static uint16_t fold(uint16_t c)
{
	return c >= 'a' && c <= 'z' ? (uint16_t)(c - 32) : c;
}

static int names_equal(const uint16_t *a, uint32_t na, const uint16_t *b, uint32_t nb)
{
	uint32_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (fold(a[i]) != fold(b[i]))
			return 0;
	return 1;
}

/* One path component, UTF-8, to UTF-16 (basic plane).  -1 if malformed. */
static int utf8_to_u16(const char *s, size_t n, uint16_t *out, uint32_t cap)
{
	uint32_t k = 0, c;
	size_t i = 0;

	while (i < n) {
		uint8_t b = (uint8_t)s[i];

		if (b < 0x80) {
			c = b;
			i++;
		} else if ((b & 0xE0) == 0xC0 && i + 1 < n && ((uint8_t)s[i + 1] & 0xC0) == 0x80) {
			c = (uint32_t)(b & 0x1F) << 6 | ((uint8_t)s[i + 1] & 0x3F);
			if (c < 0x80)
				return -1;
			i += 2;
		} else if ((b & 0xF0) == 0xE0 && i + 2 < n && ((uint8_t)s[i + 1] & 0xC0) == 0x80 &&
		    ((uint8_t)s[i + 2] & 0xC0) == 0x80) {
			c = (uint32_t)(b & 0x0F) << 12 | (uint32_t)((uint8_t)s[i + 1] & 0x3F) << 6 |
			    ((uint8_t)s[i + 2] & 0x3F);
			if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
				return -1;
			i += 3;
		} else {
			return -1;
		}
		if (k >= cap)
			return -1;
		out[k++] = (uint16_t)c;
	}
	return (int)k;
}

static size_t u16_to_utf8(const uint16_t *s, uint32_t n, char *out, size_t cap)
{
	size_t k = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint16_t c = s[i];

		if (c >= 0xD800 && c <= 0xDFFF)
			c = '?';
		if (c < 0x80 && k + 1 < cap) {
			out[k++] = (char)c;
		} else if (c < 0x800 && k + 2 < cap) {
			out[k++] = (char)(0xC0 | c >> 6);
			out[k++] = (char)(0x80 | (c & 0x3F));
		} else if (c >= 0x800 && k + 3 < cap) {
			out[k++] = (char)(0xE0 | c >> 12);
			out[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[k++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[k] = 0;
	return k;
}

/* A name FAT accepts as a long name. */
static int name_ok(const uint16_t *s, uint32_t n)
{
	uint32_t i;

	if (n == 0 || n > FAT_NAME_MAX)
		return 0;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return 0;
	if (s[n - 1] == '.' || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++) {
		uint16_t c = s[i];

		if (c < 0x20 || c == 0x7F || c == '"' || c == '*' || c == '/' || c == ':' ||
		    c == '<' || c == '>' || c == '?' || c == '\\' || c == '|')
			return 0;
	}
	return 1;
}

/* Characters an 8.3 name may hold (ASCII only: we write no OEM code page). */
static int short_char(uint16_t c)
{
	static const char extra[] = "$%'-_@~`!(){}^#&";
	uint32_t i;

	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	for (i = 0; extra[i]; i++)
		if (c == (uint8_t)extra[i])
			return 1;
	return 0;
}

/* The name fits 8.3 exactly as it is, upper case: it needs no long name. */
static int name_is_83(const uint16_t *s, uint32_t n, uint8_t sname[11])
{
	uint32_t i, k = 0, dot = n;

	for (i = 0; i < n; i++)
		if (s[i] == '.') {
			if (dot != n)
				return 0;
			dot = i;
		}
	if (dot == 0 || dot > 8 || (dot < n && (n - dot - 1 == 0 || n - dot - 1 > 3)))
		return 0;
	memset(sname, ' ', 11);
	for (i = 0; i < n; i++) {
		if (i == dot) {
			k = 8;
			continue;
		}
		if (!short_char(s[i]))
			return 0;
		sname[k++] = (uint8_t)s[i];
	}
	return 1;
}

static uint8_t lfn_checksum(const uint8_t sname[11])
{
	uint8_t sum = 0;
	uint32_t i;

	for (i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sname[i]);
	return sum;
}

/* "BASE    EXT" -> "base.ext" with the NT case bits, as UTF-16. */
static uint32_t sname_to_u16(const uint8_t sname[11], uint8_t nt, uint16_t *out)
{
	uint32_t i, k = 0, end;

	for (end = 8; end > 0 && sname[end - 1] == ' '; end--)
		;
	for (i = 0; i < end; i++) {
		uint16_t c = i == 0 && sname[0] == 0x05 ? 0xE5 : sname[i];

		out[k++] = (nt & NT_LOWER_BASE) && c >= 'A' && c <= 'Z' ? (uint16_t)(c + 32) : c;
	}
	for (end = 11; end > 8 && sname[end - 1] == ' '; end--)
		;
	if (end > 8)
		out[k++] = '.';
	for (i = 8; i < end; i++)
		out[k++] = (nt & NT_LOWER_EXT) && sname[i] >= 'A' && sname[i] <= 'Z' ?
		    (uint16_t)(sname[i] + 32) : sname[i];
	return k;
}

/* --- folders ----------------------------------------------------------------- */

struct dir_it {
	uint32_t first, cluster, index;
};

static void it_start(struct dir_it *it, uint32_t first)
{
	it->first = first;
	it->cluster = first;
	it->index = 0;
}

/* The 32 bytes of the current entry, valid until the next cache use. */
static int it_entry(struct fat_vol *v, const struct dir_it *it, uint8_t **p,
    struct fat_cache_slot **slot, uint32_t *off)
{
	uint32_t in = it->index % (v->cluster_bytes / 32);
	int rc = cache_get(v, cl_lba(v, it->cluster) + in / 16, slot);

	if (rc)
		return rc;
	*off = (in % 16) * 32;
	*p = (*slot)->data + *off;
	return 0;
}

/* 0: moved on; 1: the chain ended (the folder has no more slots). */
static int it_next(struct fat_vol *v, struct dir_it *it)
{
	uint32_t next;
	int rc;

	if (it->index + 1 >= DIR_MAX_ENTRIES)
		return 1;
	it->index++;
	if (it->index % (v->cluster_bytes / 32))
		return 0;
	if ((rc = chain_next(v, it->cluster, &next)))
		return rc;
	if (!next) {
		it->index--;
		return 1;
	}
	it->cluster = next;
	return 0;
}

static int it_seek(struct fat_vol *v, struct dir_it *it, uint32_t first, uint32_t index)
{
	uint32_t at, last;
	int rc;

	it->first = first;
	it->index = index;
	if ((rc = chain_walk(v, first, index / (v->cluster_bytes / 32), &at, &last)))
		return rc;
	if (!at)
		return FAT_ECORRUPT;
	it->cluster = at;
	return 0;
}

/* Calls fn for every live entry (dot entries and labels skipped).  fn
 * returns nonzero to stop; that value is returned. */
static int dir_scan(struct fat_vol *v, uint32_t first, struct fat_ent *e,
    int (*fn)(struct fat_vol *v, struct fat_ent *e, void *arg), void *arg)
{
	struct dir_it it;
	struct fat_cache_slot *slot;
	uint8_t *p, chk = 0, expect = 0;	/* expect: the next LFN ordinal wanted, 0 none */
	uint32_t off, nparts = 0;
	int rc;

	it_start(&it, first);
	for (;;) {
		if ((rc = it_entry(v, &it, &p, &slot, &off)))
			return rc;
		if (p[0] == 0)
			return 0;
		if (p[0] == 0xE5) {
			expect = 0;
		} else if ((p[11] & 0x3F) == ATTR_LFN) {
			uint8_t ord = p[0] & 0x1F;
			uint32_t base, i;

			if (p[0] & 0x40) {
				expect = ord;
				nparts = ord;
				chk = p[13];
				e->first_index = it.index;
				if (ord == 0 || ord > 20)
					expect = 0;
			}
			if (expect && ord == expect && p[13] == chk && !(ord != nparts && (p[0] & 0x40))) {
				static const uint8_t at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

				base = (uint32_t)(ord - 1) * 13;
				for (i = 0; i < 13; i++)
					if (base + i <= FAT_NAME_MAX)
						e->name[base + i] = get16(p + at[i]);
				expect = ord - 1 ? ord - 1 : 0x80;	/* 0x80: complete */
			} else {
				expect = 0;
			}
		} else if (!(p[11] & ATTR_VOLUME) && p[0] != '.') {
			memcpy(e->sname, p, 11);
			e->attr = p[11];
			e->cluster = (uint32_t)get16(p + 20) << 16 | get16(p + 26);
			e->size = get32(p + 28);
			e->index = it.index;
			e->lba = slot->lba;
			e->off = off;
			e->dir = first;
			e->name_len = 0;
			if (expect == 0x80 && lfn_checksum(e->sname) == chk) {
				while (e->name_len < nparts * 13 && e->name_len < FAT_NAME_MAX &&
				    e->name[e->name_len] != 0 && e->name[e->name_len] != 0xFFFF)
					e->name_len++;
			}
			if (e->name_len == 0) {
				e->first_index = it.index;
				e->name_len = sname_to_u16(e->sname, p[12], e->name);
			}
			if ((rc = fn(v, e, arg)))
				return rc;
			expect = 0;
		} else {
			expect = 0;
		}
		if ((rc = it_next(v, &it)))
			return rc == 1 ? 0 : rc;
	}
}

struct find_arg {
	const uint16_t *name;
	uint32_t len;
	struct fat_ent *out;
};

static int find_fn(struct fat_vol *v, struct fat_ent *e, void *arg)
{
	struct find_arg *a = arg;
	uint16_t sn[12];
	uint32_t sl;

	sl = sname_to_u16(e->sname, 0, sn);
	if (!names_equal(e->name, e->name_len, a->name, a->len) && !names_equal(sn, sl, a->name, a->len))
		return 0;
	if (a->out != e)
		memcpy(a->out, e, sizeof(*e));
	return 1;
}

static int dir_find(struct fat_vol *v, uint32_t dir, const uint16_t *name, uint32_t len,
    struct fat_ent *out)
{
	struct find_arg a = { name, len, out };
	int rc;

	rc = dir_scan(v, dir, out, find_fn, &a);
	if (rc < 0)
		return rc;
	return rc == 1 ? 0 : FAT_ENOTFOUND;
}

static int sname_fn(struct fat_vol *v, struct fat_ent *e, void *arg)
{
	return memcmp(e->sname, arg, 11) == 0;
}

/* 1 if a short name is taken in the folder. */
static int sname_taken(struct fat_vol *v, uint32_t dir, const uint8_t sname[11], struct fat_ent *tmp)
{
	return dir_scan(v, dir, tmp, sname_fn, (void *)sname);
}

/* A unique short name for a long one: the basis name (upper case, ASCII,
 * base 8 and extension 3), as is if that loses nothing, else "BASE~N", and
 * after four tries a hash of the long name in the base, as Windows does. */
static int make_sname(struct fat_vol *v, uint32_t dir, const uint16_t *name, uint32_t n,
    uint8_t sname[11], struct fat_ent *tmp)
{
	uint8_t base[8], ext[3];
	uint32_t nb = 0, ne = 0, i, dot = n, tries, hash = 0;
	int lossy = 0, rc;

	for (i = 0; i < n; i++) {
		if (name[i] == '.')
			dot = i;
		hash = hash * 31 + name[i];
	}
	for (i = 0; i < n; i++) {
		uint16_t c = fold(name[i]);

		if (i == dot)
			continue;
		if (c == ' ' || c == '.') {
			lossy = 1;
			continue;
		}
		if (!short_char(c)) {
			c = '_';
			lossy = 1;
		}
		if (i < dot) {
			if (nb < 8)
				base[nb++] = (uint8_t)c;
			else
				lossy = 1;
		} else if (ne < 3) {
			ext[ne++] = (uint8_t)c;
		} else {
			lossy = 1;
		}
	}
	if (nb == 0) {
		base[nb++] = '_';
		lossy = 1;
	}
	memset(sname, ' ', 11);
	memcpy(sname + 8, ext, ne);
	if (!lossy) {
		memcpy(sname, base, nb);
		if ((rc = sname_taken(v, dir, sname, tmp)) <= 0)
			return rc;
	}
	for (tries = 1; tries < 1000000; tries++) {
		char tail[8];
		uint32_t tl, keep, num = tries;

		if (tries > 4) {	/* BA1F3~1: two of the base, four hex of the hash */
			static const char hex[] = "0123456789ABCDEF";

			if (nb > 2)
				nb = 2;
			for (i = 0; i < 4; i++)
				base[nb + i] = (uint8_t)hex[(hash >> (12 - 4 * i)) & 15];
			nb += 4;
			num = tries - 4;
		}
		tl = (uint32_t)fmt_snprintf(tail, sizeof(tail), "~%u", num);
		keep = MIN(nb, 8 - tl);
		memset(sname, ' ', 8);
		memcpy(sname, base, keep);
		memcpy(sname + keep, tail, tl);
		if (tries > 4)
			nb = 2;
		if ((rc = sname_taken(v, dir, sname, tmp)) <= 0)
			return rc;
	}
	return FAT_ENOSPC;
}

static uint32_t vol_now(struct fat_vol *v)
{
	if (v->io.now)
		return v->io.now(v->io.ctx);
	return (uint32_t)((2025 - 1980) << 9 | 1 << 5 | 1) << 16;
}

static void sentry_fill(struct fat_vol *v, uint8_t *p, const uint8_t sname[11], uint8_t attr,
    uint32_t cluster, uint32_t size)
{
	uint32_t now = vol_now(v);

	memset(p, 0, 32);
	memcpy(p, sname, 11);
	p[11] = attr;
	put16(p + 14, (uint16_t)now);
	put16(p + 16, (uint16_t)(now >> 16));
	put16(p + 18, (uint16_t)(now >> 16));
	put16(p + 20, (uint16_t)(cluster >> 16));
	put16(p + 22, (uint16_t)now);
	put16(p + 24, (uint16_t)(now >> 16));
	put16(p + 26, (uint16_t)cluster);
	put32(p + 28, size);
}

/* Grows a folder by one zeroed cluster after `last`. */
static int dir_grow(struct fat_vol *v, uint32_t last)
{
	uint32_t c, n;
	int rc;

	if ((rc = find_free(v, 1, &c, &n)))
		return rc;
	if ((rc = bytes_write(v, cl_lba(v, c), 0, NULL, v->cluster_bytes)))
		return rc;
	return chain_link(v, last, c, 1);
}

/* Finds `need` consecutive free slots, growing the folder if it must.
 * Sets *index to the first. */
static int dir_slots(struct fat_vol *v, uint32_t dir, uint32_t need, uint32_t *index)
{
	struct dir_it it;
	struct fat_cache_slot *slot;
	uint8_t *p;
	uint32_t off, run = 0, start = 0;
	int rc;

	it_start(&it, dir);
	for (;;) {
		if ((rc = it_entry(v, &it, &p, &slot, &off)))
			return rc;
		if (p[0] == 0 || p[0] == 0xE5) {
			if (run++ == 0)
				start = it.index;
			if (run == need) {
				*index = start;
				return 0;
			}
		} else {
			run = 0;
		}
		rc = it_next(v, &it);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (it.index + 1 >= DIR_MAX_ENTRIES)
				return FAT_ENOSPC;
			if ((rc = dir_grow(v, it.cluster)))
				return rc;
			if ((rc = it_next(v, &it)))
				return rc < 0 ? rc : FAT_ECORRUPT;
			continue;	/* the new cluster's slots are counted as any */
		}
	}
}

/* Adds an entry named `name` to the folder; fills *e as a scan would. */
static int dir_add(struct fat_vol *v, uint32_t dir, const uint16_t *name, uint32_t n, uint8_t attr,
    uint32_t cluster, struct fat_ent *e)
{
	static const uint8_t at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
	struct fat_cache_slot *slot;
	struct dir_it it;
	uint8_t sname[11], *p, chk;
	uint32_t nlfn = 0, index, i, k, off;
	int rc;

	if (!name_is_83(name, n, sname)) {
		if ((rc = make_sname(v, dir, name, n, sname, e)))
			return rc;
		nlfn = (n + 12) / 13;
	}
	if ((rc = dir_slots(v, dir, nlfn + 1, &index)) || (rc = it_seek(v, &it, dir, index)))
		return rc;
	chk = lfn_checksum(sname);
	for (i = nlfn; i >= 1; i--) {
		if ((rc = it_entry(v, &it, &p, &slot, &off)))
			return rc;
		memset(p, 0, 32);
		p[0] = (uint8_t)(i | (i == nlfn ? 0x40 : 0));
		p[11] = ATTR_LFN;
		p[13] = chk;
		for (k = 0; k < 13; k++) {
			uint32_t ci = (i - 1) * 13 + k;

			put16(p + at[k], ci < n ? name[ci] : ci == n ? 0 : 0xFFFF);
		}
		slot->dirty = 1;
		if ((rc = it_next(v, &it)))
			return rc < 0 ? rc : FAT_ECORRUPT;
	}
	if ((rc = it_entry(v, &it, &p, &slot, &off)))
		return rc;
	sentry_fill(v, p, sname, attr, cluster, 0);
	slot->dirty = 1;
	memcpy(e->sname, sname, 11);
	memcpy(e->name, name, n * 2);
	e->name_len = n;
	e->attr = attr;
	e->cluster = cluster;
	e->size = 0;
	e->dir = dir;
	e->first_index = index;
	e->index = it.index;
	e->lba = slot->lba;
	e->off = off;
	return 0;
}

/* Writes e's cluster and size back to its short entry, with the time. */
static int ent_update(struct fat_vol *v, const struct fat_ent *e)
{
	struct fat_cache_slot *slot;
	uint32_t now = vol_now(v);
	uint8_t *p;
	int rc = cache_get(v, e->lba, &slot);

	if (rc)
		return rc;
	p = slot->data + e->off;
	put16(p + 20, (uint16_t)(e->cluster >> 16));
	put16(p + 26, (uint16_t)e->cluster);
	put32(p + 28, e->attr & ATTR_DIR ? 0 : e->size);
	put16(p + 22, (uint16_t)now);
	put16(p + 24, (uint16_t)(now >> 16));
	put16(p + 18, (uint16_t)(now >> 16));
	p[11] |= e->attr & ATTR_DIR ? 0 : ATTR_ARCHIVE;
	slot->dirty = 1;
	return 0;
}

/* Marks e's slots, long and short, deleted. */
static int ent_remove(struct fat_vol *v, const struct fat_ent *e)
{
	struct fat_cache_slot *slot;
	struct dir_it it;
	uint8_t *p;
	uint32_t off;
	int rc;

	if ((rc = it_seek(v, &it, e->dir, e->first_index)))
		return rc;
	for (;;) {
		if ((rc = it_entry(v, &it, &p, &slot, &off)))
			return rc;
		p[0] = 0xE5;
		slot->dirty = 1;
		if (it.index >= e->index)
			return 0;
		if ((rc = it_next(v, &it)))
			return rc < 0 ? rc : FAT_ECORRUPT;
	}
}

/* --- paths ------------------------------------------------------------------- */

/* The next component of *path: its UTF-16 form in name.  0 at the end,
 * 1 with a component, FAT_EPATH if malformed. */
static int path_next(const char **path, uint16_t *name, uint32_t *n)
{
	const char *s = *path, *end;
	int k;

	if (*s == 0)
		return 0;
	if (*s != '/')
		return FAT_EPATH;
	s++;
	for (end = s; *end && *end != '/'; end++)
		;
	k = utf8_to_u16(s, (size_t)(end - s), name, FAT_NAME_MAX + 1);
	if (k <= 0 || !name_ok(name, (uint32_t)k))
		return FAT_EPATH;
	*n = (uint32_t)k;
	*path = end;
	return 1;
}

static void root_ent(struct fat_vol *v, struct fat_ent *e)
{
	memset(e, 0, sizeof(*e));
	e->attr = ATTR_DIR;
	e->cluster = v->root;
}

/* Resolves a path.  If only the last component is missing, FAT_ENOTFOUND
 * comes back with *parent the folder that would hold it, name/n set and
 * *last 1. */
static int lookup(struct fat_vol *v, const char *path, struct fat_ent *e, uint32_t *parent,
    uint16_t *name, uint32_t *n, int *last)
{
	int rc;

	*last = 0;

	if (!path || path[0] != '/')
		return FAT_EPATH;
	root_ent(v, e);
	*parent = 0;
	if (path[1] == 0)
		return 0;
	while ((rc = path_next(&path, name, n)) == 1) {
		uint32_t dir;

		if (!(e->attr & ATTR_DIR))
			return FAT_ENOTDIR;
		dir = e->cluster ? e->cluster : v->root;	/* ".."-style 0 means root */
		if (!cl_valid(v, dir))
			return FAT_ECORRUPT;
		*parent = dir;
		rc = dir_find(v, dir, name, *n, e);
		if (rc == FAT_ENOTFOUND && *path) {
			/* Check the rest is well formed, so a bad path says so. */
			while ((rc = path_next(&path, name, n)) == 1)
				;
			return rc ? rc : FAT_ENOTFOUND;
		}
		if (rc == FAT_ENOTFOUND)
			*last = 1;
		if (rc)
			return rc;
	}
	return rc;
}

/* --- files -------------------------------------------------------------------- */

/* Writes [pos, pos+len) of the file (src NULL: zeros), allocating clusters
 * past the end of its chain.  The data goes to free clusters before the FAT
 * links them (fat.h).  e->cluster and e->size follow; the caller writes e. */
static int file_put(struct fat_vol *v, struct fat_ent *e, uint64_t pos, const uint8_t *src,
    uint64_t len)
{
	uint32_t cb = v->cluster_bytes, c, last, run, want;
	uint32_t have = (uint32_t)(((uint64_t)e->size + cb - 1) / cb);
	uint64_t in, chunk;
	int rc;

	while (len) {
		c = last = 0;
		if (e->cluster && (rc = chain_walk(v, e->cluster, (uint32_t)(pos / cb), &c, &last)))
			return rc;
		if (c && pos / cb >= have) {
			/* The chain runs past the size: a write cut short by a power
			 * cut, or a loop.  End it at the size (the rest is lost, for
			 * fsck to reclaim) and allocate as if it ended there. */
			if (have == 0) {
				e->cluster = 0;
			} else {
				if ((rc = chain_walk(v, e->cluster, have - 1, &last, &c)) ||
				    (rc = fat_set(v, last, FAT_EOC_MARK)))
					return rc;
				v->hint_first = 0;
			}
			c = 0;
		}
		in = pos % cb;
		want = (uint32_t)MIN((in + len + cb - 1) / cb, 1u << 20);
		if (c) {
			if ((rc = run_length(v, c, want, &run)))
				return rc;
			chunk = MIN(len, (uint64_t)run * cb - in);
			if ((rc = bytes_write(v, cl_lba(v, c), in, src, chunk)))
				return rc;
		} else {
			if (in)		/* the chain is shorter than the size said */
				return FAT_ECORRUPT;
			if ((rc = find_free(v, want, &c, &run)))
				return rc;
			chunk = MIN(len, (uint64_t)run * cb);
			if ((rc = bytes_write(v, cl_lba(v, c), 0, src, chunk)))
				return rc;
			if ((rc = chain_link(v, e->cluster ? last : 0, c, run)))
				return rc;
			/* Move the hint to the new end (chain_walk left it on the
			 * old one), so the next append does not walk the chain. */
			if (!e->cluster) {
				e->cluster = c;
				v->hint_first = c;
				v->hint_index = run - 1;
				v->hint_cluster = c + run - 1;
			} else if (v->hint_first == e->cluster && v->hint_cluster == last) {
				v->hint_index += run;
				v->hint_cluster = c + run - 1;
			}
			have += run;
		}
		pos += chunk;
		len -= chunk;
		if (src)
			src += chunk;
		if (pos > e->size)
			e->size = (uint32_t)pos;
	}
	return 0;
}

/* Cuts the file to `size` bytes (<= its size).  The entry is synced before
 * the clusters are freed, so no entry ever names a free cluster. */
static int file_shrink(struct fat_vol *v, struct fat_ent *e, uint64_t size)
{
	uint32_t cb = v->cluster_bytes, keep = (uint32_t)((size + cb - 1) / cb), c, last, tail = 0;
	int rc;

	if (!e->cluster) {
		e->size = 0;
		return 0;
	}
	if (keep == 0) {
		tail = e->cluster;
		e->cluster = 0;
	} else {
		if ((rc = chain_walk(v, e->cluster, keep - 1, &c, &last)))
			return rc;
		if (c && (rc = chain_next(v, c, &tail)))
			return rc;
	}
	e->size = (uint32_t)size;
	if ((rc = ent_update(v, e)) || (rc = fat_sync(v)))
		return rc;
	if (!tail)
		return 0;
	if (keep && (rc = fat_set(v, c, FAT_EOC_MARK)))
		return rc;
	return chain_free(v, tail);
}

/* Free clusters the range [size, end) still needs. */
static int check_space(const struct fat_vol *v, const struct fat_ent *e, uint64_t end)
{
	uint64_t cb = v->cluster_bytes, have = (e->size + cb - 1) / cb, need = (end + cb - 1) / cb;

	if (need > have && need - have > v->free_count)
		return FAT_ENOSPC;
	return 0;
}

static int mkdir_one(struct fat_vol *v, const char *path, int exist_ok)
{
	struct fat_ent e;
	uint16_t name[FAT_NAME_MAX + 1];
	uint8_t sec[FAT_SECTOR];
	uint32_t parent, n, c, run;
	int last, rc;

	rc = lookup(v, path, &e, &parent, name, &n, &last);
	if (rc == 0)
		return !(e.attr & ATTR_DIR) ? FAT_ENOTDIR : exist_ok ? 0 : FAT_EEXIST;
	if (rc != FAT_ENOTFOUND || !last)
		return rc;
	if ((rc = find_free(v, 1, &c, &run)))
		return rc;
	/* The new folder's cluster: "." and "..", then zeros.  ".." of a folder
	 * in the root says 0, as the spec asks. */
	memset(sec, 0, sizeof(sec));
	sentry_fill(v, sec, (const uint8_t *)".          ", ATTR_DIR, c, 0);
	sentry_fill(v, sec + 32, (const uint8_t *)"..         ", ATTR_DIR,
	    parent == v->root ? 0 : parent, 0);
	if ((rc = data_write(v, cl_lba(v, c), 1, sec)))
		return rc;
	if (v->spc > 1 && (rc = bytes_write(v, cl_lba(v, c) + 1, 0, NULL,
	    (uint64_t)(v->spc - 1) * FAT_SECTOR)))
		return rc;
	if ((rc = chain_link(v, 0, c, 1)))
		return rc;
	return dir_add(v, parent, name, n, ATTR_DIR, c, &e);
}

/* Makes every folder on the way to path's last component. */
static int make_parents(struct fat_vol *v, const char *path)
{
	char tmp[512];
	size_t i, len = strlen(path);
	int rc;

	if (len >= sizeof(tmp))
		return FAT_EPATH;
	memcpy(tmp, path, len + 1);
	for (i = 1; i < len; i++) {
		if (tmp[i] != '/')
			continue;
		tmp[i] = 0;
		rc = mkdir_one(v, tmp, 1);
		tmp[i] = '/';
		if (rc)
			return rc;
	}
	return 0;
}

static int open_file(struct fat_vol *v, const char *path, uint32_t flags, struct fat_ent *e)
{
	uint16_t name[FAT_NAME_MAX + 1];
	uint32_t parent, n;
	int last, rc;

	rc = lookup(v, path, e, &parent, name, &n, &last);
	if (rc != FAT_ENOTFOUND || !(flags & FAT_CREATE))
		return rc;
	if (!last) {
		if (!(flags & FAT_PARENTS))
			return rc;
		if ((rc = make_parents(v, path)))
			return rc;
		rc = lookup(v, path, e, &parent, name, &n, &last);
		if (rc != FAT_ENOTFOUND || !last)
			return rc;
	}
	return dir_add(v, parent, name, n, ATTR_ARCHIVE, 0, e);
}

int fat_stat(struct fat_vol *v, const char *path, struct fat_stat *st)
{
	struct fat_ent e;
	uint16_t name[FAT_NAME_MAX + 1];
	uint32_t parent, n;
	int last, rc = lookup(v, path, &e, &parent, name, &n, &last);

	if (rc)
		return rc;
	st->is_dir = !!(e.attr & ATTR_DIR);
	st->size = st->is_dir ? 0 : e.size;
	return 0;
}

int64_t fat_read(struct fat_vol *v, const char *path, uint64_t off, void *buf, uint64_t len)
{
	struct fat_ent e;
	uint16_t name[FAT_NAME_MAX + 1];
	uint32_t parent, n, cb = v->cluster_bytes, c, last, run;
	uint64_t pos, chunk, in, done = 0;
	uint8_t *dst = buf;
	int lst, rc = lookup(v, path, &e, &parent, name, &n, &lst);

	if (rc)
		return rc;
	if (e.attr & ATTR_DIR)
		return FAT_EISDIR;
	if (off >= e.size)
		return 0;
	len = MIN(len, e.size - off);
	for (pos = off; done < len; pos += chunk, done += chunk) {
		if ((rc = chain_walk(v, e.cluster, (uint32_t)(pos / cb), &c, &last)))
			return rc;
		if (!c)
			return FAT_ECORRUPT;	/* the chain ends before the size */
		in = pos % cb;
		if ((rc = run_length(v, c, (uint32_t)MIN((in + len - done + cb - 1) / cb, 1u << 20), &run)))
			return rc;
		chunk = MIN(len - done, (uint64_t)run * cb - in);
		if ((rc = bytes_read(v, cl_lba(v, c), in, dst + done, chunk)))
			return rc;
	}
	return (int64_t)len;
}

int64_t fat_write(struct fat_vol *v, const char *path, uint64_t off, const void *buf,
    uint64_t len, uint32_t flags)
{
	struct fat_ent e;
	int rc, rc2;

	if (!v->writable)
		return FAT_EROFS;
	if (off > FAT_MAX_SIZE || len > FAT_MAX_SIZE - off)
		return FAT_EFBIG;
	if ((rc = open_file(v, path, flags, &e)))
		goto out;
	if (e.attr & ATTR_DIR) {
		rc = FAT_EISDIR;
		goto out;
	}
	if ((flags & FAT_TRUNCATE) && (rc = file_shrink(v, &e, 0)))
		goto out;
	if ((rc = check_space(v, &e, off + len)))
		goto out;
	if (off > e.size)
		rc = file_put(v, &e, e.size, NULL, off - e.size);
	if (!rc && len)
		rc = file_put(v, &e, off, buf, len);
	/* Even after a failure the entry tells what was written. */
	rc2 = ent_update(v, &e);
	rc = rc ? rc : rc2;
out:
	if (!(flags & FAT_NOSYNC)) {
		rc2 = fat_sync(v);
		rc = rc ? rc : rc2;
	}
	return rc ? rc : (int64_t)len;
}

int fat_truncate(struct fat_vol *v, const char *path, uint64_t size)
{
	struct fat_ent e;
	int rc, rc2;

	if (!v->writable)
		return FAT_EROFS;
	if (size > FAT_MAX_SIZE)
		return FAT_EFBIG;
	if ((rc = open_file(v, path, 0, &e)))
		return rc;
	if (e.attr & ATTR_DIR)
		return FAT_EISDIR;
	if (size < e.size) {
		rc = file_shrink(v, &e, size);
	} else if (size > e.size) {
		if (!(rc = check_space(v, &e, size)))
			rc = file_put(v, &e, e.size, NULL, size - e.size);
		rc2 = ent_update(v, &e);
		rc = rc ? rc : rc2;
	}
	rc2 = fat_sync(v);
	return rc ? rc : rc2;
}

int fat_mkdir(struct fat_vol *v, const char *path, uint32_t flags)
{
	int rc = 0, rc2;

	if (!v->writable)
		return FAT_EROFS;
	if (flags & FAT_PARENTS)
		rc = make_parents(v, path);
	if (!rc)
		rc = mkdir_one(v, path, !!(flags & FAT_PARENTS));
	rc2 = fat_sync(v);
	return rc ? rc : rc2;
}

static int any_fn(struct fat_vol *v, struct fat_ent *e, void *arg)
{
	return 1;
}

int fat_delete(struct fat_vol *v, const char *path)
{
	struct fat_ent e, tmp;
	uint16_t name[FAT_NAME_MAX + 1];
	uint32_t parent, n, first;
	int last, rc;

	if (!v->writable)
		return FAT_EROFS;
	if ((rc = lookup(v, path, &e, &parent, name, &n, &last)))
		return rc;
	if (!parent)
		return FAT_EINVAL;	/* the root */
	first = e.cluster;
	if (e.attr & ATTR_DIR) {
		if (!cl_valid(v, first))
			return FAT_ECORRUPT;
		rc = dir_scan(v, first, &tmp, any_fn, NULL);
		if (rc)
			return rc < 0 ? rc : FAT_ENOTEMPTY;
	}
	if ((rc = ent_remove(v, &e)) || (rc = fat_sync(v)))
		return rc;
	if (first && (rc = chain_free(v, first)))
		return rc;
	return fat_sync(v);
}

struct list_arg {
	int (*fn)(void *arg, const char *name, int is_dir, uint64_t size);
	void *arg;
};

static int list_fn(struct fat_vol *v, struct fat_ent *e, void *arg)
{
	struct list_arg *a = arg;
	char name[FAT_NAME_MAX * 3 + 1];
	uint32_t i;

	/* A damaged entry may hold any byte: never hand out a name that is
	 * not one path component on one line. */
	for (i = 0; i < e->name_len; i++)
		if (e->name[i] < 0x20 || e->name[i] == '/' || e->name[i] == 0x7F)
			e->name[i] = '_';
	if (e->name_len == 0)
		e->name[e->name_len++] = '_';
	u16_to_utf8(e->name, e->name_len, name, sizeof(name));
	return a->fn(a->arg, name, !!(e->attr & ATTR_DIR), e->attr & ATTR_DIR ? 0 : e->size) ? 1 : 0;
}

int fat_list(struct fat_vol *v, const char *path,
    int (*fn)(void *arg, const char *name, int is_dir, uint64_t size), void *arg)
{
	struct fat_ent e;
	uint16_t name[FAT_NAME_MAX + 1];
	struct list_arg a = { fn, arg };
	uint32_t parent, n, dir;
	int last, rc = lookup(v, path, &e, &parent, name, &n, &last);

	if (rc)
		return rc;
	if (!(e.attr & ATTR_DIR))
		return FAT_ENOTDIR;
	dir = e.cluster ? e.cluster : v->root;
	if (!cl_valid(v, dir))
		return FAT_ECORRUPT;
	rc = dir_scan(v, dir, &e, list_fn, &a);
	return rc < 0 ? rc : 0;
}

int fat_sync(struct fat_vol *v)
{
	struct fat_cache_slot *s;
	int rc;

	if (!v->writable)
		return 0;
	if (v->fsinfo_dirty && v->fsinfo) {
		if ((rc = cache_get(v, v->fsinfo, &s)))
			return rc;
		put32(s->data + 488, v->free_count);
		put32(s->data + 492, v->next_free);
		s->dirty = 1;
	}
	v->fsinfo_dirty = 0;
	if ((rc = cache_writeback(v)))
		return rc;
	return dev_barrier(v);
}

uint64_t fat_free_bytes(const struct fat_vol *v)
{
	return (uint64_t)v->free_count * v->cluster_bytes;
}

uint64_t fat_total_bytes(const struct fat_vol *v)
{
	return (uint64_t)v->clusters * v->cluster_bytes;
}

/* --- mounting -------------------------------------------------------------------- */

#define REFUSE(...) do { fmt_snprintf(why, why_len, __VA_ARGS__); return FAT_ECORRUPT; } while (0)

static int count_free(struct fat_vol *v)
{
	uint32_t per = sizeof(v->scratch) / FAT_SECTOR, s, i, c = 0, val;
	uint32_t needed = (v->clusters + 2 + 127) / 128;
	int rc;

	v->free_count = 0;
	for (s = 0; s < needed; s += per) {
		uint32_t n = MIN(per, needed - s);

		if ((rc = dev_read(v, v->reserved + s, n, v->scratch)))
			return rc;
		for (i = 0; i < n * 128; i++, c++) {
			val = get32(v->scratch + i * 4) & FAT_MASK;
			if (c >= 2 && c <= v->clusters + 1 && val == 0)
				v->free_count++;
		}
	}
	return 0;
}

int fat_mount(struct fat_vol *v, const struct fat_io *io, uint64_t start, uint64_t count,
    int writable, char *why, size_t why_len)
{
	uint8_t *b;
	uint32_t bps, spc, nfats, total, fatsz, i;
	int rc;

	memset(v, 0, sizeof(*v));
	v->io = *io;
	v->base = start;
	fmt_snprintf(why, why_len, "ok");
	b = v->scratch;
	if (count < 1 || (rc = dev_read(v, 0, 1, b))) {
		fmt_snprintf(why, why_len, "cannot read the boot sector");
		return FAT_EIO;
	}
	if (b[510] != 0x55 || b[511] != 0xAA)
		REFUSE("no boot sector signature");
	if (b[0] != 0xEB && b[0] != 0xE9)
		REFUSE("no jump at the start of the boot sector");
	bps = get16(b + 11);
	spc = b[13];
	if (bps != FAT_SECTOR)
		REFUSE("sector size %u unsupported", bps);
	if (spc == 0 || (spc & (spc - 1)) || spc > 128)
		REFUSE("bad sectors per cluster %u", spc);
	v->spc = spc;
	v->cluster_bytes = spc * FAT_SECTOR;
	v->reserved = get16(b + 14);
	nfats = b[16];
	if (v->reserved == 0)
		REFUSE("no reserved sectors");
	if (nfats == 0 || nfats > 4)
		REFUSE("bad FAT count %u", nfats);
	v->nfats = nfats;
	if (get16(b + 17) != 0 || get16(b + 22) != 0 || get32(b + 36) == 0)
		REFUSE("not FAT32 (FAT12 and FAT16 are not supported)");
	if (get16(b + 42) != 0)
		REFUSE("FAT32 version %u unsupported", get16(b + 42));
	if (get16(b + 40) & 0x80)
		REFUSE("FAT mirroring disabled (unsupported)");
	total = get16(b + 19) ? get16(b + 19) : get32(b + 32);
	fatsz = get32(b + 36);
	v->fat_sectors = fatsz;
	if (total > count)
		REFUSE("volume of %u sectors larger than its %llu-sector partition", total,
		    (unsigned long long)count);
	if ((uint64_t)v->reserved + (uint64_t)nfats * fatsz >= total)
		REFUSE("FATs run past the end of the volume");
	v->data_start = v->reserved + (uint64_t)nfats * fatsz;
	v->clusters = (uint32_t)((total - v->data_start) / spc);
	if (v->clusters == 0)
		REFUSE("no data clusters");
	if (v->clusters > 0x0FFFFFF5)
		REFUSE("%u clusters is too many for FAT32", v->clusters);
	if ((uint64_t)fatsz * 128 < (uint64_t)v->clusters + 2)
		REFUSE("FAT of %u sectors too small for %u clusters", fatsz, v->clusters);
	v->root = get32(b + 44);
	if (!cl_valid(v, v->root))
		REFUSE("root cluster %u out of range", v->root);
	for (i = 0; i < 11; i++)
		v->label[i] = b[66] == 0x29 && b[71 + i] >= 0x20 && b[71 + i] < 0x7F ? (char)b[71 + i] : ' ';
	for (i = 11; i > 0 && v->label[i - 1] == ' '; i--)
		v->label[i - 1] = 0;
	v->fsinfo = get16(b + 48);
	v->next_free = 2;
	if (v->fsinfo && v->fsinfo < v->reserved) {
		if ((rc = dev_read(v, v->fsinfo, 1, b)))
			return rc;
		if (get32(b) != 0x41615252 || get32(b + 484) != 0x61417272 || get32(b + 508) != 0xAA550000)
			v->fsinfo = 0;
		else if (cl_valid(v, get32(b + 492)))
			v->next_free = get32(b + 492);
	} else {
		v->fsinfo = 0;
	}
	/* The FSInfo count is only a hint; count for real, so what we write
	 * back is right (fsck.fat compares it). */
	if ((rc = count_free(v))) {
		fmt_snprintf(why, why_len, "cannot read the FAT");
		return rc;
	}
	v->fsinfo_dirty = 1;
	v->writable = writable;
	return 0;
}

/* A sector that looks like a FAT32 boot sector (fat_mount checks the rest). */
static int looks_fat32(const uint8_t *b)
{
	return b[510] == 0x55 && b[511] == 0xAA && (b[0] == 0xEB || b[0] == 0xE9) &&
	    get16(b + 11) == FAT_SECTOR && get16(b + 22) == 0 && get32(b + 36) != 0;
}

static const uint8_t esp_guid[16] = {
	0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11,
	0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B,
};

static int find_gpt(const struct fat_io *io, uint64_t sectors, uint8_t *b, uint64_t *start,
    uint64_t *count, char *why, size_t why_len)
{
	uint64_t lba, first, last;
	uint32_t n, esz, i;

	if (io->read(io->ctx, 1, 1, b))
		return FAT_EIO;
	if (memcmp(b, "EFI PART", 8) != 0) {
		fmt_snprintf(why, why_len, "protective MBR without a GPT header");
		return FAT_ENOTFOUND;
	}
	lba = (uint64_t)get32(b + 72) | (uint64_t)get32(b + 76) << 32;
	n = get32(b + 80);
	esz = get32(b + 84);
	if (esz < 128 || esz > FAT_SECTOR || FAT_SECTOR % esz || n > 1024 || lba >= sectors) {
		fmt_snprintf(why, why_len, "GPT header with a bad partition table");
		return FAT_ECORRUPT;
	}
	for (i = 0; i < n; i++) {
		const uint8_t *p;

		if ((i * esz) % FAT_SECTOR == 0 &&
		    io->read(io->ctx, lba + (uint64_t)i * esz / FAT_SECTOR, 1, b))
			return FAT_EIO;
		p = b + (i * esz) % FAT_SECTOR;
		if (memcmp(p, esp_guid, 16) != 0)
			continue;
		first = (uint64_t)get32(p + 32) | (uint64_t)get32(p + 36) << 32;
		last = (uint64_t)get32(p + 40) | (uint64_t)get32(p + 44) << 32;
		if (first == 0 || last < first || last >= sectors)
			continue;
		*start = first;
		*count = last - first + 1;
		return 0;
	}
	fmt_snprintf(why, why_len, "no EFI System Partition in the GPT");
	return FAT_ENOTFOUND;
}

int fat_find(const struct fat_io *io, uint64_t sectors, uint64_t *start, uint64_t *count,
    char *why, size_t why_len)
{
	uint8_t b[FAT_SECTOR];
	uint32_t i;

	fmt_snprintf(why, why_len, "ok");
	if (sectors == 0 || io->read(io->ctx, 0, 1, b)) {
		fmt_snprintf(why, why_len, "cannot read sector 0");
		return FAT_EIO;
	}
	if (looks_fat32(b)) {
		*start = 0;
		*count = sectors;
		return 0;
	}
	if (b[510] != 0x55 || b[511] != 0xAA) {
		fmt_snprintf(why, why_len, "no FAT32 volume or partition table");
		return FAT_ENOTFOUND;
	}
	for (i = 0; i < 4; i++) {
		const uint8_t *p = b + 446 + 16 * i;

		if (p[4] == 0xEE)
			return find_gpt(io, sectors, b, start, count, why, why_len);
	}
	for (i = 0; i < 4; i++) {
		const uint8_t *p = b + 446 + 16 * i;
		uint32_t s = get32(p + 8), n = get32(p + 12);

		if ((p[4] == 0x0B || p[4] == 0x0C || p[4] == 0xEF) && s && n &&
		    (uint64_t)s + n <= sectors) {
			*start = s;
			*count = n;
			return 0;
		}
	}
	fmt_snprintf(why, why_len, "no FAT partition in the MBR");
	return FAT_ENOTFOUND;
}
