/* cfg: boot.cfg as people (and broken USB sticks) write it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"
#include "unit.h"

/* What the callback heard. */
struct heard {
	int count;
	char msgs[8][200];
};

static void
hear(void *arg, const char *msg)
{
	struct heard *h = arg;

	/* Every message is a full sentence about one line. */
	CHECK(strncmp(msg, "boot.cfg line ", 14) == 0);
	if (h->count < 8)
		snprintf(h->msgs[h->count], sizeof(h->msgs[0]), "%s", msg);
	h->count++;
}

static int
parse(struct boot_cfg *cfg, struct heard *h, const char *text)
{
	memset(h, 0, sizeof(*h));
	return cfg_parse(cfg, text, strlen(text), hear, h);
}

void
cfg_defaults_zero_everything(void)
{
	struct boot_cfg cfg;

	memset(&cfg, 0xa5, sizeof(cfg));
	cfg_defaults(&cfg);
	CHECK_EQ_U64(cfg.width, 0);
	CHECK_EQ_U64(cfg.height, 0);
	for (size_t i = 0; i < sizeof(cfg.fault); i++)
		CHECK_EQ_U64(cfg.fault[i], 0);
	CHECK_EQ_U64(cfg.resume, 1);	/* saved apps come back unless told otherwise */
}

void
cfg_resume_no_turns_resuming_off(void)
{
	struct boot_cfg cfg;
	struct heard h;

	cfg_defaults(&cfg);
	CHECK_EQ_U64(parse(&cfg, &h, "resume=no\n"), 0);
	CHECK_EQ_U64(cfg.resume, 0);
	CHECK_EQ_U64(parse(&cfg, &h, "resume = yes\n"), 0);
	CHECK_EQ_U64(cfg.resume, 1);
	CHECK_EQ_U64(parse(&cfg, &h, "resume=later\n"), 1);
	CHECK_EQ_U64(cfg.resume, 1);
}

void
cfg_sets_resolution_and_fault_with_spaces_comments_and_crlf(void)
{
	struct boot_cfg cfg;
	struct heard h;

	cfg_defaults(&cfg);
	CHECK_EQ_U64(parse(&cfg, &h,
	    "# Fomos boot configuration\r\n"
	    "\r\n"
	    "   resolution =  1280x800   # the laptop panel\r\n"
	    "\t\n"
	    "fault=page_fault\r\n"
	    "# resolution=1x1\n"
	    "  # indented comment\n"), 0);
	CHECK_EQ_U64(h.count, 0);
	CHECK_EQ_U64(cfg.width, 1280);
	CHECK_EQ_U64(cfg.height, 800);
	CHECK_STR(cfg.fault, "page_fault");

	/* Later lines win; the last line needs no newline; bounds are inclusive. */
	CHECK_EQ_U64(parse(&cfg, &h, "resolution=1x1\nresolution=16384x16384"), 0);
	CHECK_EQ_U64(cfg.width, 16384);
	CHECK_EQ_U64(cfg.height, 16384);
	CHECK_EQ_U64(parse(&cfg, &h, "resolution=1X1"), 0);
	CHECK_EQ_U64(cfg.width, 1);
	CHECK_EQ_U64(parse(&cfg, &h, ""), 0);
	/* Notepad's byte order mark does not spoil the first key. */
	CHECK_EQ_U64(parse(&cfg, &h, "\xef\xbb\xbfresolution=640x480\r\n"), 0);
	CHECK_EQ_U64(cfg.width, 640);
}

void
cfg_garbled_line_is_reported_and_rest_applies(void)
{
	static const char text[] =
	    "resolution=800x600\n"
	    "\x7f" "ELF\x02\x01\x01\x00\x00garbage\n"
	    "fault=ud\n"
	    "res\x01olution=1x1\n";
	struct boot_cfg cfg;
	struct heard h = { 0 };

	cfg_defaults(&cfg);
	CHECK_EQ_U64(cfg_parse(&cfg, text, sizeof(text) - 1, hear, &h), 2);
	CHECK_EQ_U64(h.count, 2);
	CHECK_STR(h.msgs[0], "boot.cfg line 2: not text, ignored");
	CHECK_STR(h.msgs[1], "boot.cfg line 4: not text, ignored");
	CHECK_EQ_U64(cfg.width, 800);
	CHECK_EQ_U64(cfg.height, 600);
	CHECK_STR(cfg.fault, "ud");
}

void
cfg_unknown_key_is_reported_with_its_line_number(void)
{
	struct boot_cfg cfg;
	struct heard h;

	cfg_defaults(&cfg);
	CHECK_EQ_U64(parse(&cfg, &h, "# c\nfoo=1\nresolution=640x480\n Colour = red \n"), 2);
	CHECK_STR(h.msgs[0], "boot.cfg line 2: unknown key 'foo', ignored");
	CHECK_STR(h.msgs[1], "boot.cfg line 4: unknown key 'Colour', ignored");
	CHECK_EQ_U64(cfg.width, 640);
}

void
cfg_line_without_equals_is_reported(void)
{
	struct boot_cfg cfg;
	struct heard h;

	cfg_defaults(&cfg);
	CHECK_EQ_U64(parse(&cfg, &h, "resolution 800x600\n=5\nfault=gp # ok=yes\n"), 2);
	CHECK_STR(h.msgs[0], "boot.cfg line 1: expected key=value, ignored");
	CHECK_STR(h.msgs[1], "boot.cfg line 2: expected key=value, ignored");
	CHECK_STR(cfg.fault, "gp");
	CHECK_EQ_U64(cfg.width, 0);
}

void
cfg_bad_resolution_is_reported_and_the_old_one_kept(void)
{
	static const char *bad[] = {
		"0x600", "800x0", "16385x600", "800x16385", "800x", "x600", "800",
		"800x600x2", "-800x600", "+800x600", "800 x 600", "800x600 px",
		"99999999999999999999x600", "800x99999999999999999999", "",
		"0800x0600z",
	};
	struct boot_cfg cfg;
	struct heard h;
	char line[96];

	cfg_defaults(&cfg);
	parse(&cfg, &h, "resolution=1024x768");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "resolution=%s", bad[i]);
		CHECK_EQ_U64(parse(&cfg, &h, line), 1);
		CHECK(strstr(h.msgs[0], "boot.cfg line 1: resolution '") == h.msgs[0]);
		CHECK_EQ_U64(cfg.width, 1024);
		CHECK_EQ_U64(cfg.height, 768);
	}
	/* Leading zeros are still decimal. */
	CHECK_EQ_U64(parse(&cfg, &h, "resolution=0800x0600"), 0);
	CHECK_EQ_U64(cfg.width, 800);
	CHECK_EQ_U64(cfg.height, 600);
}

void
cfg_fault_kind_is_stored_and_bad_ones_rejected(void)
{
	char longest[CFG_VALUE_MAX], line[128];
	struct boot_cfg cfg;
	struct heard h;

	cfg_defaults(&cfg);
	memset(longest, 'z', CFG_VALUE_MAX - 1);
	longest[CFG_VALUE_MAX - 1] = '\0';
	snprintf(line, sizeof(line), "fault=%s", longest);
	CHECK_EQ_U64(parse(&cfg, &h, line), 0);
	CHECK_STR(cfg.fault, longest);

	/* One longer, capitals, punctuation: reported, the old value stays. */
	snprintf(line, sizeof(line), "fault=%sz", longest);
	CHECK_EQ_U64(parse(&cfg, &h, line), 1);
	CHECK_EQ_U64(parse(&cfg, &h, "fault=PageFault"), 1);
	CHECK_EQ_U64(parse(&cfg, &h, "fault=../etc"), 1);
	CHECK_EQ_U64(parse(&cfg, &h, "fault=a b"), 1);
	CHECK(strncmp(h.msgs[0], "boot.cfg line 1: fault 'a b'", 28) == 0);
	CHECK_STR(cfg.fault, longest);

	/* A shorter value leaves no tail of the longer one behind. */
	CHECK_EQ_U64(parse(&cfg, &h, "fault=de"), 0);
	CHECK_STR(cfg.fault, "de");
	CHECK_EQ_U64(parse(&cfg, &h, "fault="), 0);
	CHECK_STR(cfg.fault, "");
}

void
cfg_overlong_line_is_reported_and_ignored(void)
{
	char text[512];
	struct boot_cfg cfg;
	struct heard h;

	/* Exactly 200 characters is still a line. */
	snprintf(text, sizeof(text), "resolution=800x600%182s\n", "");
	CHECK_EQ_U64(strlen(text), 201);
	cfg_defaults(&cfg);
	CHECK_EQ_U64(parse(&cfg, &h, text), 0);
	CHECK_EQ_U64(cfg.width, 800);

	snprintf(text, sizeof(text), "fault=ud\nresolution=640x480%183s\n", "");
	cfg_defaults(&cfg);
	CHECK_EQ_U64(parse(&cfg, &h, text), 1);
	CHECK_STR(h.msgs[0], "boot.cfg line 2: longer than 200 characters, ignored");
	CHECK_EQ_U64(cfg.width, 0);
	CHECK_STR(cfg.fault, "ud");
}

void
cfg_never_reads_past_len(void)
{
	static const char full[] = "fault=abc\nresolution=800x600";
	struct boot_cfg cfg;
	struct heard h = { 0 };

	/* Every prefix, in a buffer of exactly that size: ASan sees overreads. */
	for (size_t n = 0; n <= sizeof(full) - 1; n++) {
		char *text = malloc(n ? n : 1);
		memcpy(text, full, n);
		cfg_defaults(&cfg);
		h.count = 0;
		cfg_parse(&cfg, text, n, hear, &h);
		free(text);
	}
	/* The whole text applied; cut inside the number, it is shorter. */
	CHECK_EQ_U64(cfg.width, 800);
	CHECK_EQ_U64(cfg.height, 600);
	char cut[] = "resolution=800x600";
	cfg_defaults(&cfg);
	cfg_parse(&cfg, cut, strlen(cut) - 1, hear, &h);
	CHECK_EQ_U64(cfg.height, 60);
}

void
cfg_works_without_a_report_callback(void)
{
	struct boot_cfg cfg;
	const char *text = "bogus\nfoo=1\nresolution=9x9\n\x01\n";

	cfg_defaults(&cfg);
	CHECK_EQ_U64(cfg_parse(&cfg, text, strlen(text), NULL, NULL), 3);
	CHECK_EQ_U64(cfg.width, 9);
}

void
cfg_random_bytes_give_only_well_formed_messages(void)
{
	/* A small fixed-seed fuzz: mostly config-like bytes, some binary. */
	static const char alphabet[] = "resolution=fault#x0123456789 \t\r\n\n\n=_az\x00\x01\xff";
	struct boot_cfg cfg;
	struct heard h;
	uint32_t seed = 12345;

	for (int iter = 0; iter < 3000; iter++) {
		size_t n = iter % 300;
		char *text = malloc(n ? n : 1);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		memset(&h, 0, sizeof(h));
		cfg_defaults(&cfg);
		CHECK_EQ_U64(cfg_parse(&cfg, text, n, hear, &h), h.count);
		CHECK(cfg.width <= 16384 && cfg.height <= 16384);
		CHECK(memchr(cfg.fault, '\0', sizeof(cfg.fault)) != NULL);
		free(text);
	}
}

void
cfg_network_addresses_are_parsed_and_bad_ones_reported(void)
{
	struct boot_cfg cfg;
	struct heard h;

	cfg_defaults(&cfg);
	CHECK_EQ_U64(cfg.ip, 0);	/* no ip=: DHCP */
	CHECK_EQ_U64(parse(&cfg, &h, "ip=10.0.2.15/24\ngw = 10.0.2.2\ndns=10.0.2.3\n"), 0);
	CHECK_EQ_U64(cfg.ip, 0x0a00020f);
	CHECK_EQ_U64(cfg.ip_prefix, 24);
	CHECK_EQ_U64(cfg.gw, 0x0a000202);
	CHECK_EQ_U64(cfg.dns, 0x0a000203);
	CHECK_EQ_U64(parse(&cfg, &h, "ip=192.168.1.7\n"), 0);	/* /24 when left out */
	CHECK_EQ_U64(cfg.ip, 0xc0a80107);
	CHECK_EQ_U64(cfg.ip_prefix, 24);
	CHECK_EQ_U64(parse(&cfg, &h, "ip=10.0.0.1/8\n"), 0);
	CHECK_EQ_U64(cfg.ip_prefix, 8);
	/* Each bad one is reported; the address before it stays. */
	CHECK_EQ_U64(parse(&cfg, &h,
	    "ip=10.0.0.256/8\nip=10.0.0/8\nip=10.0.0.2/33\nip=10.0.0.2/\ngw=1.2.3.4/8\ndns=1..2.3\nip=1.2.3.4x\n"), 7);
	CHECK(strstr(h.msgs[0], "line 1: ip '10.0.0.256/8' is not an IPv4 address A.B.C.D/N") != NULL);
	CHECK(strstr(h.msgs[4], "line 5: gw '1.2.3.4/8' is not an IPv4 address A.B.C.D") != NULL);
	CHECK_EQ_U64(cfg.ip, 0x0a000001);
	CHECK_EQ_U64(cfg.ip_prefix, 8);
	CHECK_EQ_U64(cfg.gw, 0x0a000202);
	CHECK_EQ_U64(cfg.dns, 0x0a000203);
}
