/* The console's font, embedded whole: build.ninja unpacks Debian's
 * Uni2-Terminus16.psf.gz (Terminus Font, SIL Open Font License 1.1; see
 * README.md here) to build/font.psf, the file the kernel embeds too. */
	.section .rodata
	.globl con_font_psf
	.globl con_font_psf_end
	.hidden con_font_psf
	.hidden con_font_psf_end
	.p2align 4
con_font_psf:
	.incbin "build/font.psf"
con_font_psf_end:
	.section .note.GNU-stack,"",@progbits
