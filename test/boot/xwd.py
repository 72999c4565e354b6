"""Reads an X window dump (xwd's output, the XWD version 7 format) into a
png.Image: how the 3D tests see what QEMU's GL window shows on Xvfb, where
QMP's screendump cannot read a GL scan-out (design.md, GPU).  Only what
Xvfb writes is handled: ZPixmap, 24 or 32 bits per pixel, TrueColor."""

import struct

import png

HEADER = struct.Struct('>25I')


def decode(data):
    f = HEADER.unpack_from(data, 0)
    (header_size, version, fmt, depth, width, height, _xoff, byte_order, _unit, _bit_order,
     _pad, bpp, bytes_per_line, _visual, red, green, blue, _bits_rgb, _entries, ncolors) = f[:20]
    if version != 7 or fmt != 2 or bpp not in (24, 32):
        raise ValueError(f'an XWD this reader does not handle: version {version}, '
                         f'format {fmt}, {bpp} bits per pixel')
    start = header_size + 12 * ncolors
    step = bpp // 8
    order = '<' if byte_order == 0 else '>'
    shifts = [(m, (m & -m).bit_length() - 1) for m in (red, green, blue)]
    out = bytearray(width * height * 3)
    if bpp == 32 and byte_order == 0 and (red, green, blue) == (0xff0000, 0xff00, 0xff):
        # What Xvfb writes at depth 24: B, G, R, X bytes; slices, not a loop.
        for y in range(height):
            row = data[start + y * bytes_per_line:start + y * bytes_per_line + width * 4]
            o = y * width * 3
            out[o:o + width * 3:3] = row[2::4]
            out[o + 1:o + width * 3:3] = row[1::4]
            out[o + 2:o + width * 3:3] = row[0::4]
        return png.Image(width, height, 3, bytes(out))
    for y in range(height):
        row = data[start + y * bytes_per_line:start + y * bytes_per_line + width * step]
        for x in range(width):
            b = row[x * step:x * step + step]
            v = int.from_bytes(b, 'little' if order == '<' else 'big')
            o = (y * width + x) * 3
            for i, (mask, shift) in enumerate(shifts):
                out[o + i] = (v & mask) >> shift
    return png.Image(width, height, 3, bytes(out))
