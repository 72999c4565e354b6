#include "acpi.h"
#include "aml.h"
#include "cpu.h"
#include "lib.h"
#include "log.h"

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI table header, 5.2.6");

struct acpi_info acpi;
static const struct acpi_header *acpi_root;	/* XSDT or RSDT */
static int acpi_root_is_xsdt;

static int acpi_checksum_ok(const void *p, uint64_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum == 0;
}

static const struct acpi_header *acpi_table(uint64_t addr)
{
	const struct acpi_header *h = (const void *)(uintptr_t)addr;

	if (!addr || h->length < sizeof(*h) || h->length > (64u << 20) ||
	    !acpi_checksum_ok(h, h->length))
		return NULL;
	return h;
}

const void *acpi_find(const char sig[4])
{
	uint32_t n, i, step = acpi_root_is_xsdt ? 8 : 4;
	const uint8_t *entries;

	if (!acpi_root)
		return NULL;
	entries = (const uint8_t *)acpi_root + sizeof(*acpi_root);
	n = (acpi_root->length - sizeof(*acpi_root)) / step;
	for (i = 0; i < n; i++) {
		uint64_t a = 0;
		const struct acpi_header *h;

		memcpy(&a, entries + i * step, step);	/* XSDT entries are unaligned */
		h = acpi_table(a);
		if (h && !memcmp(h->sig, sig, 4))
			return h;
	}
	return NULL;
}

/* Field readers that respect the table's real length: old FADTs are short. */
static uint64_t acpi_field(const struct acpi_header *h, uint32_t off, uint32_t size)
{
	uint64_t v = 0;

	if (off + size <= h->length)
		memcpy(&v, (const uint8_t *)h + off, size);
	return v;
}

static void acpi_parse_fadt(const struct acpi_header *f)
{
	uint64_t x_pm_tmr = acpi_field(f, 208 + 4, 8), dsdt;
	const struct acpi_header *d;

	acpi.pm_timer_port = acpi_field(f, 76, 4);
	if (x_pm_tmr && acpi_field(f, 208, 1) == 1)	/* X_PM_TMR_BLK in I/O space */
		acpi.pm_timer_port = x_pm_tmr;
	acpi.pm_timer_32bit = (acpi_field(f, 112, 4) >> 8) & 1;	/* TMR_VAL_EXT */
	acpi.pm1a_cnt = acpi_field(f, 64, 4);
	if (f->revision >= 2 && f->length >= 111) {
		acpi.boot_arch_valid = 1;
		acpi.boot_arch = (uint16_t)acpi_field(f, 109, 2);
	}
	acpi.pm1b_cnt = acpi_field(f, 68, 4);
	acpi.smi_cmd = acpi_field(f, 48, 4);
	acpi.acpi_enable = acpi_field(f, 52, 1);
	if ((acpi_field(f, 112, 4) >> 10) & 1 && f->length >= 129) {	/* RESET_REG_SUP */
		memcpy(&acpi.reset_reg, (const uint8_t *)f + 116, sizeof(acpi.reset_reg));
		acpi.reset_value = acpi_field(f, 128, 1);
		acpi.reset_valid = 1;
	}
	dsdt = acpi_field(f, 140, 8);
	if (!dsdt)
		dsdt = acpi_field(f, 40, 4);
	d = acpi_table(dsdt);
	if (d && aml_find_s5((const uint8_t *)d + sizeof(*d), d->length - sizeof(*d),
	    &acpi.slp_typa, &acpi.slp_typb) == 0)
		acpi.s5_valid = 1;
	else
		klog("acpi: no \\_S5 in the DSDT, power-off will not work\n");
}

/* ACPI mode is normally on under UEFI; if not, ask the firmware for it
 * (4.8.2.1 "legacy/ACPI select"). */
static void acpi_enable_mode(void)
{
	uint32_t spins;

	if (!acpi.pm1a_cnt || (inw(acpi.pm1a_cnt) & 1) || !acpi.smi_cmd || !acpi.acpi_enable)
		return;
	outb(acpi.smi_cmd, acpi.acpi_enable);
	for (spins = 0; spins < 1000000 && !(inw(acpi.pm1a_cnt) & 1); spins++)
		cpu_pause();
}

int acpi_init(uint64_t rsdp_addr)
{
	const uint8_t *rsdp = (const void *)(uintptr_t)rsdp_addr;
	const struct acpi_header *t;
	uint64_t xsdt = 0;

	if (!rsdp || memcmp(rsdp, "RSD PTR ", 8) || !acpi_checksum_ok(rsdp, 20)) {
		klog("acpi: no valid RSDP, running without ACPI\n");
		return -1;
	}
	acpi.revision = rsdp[15];
	if (acpi.revision >= 2 && acpi_checksum_ok(rsdp, *(const uint32_t *)(rsdp + 20)))
		memcpy(&xsdt, rsdp + 24, 8);
	acpi_root = acpi_table(xsdt ? xsdt : *(const uint32_t *)(rsdp + 16));
	acpi_root_is_xsdt = xsdt && acpi_root;
	if (!acpi_root) {
		klog("acpi: root table missing or corrupt, running without ACPI\n");
		return -1;
	}
	acpi.table_count = (acpi_root->length - sizeof(*acpi_root)) / (acpi_root_is_xsdt ? 8 : 4);
	t = acpi_find("FACP");
	if (t)
		acpi_parse_fadt(t);
	else
		klog("acpi: no FADT\n");
	t = acpi_find("HPET");
	if (t && acpi_field(t, 40, 1) == 0)	/* base address in memory space */
		acpi.hpet_base = acpi_field(t, 44, 8);
	t = acpi_find("APIC");
	if (t)
		acpi.lapic_base = acpi_field(t, 36, 4);
	acpi_enable_mode();
	klog("acpi: revision %u, %u tables, PM timer %s, power-off %s\n", acpi.revision,
	    acpi.table_count, acpi.pm_timer_port ? "yes" : "no", acpi.s5_valid ? "yes" : "no");
	return 0;
}
