/*
 * The executor core's platform for the unit tests (fake_plat.c): the core
 * (kernel/exec/exec.c, exec_files.c) runs here exactly as on the kernel and
 * under fomos-host, but its apps are C functions of the test and its clock
 * moves only when a test moves it.
 *
 * An app file is made by fake_app(): a well-formed image (header, a code
 * page, a data page, bss) whose entry holds the number of a C function;
 * exec_enter calls that function with the context, on the test's stack.
 * A "fault" or "spin" inside it goes through exec_faulted / exec_overran and
 * leaves the call as the kernel's trap handler would (a longjmp here).
 */
#ifndef FAKE_PLAT_H
#define FAKE_PLAT_H

#include <stdint.h>
#include "exec_plat.h"
#include "exec_priv.h"
#include "fomos.h"
#include "initfile.h"

typedef int fake_app_fn(struct fomos_ctx *ctx);
typedef int64_t fake_svc_fn(struct fomos_ctx *ctx, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

#define FAKE_SLOTS	16		/* homes the fake's address space holds */
#define FAKE_SCREEN_W	128
#define FAKE_SCREEN_H	96

/* Before each test: a clean executor (every app of an earlier test
 * killed), the clock at 1 s, no files, no log.  screen: give apps
 * surfaces (a FAKE_SCREEN_W x FAKE_SCREEN_H display). */
void fake_reset(int screen);
/* After each test: kills every app, checks nothing of theirs is left
 * mapped or allocated. */
void fake_done(void);

/* Registers "/fomos/apps/FILE.app", an app that calls fn; its header
 * names it `name`.  Returns the file's bytes (kept for good). */
const uint8_t *fake_app(const char *file, const char *name, fake_app_fn *fn, uint64_t *size);
/* Service function k (< 8) of fake app FILE; inside the app, its address
 * (for ctx->publish) is fake_fn_addr(k). */
void fake_service_fn(const char *file, uint32_t k, fake_svc_fn *fn);
void *fake_fn_addr(uint32_t k);
/* Starts FILE (fake_app) with default options but these; -1 if refused. */
int64_t fake_start(const char *file, const char *options);
/* One round at the fake clock's time; how many apps were called. */
uint32_t fake_round(void);
void fake_advance_ms(uint64_t ms);
uint64_t fake_now(void);

/* For the C functions that play apps: */
uint64_t fake_home(void);		/* the home of the app being called */
struct app *fake_current(void);
/* A CPU exception in the app's code (pc: home + 0x1004); does not return
 * if the core takes it as the app's. */
void fake_fault(uint32_t vector, uint64_t error, uint64_t addr);
/* The app runs on for ms without returning: the tick handler's check. */
void fake_spin(uint64_t ms);

/* What the core did: */
const char *fake_log(void);		/* everything logged since fake_reset */
const char *fake_term(void);		/* term_write's bytes */
uint64_t fake_mapped(void);		/* bytes mapped now */
int64_t fake_records(void);		/* plat_alloc'ed and not freed */
int fake_logged(const char *text);	/* 1 if text appears in the log */

/* A file system in memory behind ctx->file (exec_set_fs). */
void fake_fs_init(int writable);
/* A file of size bytes (each byte its offset's low bits). */
void fake_fs_put(const char *path, uint64_t size);
/* The bytes of a file there (NULL if none) and its size. */
const uint8_t *fake_fs_file(const char *path, uint64_t *size);
uint32_t fake_fs_files(void);

#endif
