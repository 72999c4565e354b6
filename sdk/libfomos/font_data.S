/* The runtime's built-in font, embedded whole: fomos-cc unpacks Debian's
 * Uni2-Terminus16.psf.gz (Terminus Font, SIL Open Font License 1.1; see
 * sdk/README.md) and names the file in FOMOS_FONT_PSF; build.ninja's copy,
 * build/font.psf, is the file the kernel embeds too.  Its own section, so
 * that an app that draws no text leaves it out (--gc-sections). */
	.section .rodata.fomos_font,"a",@progbits
	.globl fomos_font_psf
	.globl fomos_font_psf_end
	.hidden fomos_font_psf
	.hidden fomos_font_psf_end
	.p2align 4
fomos_font_psf:
	.incbin FOMOS_FONT_PSF
fomos_font_psf_end:
	.section .note.GNU-stack,"",@progbits
