"""Reads the text the kernel's console drew on a screendump.

The kernel draws with the PSF1 font below in 8x16 cells, scaled by 2 on
screens at least 1600 pixels wide, from pixel (0, 0).  Everything about the
glyphs comes from the font file itself: the bitmaps and, through the font's
Unicode table, which glyph draws which character.
"""

import functools
import gzip
import struct
from collections import Counter

FONT = '/usr/share/consolefonts/Uni2-Terminus16.psf.gz'
PSF1_MAGIC = b'\x36\x04'
PSF1_MODE512 = 0x01
PSF1_MODEHASTAB = 0x02
PSF1_MODESEQ = 0x04
TABLE_SEQ = 0xFFFE   # starts a sequence of codepoints drawn by the glyph
TABLE_END = 0xFFFF   # ends one glyph's list

# The characters read_screen knows: printable ASCII and Latin-1.
CHARS = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x100)]


class Font:
    """A PSF1 font: `glyphs[i]` is glyph i's rows (bytes, MSB leftmost)."""

    def __init__(self, data):
        if data[:2] != PSF1_MAGIC:
            raise ValueError('not a PSF1 font')
        mode, self.height = data[2], data[3]
        self.width = 8
        count = 512 if mode & PSF1_MODE512 else 256
        end = 4 + count * self.height
        self.glyphs = [data[4 + i * self.height:4 + (i + 1) * self.height]
                       for i in range(count)]
        self.glyph_of = {}  # character -> glyph index
        if mode & (PSF1_MODEHASTAB | PSF1_MODESEQ):
            self._read_table(data[end:], count)

    def _read_table(self, table, count):
        entries = struct.unpack(f'<{len(table) // 2}H', table[:len(table) // 2 * 2])
        glyph, in_seq = 0, False
        for e in entries:
            if glyph >= count:
                break
            if e == TABLE_END:
                glyph, in_seq = glyph + 1, False
            elif e == TABLE_SEQ:
                in_seq = True
            elif not in_seq:
                self.glyph_of.setdefault(chr(e), glyph)

    def bitmap(self, ch):
        """The rows of the glyph that draws `ch`, or None if the font has none."""
        g = self.glyph_of.get(ch)
        return None if g is None else self.glyphs[g]


@functools.lru_cache(maxsize=None)
def font():
    with gzip.open(FONT) as f:
        return Font(f.read())


@functools.lru_cache(maxsize=None)
def _char_of_bitmap():
    """Glyph rows -> character, for the characters in CHARS.

    Where two characters share a glyph (space and no-break space), the first
    in CHARS, the ASCII one, wins.
    """
    table = {}
    for ch in CHARS:
        rows = font().bitmap(ch)
        if rows is not None:
            table.setdefault(bytes(rows), ch)
    return table


def scale_for(width):
    """The kernel's rule: the font doubles on screens 1600 pixels wide or more."""
    return 2 if width >= 1600 else 1


def background(img):
    """The most common colour of the image."""
    d, n = img.data, img.channels
    if n == 1:
        v = Counter(d).most_common(1)[0][0]
        return (v, v, v)
    return Counter(zip(d[0::n], d[1::n], d[2::n])).most_common(1)[0][0]


def read_screen(img, scale=None):
    """The text on the screen, one string per row of cells, trailing blanks cut.

    A cell with no ink reads as a space; a cell whose ink matches no glyph of
    printable ASCII or Latin-1 reads as '?'.
    """
    f = font()
    s = scale or scale_for(img.width)
    cw, ch = f.width * s, f.height * s
    bg = background(img)
    n = img.channels
    bg_px = bytes(bg[:n]) if n > 1 else bytes(bg[:1])
    stride = img.width * n
    blank_cell = bg_px * cw
    table = _char_of_bitmap()
    lines = []
    for row in range(img.height // ch):
        top = row * ch
        strip = [img.data[(top + y) * stride:(top + y + 1) * stride]
                 for y in range(0, ch, s)]
        text = []
        for col in range(img.width // cw):
            left = col * cw * n
            rows = [r[left:left + cw * n] for r in strip]
            if all(r == blank_cell for r in rows):
                text.append(' ')
                continue
            text.append(table.get(_ink(rows, s, n, bg_px, f.width), '?'))
        lines.append(''.join(text).rstrip())
    return lines


def _ink(rows, s, n, bg_px, width):
    """One cell's ink as glyph rows: a bit set for each non-background pixel."""
    bits = bytearray()
    step = s * n  # one font pixel is s screen pixels wide
    for r in rows:
        b = 0
        for x in range(width):
            b = (b << 1) | (r[x * step:x * step + n] != bg_px)
        bits.append(b)
    return bytes(bits)
