#!/usr/bin/python3
"""Draws Fomos's default wallpaper and writes it as a PNG (and a PPM).

    make_wallpaper.py OUT.png [OUT.ppm]

An evening landscape, 640x400 (16:10, the default screen's shape): a sky that
fades from deep blue to peach at the horizon, a yellow sun, a purple
mountain, green ground and a lighter hill.  Flat shapes with known colours
at known places, so a test can find them on the screen; their edges are
anti-aliased by coverage, so it still looks good scaled up.

Standard library only (zlib for the PNG).  The PPM is what cjpeg reads to
make the JPEG wallpaper of the tests.  The picture is ours: MIT, as the
project (LICENSE).
"""

import struct
import sys
import zlib

WIDTH, HEIGHT = 640, 400
HORIZON = 260

SKY_TOP = (25, 45, 110)
SKY_HORIZON = (250, 170, 110)
SUN = (255, 220, 90)
SUN_CENTRE, SUN_RADIUS = (460, 150), 50
MOUNTAIN = (70, 60, 110)
MOUNTAIN_PEAKS = ((40, HORIZON + 1), (220, 110), (400, HORIZON + 1))
GROUND = (50, 130, 70)
HILL = (90, 170, 80)
HILL_CENTRE, HILL_RADII = (520, HORIZON + 20), (200, 60)


def mix(a, b, t):
    t = max(0.0, min(1.0, t))
    return tuple(x + (y - x) * t for x, y in zip(a, b))


def sky(y):
    return mix(SKY_TOP, SKY_HORIZON, y / HORIZON)


def triangle_cover(x, y):
    """How much of the pixel centred on (x, y) the mountain covers (0..1):
    the distance to the nearest edge, inside positive, clamped to a pixel."""
    (ax, ay), (bx, by), (cx, cy) = MOUNTAIN_PEAKS
    inside = float('inf')
    for (px, py), (qx, qy) in (((ax, ay), (bx, by)), ((bx, by), (cx, cy)), ((cx, cy), (ax, ay))):
        ex, ey = qx - px, qy - py
        length = (ex * ex + ey * ey) ** 0.5
        # The peaks go clockwise on the screen (y down), so inside is
        # where the cross product of edge and point is positive.
        d = ((y - py) * ex - (x - px) * ey) / length
        inside = min(inside, d)
    return max(0.0, min(1.0, inside + 0.5))


def disc_cover(x, y):
    dx, dy = x - SUN_CENTRE[0], y - SUN_CENTRE[1]
    return max(0.0, min(1.0, SUN_RADIUS + 0.5 - (dx * dx + dy * dy) ** 0.5))


def hill_cover(x, y):
    dx = (x - HILL_CENTRE[0]) / HILL_RADII[0]
    dy = (y - HILL_CENTRE[1]) / HILL_RADII[1]
    # Distance to the ellipse's edge, in pixels, roughly (good enough for
    # a one-pixel ramp).
    return max(0.0, min(1.0, (1 - (dx * dx + dy * dy) ** 0.5) * HILL_RADII[1] + 0.5))


def pixel(x, y):
    # Pixel centres sit at +0.5, as in any sampler.
    cx, cy = x + 0.5, y + 0.5
    colour = sky(cy)
    colour = mix(colour, SUN, disc_cover(cx, cy))
    colour = mix(colour, MOUNTAIN, triangle_cover(cx, cy))
    colour = mix(colour, GROUND, cy - HORIZON)
    colour = mix(colour, HILL, hill_cover(cx, cy))
    return tuple(int(c + 0.5) for c in colour)


def picture():
    """The wallpaper as bytes, RGB, row-major."""
    out = bytearray()
    for y in range(HEIGHT):
        for x in range(WIDTH):
            out += bytes(pixel(x, y))
    return bytes(out)


def png(width, height, rgb):
    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))

    stride = width * 3
    raw = b''.join(b'\0' + rgb[y * stride:(y + 1) * stride] for y in range(height))
    return (b'\x89PNG\r\n\x1a\n'
            + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw, 9))
            + chunk(b'IEND', b''))


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit('usage: make_wallpaper.py OUT.png [OUT.ppm]')
    rgb = picture()
    with open(argv[1], 'wb') as f:
        f.write(png(WIDTH, HEIGHT, rgb))
    if len(argv) == 3:
        with open(argv[2], 'wb') as f:
            f.write(b'P6\n%d %d\n255\n' % (WIDTH, HEIGHT) + rgb)


if __name__ == '__main__':
    main(sys.argv)
