"""A minimal PNG decoder: enough for QEMU's screendump, standard library only.

Handles 8-bit RGB and RGBA (and 8-bit grey, for tests), non-interlaced, all
five row filters (PNG spec, section 9).  Anything else raises ValueError.
"""

import struct
import zlib
from itertools import accumulate

SIGNATURE = b'\x89PNG\r\n\x1a\n'
CHANNELS = {0: 1, 2: 3, 6: 4}  # colour type -> samples per pixel


class Image:
    """Decoded pixels, row-major, `channels` bytes each."""

    def __init__(self, width, height, channels, data):
        self.width = width
        self.height = height
        self.channels = channels
        self.data = data

    def pixel(self, x, y):
        """(r, g, b) of the pixel at column x, row y."""
        i = (y * self.width + x) * self.channels
        if self.channels == 1:
            v = self.data[i]
            return (v, v, v)
        return tuple(self.data[i:i + 3])

    def row(self, y):
        """Row y as a list of (r, g, b)."""
        return [self.pixel(x, y) for x in range(self.width)]


def decode(data):
    """Decodes the PNG file in `data` (bytes) into an Image."""
    if not data.startswith(SIGNATURE):
        raise ValueError('not a PNG file')
    pos, header, idat = len(SIGNATURE), None, []
    while pos < len(data):
        length, kind = struct.unpack_from('>I4s', data, pos)
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length  # length, type, body, CRC
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
    if header is None:
        raise ValueError('PNG without IHDR')
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f'unsupported PNG: depth {depth}, colour type '
                         f'{colour}, interlace {interlace}')
    channels = CHANNELS[colour]
    raw = zlib.decompress(b''.join(idat))
    return Image(width, height, channels,
                 unfilter(raw, width * channels, height, channels))


def unfilter(raw, stride, height, bpp):
    """Undoes the per-row filters; each row of `raw` starts with its type."""
    out = bytearray(stride * height)
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        row = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:  # Sub: a running sum along each channel
            for c in range(bpp):
                row[c::bpp] = bytes(v & 0xff for v in accumulate(row[c::bpp]))
        elif kind == 2:  # Up
            row = bytearray((a + b) & 0xff for a, b in zip(row, prev))
        elif kind == 3:  # Average
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + prev[i]) >> 1)) & 0xff
        elif kind == 4:  # Paeth
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                upleft = prev[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + paeth(left, prev[i], upleft)) & 0xff
        elif kind != 0:
            raise ValueError(f'bad PNG filter type {kind} in row {y}')
        out[y * stride:(y + 1) * stride] = row
        prev = row
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def encode(width, height, rgb):
    """Encodes rows of (r, g, b) tuples as an 8-bit RGB PNG (filter 0).

    For tests and for writing what screen.py renders; not used on the
    screendump path.
    """
    raw = bytearray()
    for row in rgb:
        raw.append(0)
        for px in row:
            raw.extend(px)

    def chunk(kind, body):
        crc = zlib.crc32(kind + body)
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', crc)

    ihdr = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    return (SIGNATURE + chunk(b'IHDR', ihdr) +
            chunk(b'IDAT', zlib.compress(bytes(raw))) + chunk(b'IEND', b''))
