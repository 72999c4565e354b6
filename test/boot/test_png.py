"""png.py decodes every row filter, for RGB, RGBA and grey (no QEMU)."""

import struct
import zlib

import pytest

import png


def filtered_png(width, height, colour, pixels, filters):
    """A PNG whose row y is written with filter filters[y % len(filters)]."""
    n = png.CHANNELS[colour]
    stride = width * n
    raw, prev = bytearray(), bytes(stride)
    for y in range(height):
        row = pixels[y * stride:(y + 1) * stride]
        kind = filters[y % len(filters)]
        out = bytearray()
        for i, v in enumerate(row):
            a = row[i - n] if i >= n else 0
            b, c = prev[i], prev[i - n] if i >= n else 0
            pred = [0, a, b, (a + b) >> 1, png.paeth(a, b, c)][kind]
            out.append((v - pred) & 0xff)
        raw += bytes([kind]) + out
        prev = row

    def chunk(kind, body):
        return (struct.pack('>I', len(body)) + kind + body +
                struct.pack('>I', zlib.crc32(kind + body)))

    ihdr = struct.pack('>IIBBBBB', width, height, 8, colour, 0, 0, 0)
    data = zlib.compress(bytes(raw))
    # Split IDAT in two: decoders must join them.
    return (png.SIGNATURE + chunk(b'IHDR', ihdr) + chunk(b'IDAT', data[:7]) +
            chunk(b'IDAT', data[7:]) + chunk(b'IEND', b''))


@pytest.mark.parametrize('colour', [0, 2, 6])
@pytest.mark.parametrize('filters', [[0], [1], [2], [3], [4], [0, 1, 2, 3, 4]])
def test_every_filter_decodes_to_the_original_pixels(colour, filters):
    width, height, n = 13, 9, png.CHANNELS[colour]
    pixels = bytes((x * 37 + y * 101 + c * 59 + x * y) & 0xff
                   for y in range(height) for x in range(width) for c in range(n))
    img = png.decode(filtered_png(width, height, colour, pixels, filters))
    assert (img.width, img.height, img.channels) == (width, height, n)
    assert img.data == pixels
    i = (4 * width + 5) * n
    want = tuple(pixels[i:i + 3]) if n > 1 else (pixels[i],) * 3
    assert img.pixel(5, 4) == want


def test_encode_round_trips():
    rows = [[(x, y, x ^ y) for x in range(7)] for y in range(3)]
    img = png.decode(png.encode(7, 3, rows))
    assert [img.row(y) for y in range(3)] == rows


def test_unsupported_files_are_refused():
    with pytest.raises(ValueError):
        png.decode(b'GIF89a')
    with pytest.raises(ValueError):
        png.decode(png.SIGNATURE + b'\0\0\0\0IEND\xae\x42\x60\x82')
