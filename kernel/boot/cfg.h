/*
 * /fomos/boot.cfg: one "key=value" per line, '#' starts a comment.
 *
 * The parser is pure (no I/O, no allocation) so that efi/ can use it before
 * exiting boot services and the host tests and fuzzer can run it.  Bad lines
 * are reported through a callback, one message per problem, and skipped; the
 * rest of the file still applies.
 */
#ifndef CFG_H
#define CFG_H

#include <stdint.h>

#define CFG_VALUE_MAX	32

struct boot_cfg {
	uint32_t width, height;		/* resolution=WxH; 0 = firmware default */
	char fault[CFG_VALUE_MAX];	/* fault=KIND: test-only, the kernel faults on purpose after boot */
	uint8_t bench;			/* bench=yes: run the benchmarks instead of /fomos/init, then power off */
	uint8_t keymap;			/* keymap=us|fr: enum keymap_layout, us by default */
	uint8_t resume;			/* resume=no: start /fomos/init fresh, ignore saved apps */
	/* The network (kernel/net): ip=A.B.C.D/N sets the address (else DHCP),
	 * gw= the gateway, dns= the name server; IPv4 addresses in host order,
	 * 0 when not given. */
	uint8_t ip_prefix;		/* 1..32 with ip */
	uint32_t ip, gw, dns;
};

/* Called once per problem with a full sentence ("boot.cfg line 3: ..."). */
typedef void cfg_report_fn(void *arg, const char *msg);

void cfg_defaults(struct boot_cfg *cfg);

/* Parses text[0..len) over *cfg (call cfg_defaults first).  Returns the
 * number of problems reported. */
int cfg_parse(struct boot_cfg *cfg, const char *text, uint64_t len,
    cfg_report_fn *report, void *arg);

/* "WxH" (spaces around it allowed, x or X), each side 1..16384, as
 * resolution= takes it (and the `resolution` command): 0, or -1 with
 * *width and *height untouched. */
int cfg_parse_size(const char *text, uint64_t len, uint32_t *width, uint32_t *height);

#endif
