/*
 * The firmware wall.  This file and efi_memmap.c are the only code that sees
 * UEFI: they run while boot services exist, gather what the kernel needs into
 * one struct boot_info, exit boot services and call kernel_main().
 *
 * Everything here degrades instead of stopping: no GOP means a serial-only
 * kernel, an unreadable or garbled boot.cfg is reported and ignored, a
 * resolution the firmware does not offer keeps the default mode.
 */
#include <efi.h>

#include "boot.h"
#include "cfg.h"
#include "efi_diskbench.h"
#include "efi_memmap.h"
#include "fmt.h"
#include "lib.h"

#define EFI_MAX_FILE	(64ull << 20)	/* a bigger file on the ESP is refused, not read */

static EFI_SYSTEM_TABLE *efi_st;
static EFI_BOOT_SERVICES *efi_bs;
static EFI_HANDLE efi_image;

/* Static, so it sits in our image (EfiLoaderCode/Data), which the kernel
 * never reclaims. */
static struct boot_info efi_boot_info;

static void efi_puts(const char *s)
{
	CHAR16 buf[256];
	uint32_t n = 0;

	if (!efi_st->ConOut)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			buf[n++] = L'\r';
		buf[n++] = (CHAR16)(uint8_t)*s;
		if (n >= ARRAY_LEN(buf) - 3) {
			buf[n] = 0;
			efi_st->ConOut->OutputString(efi_st->ConOut, buf);
			n = 0;
		}
	}
	buf[n] = 0;
	efi_st->ConOut->OutputString(efi_st->ConOut, buf);
}

/* Prints on the firmware console (OVMF mirrors it on serial) and keeps the
 * text for the kernel's log. */
FMT_PRINTF(1, 2) static void efi_log(const char *fmt, ...)
{
	struct boot_info *bi = &efi_boot_info;
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	efi_puts(line);
	if (n > 0 && bi->early_log_len + n <= BOOT_EARLY_LOG) {
		memcpy(bi->early_log + bi->early_log_len, line, n);
		bi->early_log_len += n;
	}
}

static void efi_cfg_report(void *arg, const char *msg)
{
	efi_log("efi: %s\n", msg);
}

static uint64_t efi_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* --- files on the ESP ----------------------------------------------------- */

static EFI_FILE_HANDLE efi_open_root(void)
{
	EFI_GUID lip_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_GUID sfs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *sfs;
	EFI_FILE_HANDLE root;

	if (efi_bs->HandleProtocol(efi_image, &lip_guid, (void **)&li) != EFI_SUCCESS)
		return NULL;
	if (efi_bs->HandleProtocol(li->DeviceHandle, &sfs_guid, (void **)&sfs) != EFI_SUCCESS)
		return NULL;
	if (sfs->OpenVolume(sfs, &root) != EFI_SUCCESS)
		return NULL;
	return root;
}

/* Reads path ("/fomos/boot.cfg") into EfiLoaderData memory.  Returns 1 when
 * read, 0 when the file does not exist, -1 (after saying why) on an error. */
static int efi_read_file(EFI_FILE_HANDLE root, const char *path, struct boot_file *out)
{
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	CHAR16 wpath[BOOT_PATH_MAX];
	union { EFI_FILE_INFO info; uint8_t raw[512]; } u;
	UINTN info_size = sizeof(u), size;
	EFI_FILE_HANDLE f;
	EFI_STATUS st;
	void *buf;
	uint32_t i;

	for (i = 0; path[i] && i < BOOT_PATH_MAX - 1; i++)
		wpath[i] = path[i] == '/' ? L'\\' : (CHAR16)path[i];
	wpath[i] = 0;
	st = root->Open(root, &f, wpath, EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND)
		return 0;
	if (st != EFI_SUCCESS) {
		efi_log("efi: %s: cannot open (status 0x%llx), ignored\n", path, (uint64_t)st);
		return -1;
	}
	if (f->GetInfo(f, &info_guid, &info_size, &u.info) != EFI_SUCCESS ||
	    u.info.FileSize > EFI_MAX_FILE) {
		efi_log("efi: %s: unreadable size, ignored\n", path);
		goto err_close;
	}
	size = u.info.FileSize;
	if (efi_bs->AllocatePool(EfiLoaderData, size + 1, &buf) != EFI_SUCCESS) {
		efi_log("efi: %s: no memory for %llu bytes, ignored\n", path, (uint64_t)size);
		goto err_close;
	}
	if (f->Read(f, &size, buf) != EFI_SUCCESS || size != u.info.FileSize) {
		efi_log("efi: %s: read error, ignored\n", path);
		goto err_free;
	}
	f->Close(f);
	((uint8_t *)buf)[size] = 0;
	memcpy(out->path, path, strnlen(path, BOOT_PATH_MAX - 1));
	out->data = buf;
	out->size = size;
	return 1;

err_free:
	efi_bs->FreePool(buf);
err_close:
	f->Close(f);
	return -1;
}

static const struct boot_file *efi_load(EFI_FILE_HANDLE root, const char *path)
{
	struct boot_info *bi = &efi_boot_info;
	struct boot_file *f;

	if (!root || bi->file_count == BOOT_MAX_FILES)
		return NULL;
	f = &bi->files[bi->file_count];
	if (efi_read_file(root, path, f) != 1)
		return NULL;
	bi->file_count++;
	return f;
}

/* Loads every regular file of a folder ("/fomos/apps"), as many as fit. */
static void efi_load_dir(EFI_FILE_HANDLE root, const char *dir)
{
	CHAR16 wdir[BOOT_PATH_MAX];
	union { EFI_FILE_INFO info; uint8_t raw[512]; } u;
	EFI_FILE_HANDLE d;
	char path[BOOT_PATH_MAX];
	uint32_t i, n;

	for (i = 0; dir[i] && i < BOOT_PATH_MAX - 1; i++)
		wdir[i] = dir[i] == '/' ? L'\\' : (CHAR16)dir[i];
	wdir[i] = 0;
	if (!root || root->Open(root, &d, wdir, EFI_FILE_MODE_READ, 0) != EFI_SUCCESS)
		return;
	for (;;) {
		UINTN size = sizeof(u);

		if (d->Read(d, &size, &u) != EFI_SUCCESS || size == 0)
			break;
		if (u.info.Attribute & EFI_FILE_DIRECTORY)
			continue;
		n = fmt_snprintf(path, sizeof(path), "%s/", dir);
		for (i = 0; u.info.FileName[i] && n < sizeof(path) - 1; i++)
			path[n++] = u.info.FileName[i] < 0x80 ? (char)u.info.FileName[i] : '?';
		path[n] = 0;
		if (!efi_load(root, path) && efi_boot_info.file_count == BOOT_MAX_FILES) {
			efi_log("efi: more than %u files, %s and later ones not loaded\n",
			    BOOT_MAX_FILES, path);
			break;
		}
	}
	d->Close(d);
}

/* --- the screen ------------------------------------------------------------- */

static const char *efi_format_name(uint32_t format)
{
	switch (format) {
	case FB_RGBX: return "RGBX";
	case FB_BGRX: return "BGRX";
	case FB_BITMASK: return "bitmask";
	}
	return "none";
}

/* The mode with exactly width x height and a linear framebuffer, or -1. */
static int64_t efi_find_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop, uint32_t w, uint32_t h)
{
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
	UINTN size;
	uint32_t m;

	for (m = 0; m < gop->Mode->MaxMode; m++) {
		if (gop->QueryMode(gop, m, &size, &info) != EFI_SUCCESS)
			continue;
		if (info->HorizontalResolution == w && info->VerticalResolution == h &&
		    info->PixelFormat != PixelBltOnly)
			return m;
	}
	return -1;
}

static void efi_setup_gop(const struct boot_cfg *cfg, struct boot_fb *fb)
{
	EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
	int64_t m;

	if (efi_bs->LocateProtocol(&gop_guid, NULL, (void **)&gop) != EFI_SUCCESS) {
		efi_log("efi: no graphics output, serial console only\n");
		return;
	}
	if (cfg->width) {
		m = efi_find_mode(gop, cfg->width, cfg->height);
		if (m < 0 || gop->SetMode(gop, (UINT32)m) != EFI_SUCCESS)
			efi_log("efi: resolution %ux%u not available, keeping %ux%u\n",
			    cfg->width, cfg->height, gop->Mode->Info->HorizontalResolution,
			    gop->Mode->Info->VerticalResolution);
	}
	info = gop->Mode->Info;
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor: fb->format = FB_RGBX; break;
	case PixelBlueGreenRedReserved8BitPerColor: fb->format = FB_BGRX; break;
	case PixelBitMask:
		fb->format = FB_BITMASK;
		fb->red_mask = info->PixelInformation.RedMask;
		fb->green_mask = info->PixelInformation.GreenMask;
		fb->blue_mask = info->PixelInformation.BlueMask;
		break;
	default:
		efi_log("efi: graphics mode %u has no linear framebuffer, serial console only\n",
		    gop->Mode->Mode);
		return;
	}
	fb->base = gop->Mode->FrameBufferBase;
	fb->size = gop->Mode->FrameBufferSize;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->stride = info->PixelsPerScanLine;
	fb->mode = gop->Mode->Mode;
	efi_log("efi: graphics mode %u: %ux%u %s\n", fb->mode, fb->width, fb->height,
	    efi_format_name(fb->format));
}

/* --- firmware tables and the exit ------------------------------------------- */

static uint64_t efi_find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	uint64_t v1 = 0;
	UINTN i;

	for (i = 0; i < efi_st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &efi_st->ConfigurationTable[i];

		if (!memcmp(&t->VendorGuid, &acpi20, sizeof(EFI_GUID)))
			return (uint64_t)(uintptr_t)t->VendorTable;
		if (!memcmp(&t->VendorGuid, &acpi10, sizeof(EFI_GUID)))
			v1 = (uint64_t)(uintptr_t)t->VendorTable;
	}
	return v1;
}

/*
 * GetMemoryMap → ExitBootServices, retried when the map key went stale.
 * Both buffers are allocated first, with room to spare, because once the
 * first ExitBootServices call has failed nothing may allocate any more.
 */
static int efi_exit(struct boot_info *bi)
{
	UINTN map_size = 0, key, desc_size, cap;
	UINT32 desc_ver;
	void *map;
	uint32_t max_regions, tries;
	EFI_STATUS st;

	efi_bs->GetMemoryMap(&map_size, NULL, &key, &desc_size, &desc_ver);
	cap = map_size + 32 * desc_size;
	max_regions = cap / desc_size;
	if (efi_bs->AllocatePool(EfiLoaderData, cap, &map) != EFI_SUCCESS ||
	    efi_bs->AllocatePool(EfiLoaderData, max_regions * sizeof(struct mem_region),
	        (void **)&bi->regions) != EFI_SUCCESS) {
		efi_log("efi: no memory for the memory map\n");
		return -1;
	}
	efi_log("efi: exiting boot services\n");
	for (tries = 0; tries < 16; tries++) {
		map_size = cap;
		st = efi_bs->GetMemoryMap(&map_size, map, &key, &desc_size, &desc_ver);
		if (st != EFI_SUCCESS)
			break;
		if (efi_bs->ExitBootServices(efi_image, key) == EFI_SUCCESS) {
			bi->region_count = efi_memmap_convert(map, map_size, desc_size,
			    bi->regions, max_regions);
			return 0;
		}
	}
	/* Boot services may be half gone now; printing is all that is left. */
	efi_log("efi: ExitBootServices failed (status 0x%llx)\n", (uint64_t)st);
	return -1;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct boot_info *bi = &efi_boot_info;
	EFI_GUID lip_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_LOADED_IMAGE *li = NULL;
	EFI_FILE_HANDLE root;
	const struct boot_file *cfg_file;

	bi->tsc_at_entry = efi_rdtsc();
	efi_image = image;
	efi_st = systab;
	efi_bs = systab->BootServices;
	efi_bs->SetWatchdogTimer(0, 0, 0, NULL);
	efi_log("efi: Fomos booting\n");

	if (efi_bs->HandleProtocol(image, &lip_guid, (void **)&li) == EFI_SUCCESS) {
		bi->image_base = (uint64_t)(uintptr_t)li->ImageBase;
		bi->image_size = li->ImageSize;
	}
	bi->link_base = FOMOS_LINK_BASE;

	cfg_defaults(&bi->cfg);
	root = efi_open_root();
	if (!root)
		efi_log("efi: cannot open the boot volume, no files loaded\n");
	cfg_file = efi_load(root, "/fomos/boot.cfg");
	if (cfg_file)
		cfg_parse(&bi->cfg, (const char *)cfg_file->data, cfg_file->size,
		    efi_cfg_report, NULL);

	efi_load(root, "/fomos/init");
	efi_load_dir(root, "/fomos/apps");
	if (bi->cfg.bench) {
		const char *why = efi_diskbench(efi_bs, li ? li->DeviceHandle : NULL, &bi->diskbench);

		if (why)
			efi_log("efi: disk benchmark skipped: %s\n", why);
		why = efi_diskbench_usb(efi_bs, li ? li->DeviceHandle : NULL, &bi->diskbench_usb);
		if (why)
			efi_log("efi: USB disk benchmark skipped: %s\n", why);
	}

	efi_setup_gop(&bi->cfg, &bi->fb);
	bi->rsdp = efi_find_rsdp();
	if (!bi->rsdp)
		efi_log("efi: no ACPI tables\n");
	if (efi_exit(bi) < 0)
		return EFI_LOAD_ERROR;
	kernel_main(bi);
}
