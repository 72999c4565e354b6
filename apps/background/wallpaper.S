/*
 * The built-in wallpaper: the bytes of a PNG or JPEG file, embedded at build
 * time.  BG_WALLPAPER_FILE names it (build.ninja passes
 * -DBG_WALLPAPER_FILE='"build/apps/background/wallpaper.png"'); the app
 * decodes it at its first calls, so the file stays in its compressed form.
 */
	.section .rodata.bg_wallpaper, "a"
	.balign 16
	.globl bg_wallpaper
	.hidden bg_wallpaper
bg_wallpaper:
	.incbin BG_WALLPAPER_FILE
	.globl bg_wallpaper_end
	.hidden bg_wallpaper_end
bg_wallpaper_end:
