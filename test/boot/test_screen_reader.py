"""screen.py reads back text rendered here with the kernel's font (no QEMU)."""

import png
import screen


def render(lines, width, height, scale=1, bg=(0, 0, 0), inks=((170, 170, 170),)):
    """Draws `lines` the way the kernel's console does; line i uses ink i % len(inks)."""
    f = screen.font()
    data = bytearray(bytes(bg) * (width * height))
    for row, text in enumerate(lines):
        ink = bytes(inks[row % len(inks)])
        for col, ch in enumerate(text):
            glyph = f.bitmap(ch) or f.bitmap('?')
            for gy in range(f.height * scale):
                bits = glyph[gy // scale]
                y = row * f.height * scale + gy
                for gx in range(f.width * scale):
                    if bits & (0x80 >> (gx // scale)):
                        x = col * f.width * scale + gx
                        data[(y * width + x) * 3:(y * width + x) * 3 + 3] = ink
    return png.Image(width, height, 3, bytes(data))


LOG = ['fomos: booting',
       'fb: 1280x800 BGRX',
       'mem: 243 MiB usable',
       'kernel: ready in 14.2 ms',
       '> help']


def test_the_font_maps_ascii_and_latin1_to_glyphs():
    f = screen.font()
    assert len(f.glyphs) == 512
    assert all(f.bitmap(c) is not None for c in 'Az09~ é©ÿ')
    assert f.bitmap('A') != f.bitmap('B')


def test_log_lines_read_back_exactly():
    lines = screen.read_screen(render(LOG, 640, 480))
    assert lines[:len(LOG)] == LOG
    assert all(line == '' for line in lines[len(LOG):])
    assert len(lines) == 480 // 16


def test_latin1_reads_back_and_unknown_glyphs_read_as_question_marks():
    lines = screen.read_screen(render(['café Ünïcødé ©', 'box ─│┼ end'], 320, 64))
    assert lines[0] == 'café Ünïcødé ©'
    assert lines[1] == 'box ??? end'


def test_background_and_ink_colours_do_not_matter():
    img = render(LOG, 640, 200, bg=(0, 0, 128), inks=((255, 255, 0), (0, 255, 0)))
    assert screen.read_screen(img)[:len(LOG)] == LOG


def test_wide_screens_are_read_at_scale_two():
    img = render(LOG, 1920, 1080, scale=2)
    assert screen.scale_for(img.width) == 2
    lines = screen.read_screen(img)
    assert lines[:len(LOG)] == LOG
    assert len(lines) == 1080 // 32


def test_a_screen_survives_a_png_round_trip():
    img = render(LOG, 320, 96)
    rgb = [[img.pixel(x, y) for x in range(img.width)] for y in range(img.height)]
    back = png.decode(png.encode(img.width, img.height, rgb))
    assert screen.read_screen(back) == screen.read_screen(img)
