/* The console font, embedded whole: build.ninja unpacks Debian's
 * Uni2-Terminus16.psf.gz (Terminus Font, SIL OFL 1.1) to build/font.psf. */
	.section .rdata,"dr"
	.globl font_psf
	.globl font_psf_end
	.p2align 4
font_psf:
	.incbin "build/font.psf"
font_psf_end:
