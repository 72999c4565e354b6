/* The unit tests' platform for the executor core: see fake_plat.h. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "appfile.h"
#include "cmd.h"
#include "display.h"
#include "exec.h"
#include "fake_plat.h"
#include "fsops.h"
#include "inputhub.h"
#include "lib.h"
#include "log.h"
#include "unit.h"

#define FAKE_APPS	64
#define FAKE_LOG	(1u << 20)
#define FAKE_FILES	256

static uint64_t fake_clock;
static uint64_t fake_bytes_mapped;
static int64_t fake_allocs, fake_allocs_base;
static char fake_logbuf[FAKE_LOG];
static size_t fake_loglen;
static char fake_termbuf[65536];
static size_t fake_termlen;
static jmp_buf *fake_jmp;
static struct fomos_ctx *fake_ctx;	/* of the call in progress */
static uint64_t fake_cur_home;
static uint32_t fake_frame[FAKE_SCREEN_W * FAKE_SCREEN_H], fake_fb[FAKE_SCREEN_W * FAKE_SCREEN_H];

static struct {
	char name[APP_NAME_MAX];	/* the file: /fomos/apps/NAME.app */
	uint8_t *data;
	uint64_t size;
	fake_app_fn *fn;
	fake_svc_fn *svc[8];		/* its service functions (fake_service_fn) */
} fake_apps[FAKE_APPS];
static uint32_t fake_app_count;

/* --- exec_plat.h --------------------------------------------------------------------- */

const uint8_t exec_abort_landing[1];
uint64_t exec_kernel_rsp;

/* The entry of a fake app's image holds the number of its C function. */
FOMOS_CALL int plat_enter(app_entry_fn fn, struct fomos_ctx *ctx, uint64_t stack_top)
{
	uint64_t id = *(const uint64_t *)(uintptr_t)fn;
	jmp_buf jb, *outer = fake_jmp;
	int r;

	(void)stack_top;
	fake_cur_home = (uint64_t)(uintptr_t)fn - APPFILE_PAGE;
	fake_ctx = ctx;
	fake_jmp = &jb;
	if (setjmp(jb)) {
		fake_jmp = outer;
		fake_ctx = NULL;
		return EXEC_ABORTED;
	}
	r = fake_apps[id].fn(ctx);
	fake_jmp = outer;
	fake_ctx = NULL;
	return r;
}

/* A cross-app call: the code word at fn says which fake app's which
 * service function it is (fake_service_fn). */
FOMOS_CALL int64_t plat_enter_call(uint64_t fn, const uint64_t *args, uint64_t stack_top)
{
	uint64_t id = *(const uint64_t *)(uintptr_t)fn, home = fake_cur_home;
	struct fomos_ctx *ctx = fake_ctx;
	jmp_buf jb, *outer = fake_jmp;
	int64_t r;

	(void)stack_top;
	fake_cur_home = fn - APPFILE_PAGE - 8 * ((id & 0xff) + 1);
	fake_ctx = (struct fomos_ctx *)(uintptr_t)args[0];
	fake_jmp = &jb;
	if (setjmp(jb))
		r = EXEC_ABORTED;
	else
		r = fake_apps[id >> 8].svc[id & 0xff](fake_ctx, args[1], args[2], args[3], args[4]);
	fake_jmp = outer;
	fake_ctx = ctx;
	fake_cur_home = home;
	return r;
}

void fake_service_fn(const char *file, uint32_t k, fake_svc_fn *fn)
{
	uint64_t id;
	uint32_t i;

	for (i = 0; i < fake_app_count && strcmp(fake_apps[i].name, file); i++)
		;
	if (i == fake_app_count || k >= 8) {
		unit_fail(__FILE__, __LINE__, "fake_service_fn(%s, %u): no such app or function", file, k);
		return;
	}
	fake_apps[i].svc[k] = fn;
	id = ((uint64_t)i << 8) | k;
	memcpy(fake_apps[i].data + APPFILE_PAGE + 8 * (k + 1), &id, sizeof(id));
}

void *fake_fn_addr(uint32_t k)
{
	return (void *)(uintptr_t)(fake_cur_home + APPFILE_PAGE + 8 * (k + 1));
}

FOMOS_CALL void exec_leave(void)
{
	longjmp(*fake_jmp, 1);
}


static int fake_prot(uint32_t how)
{
	switch (how & ~(uint32_t)PLAT_TRACK) {
	case PLAT_RO: return PROT_READ;
	case PLAT_RX: return PROT_READ | PROT_EXEC;
	}
	return PROT_READ | PROT_WRITE;
}

int plat_map(uint64_t va, uint64_t size, uint32_t how)
{
	if (!size)
		return 0;
	if (mmap((void *)(uintptr_t)va, size, fake_prot(how), MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1, 0) == MAP_FAILED)
		return -1;
	fake_bytes_mapped += size;
	return 0;
}

int plat_protect(uint64_t va, uint64_t size, uint32_t how)
{
	return size ? mprotect((void *)(uintptr_t)va, size, fake_prot(how)) : 0;
}

/* Back to the reservation: nothing there, faults if touched. */
void plat_unmap(uint64_t va, uint64_t size)
{
	if (!size)
		return;
	mmap((void *)(uintptr_t)va, size, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	    -1, 0);
	fake_bytes_mapped -= size;
}

int plat_room(uint64_t bytes)
{
	return bytes < (1ull << 30);
}

void *plat_alloc(uint64_t size)
{
	void *p = calloc(1, size);

	fake_allocs += p != NULL;
	return p;
}

void plat_free(void *p)
{
	fake_allocs -= p != NULL;
	free(p);
}

void plat_take_dirty(uint64_t va, uint64_t size, void (*fn)(void *arg, uint64_t offset), void *arg)
{
	uint64_t off;

	(void)va;
	for (off = 0; off < size; off += PAGE_SIZE)
		fn(arg, off);
}

uint64_t plat_now_ns(void)
{
	return fake_clock;
}

int plat_app_file(const char *name, char *path, const uint8_t **data, uint64_t *size)
{
	uint32_t i;

	snprintf(path, EXEC_PATH_MAX, "/fomos/apps/%s.app", name);
	for (i = 0; i < fake_app_count; i++)
		if (!strcmp(fake_apps[i].name, name)) {
			*data = fake_apps[i].data;
			*size = fake_apps[i].size;
			return 0;
		}
	return FOMOS_E_NOTFOUND;
}

void plat_term_write(const char *s, uint32_t n)
{
	n = (uint32_t)MIN((size_t)n, sizeof(fake_termbuf) - 1 - fake_termlen);
	memcpy(fake_termbuf + fake_termlen, s, n);
	fake_termlen += n;
	fake_termbuf[fake_termlen] = 0;
}

/* The platform's commands, after the common ones. */
static void fake_cmd_hello(struct cmd_out *o, const char *arg)
{
	cmd_printf(o, "hello '%s'\n", arg);
}

const struct cmd cmd_platform[] = {
	{ "hello", fake_cmd_hello, "a platform command: says hello", CMD_ANYONE },
};
const uint32_t cmd_platform_count = 1;

/* --- the tests' side --------------------------------------------------------------------- */

static void fake_log_sink(const char *s, size_t n)
{
	n = MIN(n, sizeof(fake_logbuf) - 1 - fake_loglen);
	memcpy(fake_logbuf + fake_loglen, s, n);
	fake_loglen += n;
	fake_logbuf[fake_loglen] = 0;
}

/* Room for FAKE_SLOTS homes, reserved once: nothing is mapped in it until
 * the core asks.  (1 TiB, the kernel's base, is ASan's shadow here.) */
static void fake_reserve(void)
{
	uint64_t size = (FAKE_SLOTS + 1) * EXEC_HOME_SIZE;
	void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		unit_fail(__FILE__, __LINE__, "cannot reserve %llu GiB for homes", (unsigned long long)(size >> 30));
		return;
	}
	exec_home_base = ALIGN_UP((uint64_t)(uintptr_t)p, 1ull << 21);
}

void fake_reset(int screen)
{
	static int once;
	struct boot_fb fb = { (uint64_t)(uintptr_t)fake_fb, sizeof(fake_fb), FAKE_SCREEN_W, FAKE_SCREEN_H,
	    FAKE_SCREEN_W, FB_BGRX, 0, 0, 0, 0 };

	if (!once) {
		once = 1;
		fake_reserve();
		log_add_sink(fake_log_sink);
		inputhub_init(FAKE_SCREEN_W, FAKE_SCREEN_H, 0);
		exec_set_system(cmd_system);
	}
	exec_kill_all();
	exec_set_quiet(0);
	exec_set_fs(NULL);
	exec_set_gpu(NULL);
	fake_clock = 1000000000ull;
	fake_loglen = fake_termlen = 0;
	fake_logbuf[0] = fake_termbuf[0] = 0;
	if (screen)
		display_init(&fb, fake_frame, 0xff000000u);
	exec_init(screen ? FAKE_SCREEN_W : 0, screen ? FAKE_SCREEN_H : 0);
	fake_allocs_base = fake_allocs;
}

void fake_done(void)
{
	exec_kill_all();
	if (fake_bytes_mapped != 0)
		unit_fail(__FILE__, __LINE__, "%llu bytes of homes still mapped after every app ended",
		    (unsigned long long)fake_bytes_mapped);
	if (fake_allocs != fake_allocs_base)
		unit_fail(__FILE__, __LINE__, "%lld of the executor's records not freed",
		    (long long)(fake_allocs - fake_allocs_base));
}

const uint8_t *fake_app(const char *file, const char *name, fake_app_fn *fn, uint64_t *size)
{
	struct appfile_header h = { APPFILE_MAGIC, APPFILE_FORMAT, FOMOS_CTX_VERSION, APPFILE_PAGE,
	    3 * APPFILE_PAGE, 4 * APPFILE_PAGE, APPFILE_PAGE, 2 * APPFILE_PAGE, 2 * APPFILE_PAGE, 0, 0, "" };
	uint64_t id;
	uint32_t i;

	for (i = 0; i < fake_app_count && strcmp(fake_apps[i].name, file); i++)
		;
	if (i == FAKE_APPS) {
		unit_fail(__FILE__, __LINE__, "more than %u fake apps", FAKE_APPS);
		return NULL;
	}
	if (i == fake_app_count)
		fake_app_count++;
	free(fake_apps[i].data);
	snprintf(fake_apps[i].name, sizeof(fake_apps[i].name), "%s", file);
	snprintf(h.name, sizeof(h.name), "%s", name);
	fake_apps[i].size = h.file_size;
	fake_apps[i].data = calloc(1, h.file_size);
	fake_apps[i].fn = fn;
	memcpy(fake_apps[i].data, &h, sizeof(h));
	id = i;
	memcpy(fake_apps[i].data + h.entry, &id, sizeof(id));
	if (size)
		*size = h.file_size;
	return fake_apps[i].data;
}

int64_t fake_start(const char *file, const char *options)
{
	struct app_opts o;
	char why[128];

	app_opts_default(&o);
	if (options && app_opts_parse(options, strlen(options), &o, why, sizeof(why)) < 0) {
		unit_fail(__FILE__, __LINE__, "options '%s': %s", options, why);
		return -1;
	}
	return exec_run_name(file, &o);
}

uint32_t fake_round(void)
{
	uint64_t next;

	return exec_round(&next);
}

void fake_advance_ms(uint64_t ms)
{
	fake_clock += ms * 1000000ull;
}

uint64_t fake_now(void)
{
	return fake_clock;
}

uint64_t fake_home(void)
{
	return fake_cur_home;
}

struct app *fake_current(void)
{
	return fake_ctx ? exec_find(fake_ctx->pid) : NULL;
}

void fake_fault(uint32_t vector, uint64_t error, uint64_t addr)
{
	struct app *a = fake_current();
	struct exec_fault f = { vector, error, addr, fake_cur_home + 0x1004, a ? a->stack_top - 64 : 0 };

	if (exec_faulted(&f))
		longjmp(*fake_jmp, 1);
}

void fake_spin(uint64_t ms)
{
	fake_clock += ms * 1000000ull;
	if (exec_overran(fake_clock - exec_call_start_ns()))
		longjmp(*fake_jmp, 1);
}

const char *fake_log(void)
{
	return fake_logbuf;
}

int fake_logged(const char *text)
{
	return strstr(fake_logbuf, text) != NULL;
}

const char *fake_term(void)
{
	return fake_termbuf;
}

uint64_t fake_mapped(void)
{
	return fake_bytes_mapped;
}

int64_t fake_records(void)
{
	return fake_allocs - fake_allocs_base;
}

/* --- a file system in memory ---------------------------------------------------------------- */

static struct {
	char path[192];		/* "" : a free entry */
	uint8_t *data;
	uint64_t size;
} fake_files[FAKE_FILES];
static int fake_fs_rw;

static int fake_fs_find(const char *path)
{
	int i;

	for (i = 0; i < FAKE_FILES; i++)
		if (fake_files[i].path[0] && !strcmp(fake_files[i].path, path))
			return i;
	return -1;
}

/* Folders exist while a file lies below them. */
static int fake_fs_is_dir(const char *path)
{
	size_t n = strlen(path);
	int i;

	for (i = 0; i < FAKE_FILES; i++)
		if (fake_files[i].path[0] && !strncmp(fake_files[i].path, path, n) && fake_files[i].path[n] == '/')
			return 1;
	return 0;
}

static int fake_fs_writable(void)
{
	return fake_fs_rw;
}

static int64_t fake_fs_read(const char *path, uint64_t offset, void *buf, uint64_t len)
{
	int i = fake_fs_find(path);

	if (i < 0)
		return fake_fs_is_dir(path) ? FOMOS_E_BADARG : FOMOS_E_NOTFOUND;
	if (offset >= fake_files[i].size)
		return 0;
	len = MIN(len, fake_files[i].size - offset);
	memcpy(buf, fake_files[i].data + offset, len);
	return (int64_t)len;
}

static int64_t fake_fs_write(const char *path, uint64_t offset, const void *buf, uint64_t len, int truncate)
{
	int i = fake_fs_find(path);

	if (i < 0) {
		for (i = 0; i < FAKE_FILES && fake_files[i].path[0]; i++)
			;
		if (i == FAKE_FILES)
			return FOMOS_E_NOSPACE;
		snprintf(fake_files[i].path, sizeof(fake_files[i].path), "%s", path);
		fake_files[i].data = NULL;
		fake_files[i].size = 0;
	}
	if (truncate)
		fake_files[i].size = 0;
	if (offset + len > fake_files[i].size) {
		uint8_t *d = realloc(fake_files[i].data, offset + len);

		if (!d)
			return FOMOS_E_NOSPACE;
		memset(d + fake_files[i].size, 0, offset + len - fake_files[i].size);
		fake_files[i].data = d;
		fake_files[i].size = offset + len;
	}
	memcpy(fake_files[i].data + offset, buf, len);
	return (int64_t)len;
}

static int fake_fs_stat(const char *path, uint64_t *size, int *is_dir)
{
	int i = fake_fs_find(path);

	*is_dir = i < 0 && fake_fs_is_dir(path);
	if (i < 0 && !*is_dir)
		return FOMOS_E_NOTFOUND;
	*size = i < 0 ? 0 : fake_files[i].size;
	return 0;
}

/* The entry of path that files[i] lies in: its name's length, and whether
 * it is a folder (the file is deeper down). */
static size_t fake_fs_entry(const char *path, int i, int *is_dir)
{
	size_t n = strlen(path);
	const char *rest, *slash;

	*is_dir = 0;
	if (!fake_files[i].path[0] || strncmp(fake_files[i].path, path, n) || fake_files[i].path[n] != '/')
		return 0;
	rest = fake_files[i].path + n + 1;
	slash = strchr(rest, '/');
	*is_dir = slash != NULL;
	return slash ? (size_t)(slash - rest) : strlen(rest);
}

/* Files with their sizes, and each folder once (where its first file is). */
static int fake_fs_list(const char *path, fs_list_fn *fn, void *arg)
{
	size_t n = strlen(path), len;
	char name[192];
	int i, j, is_dir, seen_dir;

	if (!fake_fs_is_dir(path))
		return FOMOS_E_NOTFOUND;
	for (i = 0; i < FAKE_FILES; i++) {
		if (!(len = fake_fs_entry(path, i, &is_dir)))
			continue;
		memcpy(name, fake_files[i].path + n + 1, len);
		name[len] = 0;
		for (j = 0; is_dir && j < i; j++)
			if (fake_fs_entry(path, j, &seen_dir) == len && seen_dir &&
			    !memcmp(fake_files[j].path + n + 1, name, len))
				break;
		if (is_dir && j < i)
			continue;
		if (fn(arg, name, is_dir, is_dir ? 0 : fake_files[i].size))
			break;
	}
	return 0;
}

static int fake_fs_remove(const char *path)
{
	int i = fake_fs_find(path);

	if (i < 0)
		return fake_fs_is_dir(path) ? FOMOS_E_BADARG : FOMOS_E_NOTFOUND;
	free(fake_files[i].data);
	fake_files[i].data = NULL;
	fake_files[i].path[0] = 0;
	return 0;
}

static int fake_fs_sync(void)
{
	return 0;
}

static const struct fs_ops fake_fs_ops = {
	fake_fs_writable, fake_fs_read, fake_fs_write, fake_fs_stat, fake_fs_list, fake_fs_remove,
	fake_fs_sync,
};

void fake_fs_init(int writable)
{
	int i;

	for (i = 0; i < FAKE_FILES; i++) {
		free(fake_files[i].data);
		fake_files[i].data = NULL;
		fake_files[i].path[0] = 0;
	}
	fake_fs_rw = writable;
	exec_set_fs(&fake_fs_ops);
	fake_allocs_base = fake_allocs;	/* the file service's bounce buffer stays */
}

const uint8_t *fake_fs_file(const char *path, uint64_t *size)
{
	int i = fake_fs_find(path);

	if (i < 0)
		return NULL;
	*size = fake_files[i].size;
	return fake_files[i].data;
}

uint32_t fake_fs_files(void)
{
	uint32_t n = 0;
	int i;

	for (i = 0; i < FAKE_FILES; i++)
		n += fake_files[i].path[0] != 0;
	return n;
}

void fake_fs_put(const char *path, uint64_t size)
{
	uint8_t *data = malloc(size ? size : 1);

	for (uint64_t i = 0; i < size; i++)
		data[i] = (uint8_t)i;
	fake_fs_write(path, 0, data, size, 1);
	free(data);
}
