"""The desktop's wallpaper and pointer: the background and cursor apps, seen
in screenshots.

The background app scales its picture to cover the screen (aspect kept,
centred, bilinear, 8-bit weights in 16.16 fixed point); cover() below does
the same sums in Python on the same file, so the screen must match it
pixel for pixel.  The cursor app's window has its top-left corner at the
pointer: the arrow's tip.

Decoding is one call of the app, which under QEMU's emulation on a busy
host can outlast the default 100 ms budget: BG gives it the budget the
desktop's /fomos/init gives it too.
"""

import re
import sys
import time

import pytest

import png
from console import READY, command
from qemu import ROOT

sys.path.insert(0, str(ROOT / 'apps' / 'background'))
import make_wallpaper  # noqa: E402  (the picture's known shapes and colours)

WALLPAPER = ROOT / 'build' / 'apps' / 'background' / 'wallpaper.png'
DRAWN = r'background: (.+) (\d+)x(\d+) drawn on the (\d+)x(\d+) screen \(decoded in \d+ ms, scaled in \d+ ms\)\r'

# The arrow (apps/cursor/cursor.c), relative to its tip.
TIP = (0, 0)
OUTLINE = (0, 5)		# its left edge
FILL = (3, 8)			# inside it
OUTSIDE = (10, 3)		# right of the arrow, inside its window: transparent
BLACK, WHITE = (0, 0, 0), (255, 255, 255)
LEFT, RIGHT = (0x30, 0x80, 0xff), (0xff, 0x80, 0x20)
TABLET_MAX = 32767
BG = ' budget=2000\n'


def source():
    path = WALLPAPER
    if not path.exists():
        pytest.fail(f'{path} is missing: run ninja first', pytrace=False)
    return png.decode(path.read_bytes())


# --- the app's scaling, in Python ------------------------------------------------


def layout(sw, sh, w, h):
    """16.16 step and the source positions of screen pixel 0 (x, y)."""
    step = (sw << 16) // w if w * sh >= h * sw else (sh << 16) // h

    def start(src, dst):
        off = (src << 16) - dst * step
        off = -(-off // 2) if off < 0 else off // 2  # C: toward zero
        return step // 2 - 32768 + off
    return step, start(sw, w), start(sh, h)


def sample(pos, size):
    pos = max(0, min(pos, (size - 1) << 16))
    return pos >> 16, (pos >> 8) & 255


def lerp(p, q, f):
    return tuple((a * (256 - f) + b * f) >> 8 for a, b in zip(p, q))


def cover(img, w, h, x, y):
    """The colour the background app puts at screen pixel (x, y)."""
    step, xs, ys = layout(img.width, img.height, w, h)
    sx, fx = sample(xs + x * step, img.width)
    sy, fy = sample(ys + y * step, img.height)
    sx1, sy1 = min(sx + 1, img.width - 1), min(sy + 1, img.height - 1)
    top = lerp(img.pixel(sx, sy), img.pixel(sx1, sy), fx)
    bottom = lerp(img.pixel(sx, sy1), img.pixel(sx1, sy1), fx)
    return lerp(top, bottom, fy)


def on_screen(img, w, h, sx, sy):
    """The screen pixel that shows source pixel (sx, sy)."""
    step, xs, ys = layout(img.width, img.height, w, h)
    return round((sx * 65536 - xs) / step), round((sy * 65536 - ys) / step)


def close(a, b, tolerance):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


# --- booting and looking ------------------------------------------------------------


def boot(machine, init, **kwargs):
    m = machine(files={'/fomos/init': init.encode(), **kwargs.pop('files', {})}, **kwargs)
    m.wait_for(READY)
    return m


def drawn(m):
    """Waits for the background's one line; (what, picture size, screen size)."""
    d = m.wait_for(DRAWN, 60)
    return d.group(1), (int(d.group(2)), int(d.group(3))), (int(d.group(4)), int(d.group(5)))


def wait_screen(m, check, what=None, timeout=30):
    """Screenshots until check(image) is true; the last image.  At the
    timeout, fails saying what is missing, or (with no `what`) returns the
    last image for the caller's more detailed assertion."""
    deadline = time.monotonic() + timeout
    while True:
        img = m.screendump()
        if check(img):
            return img
        if time.monotonic() > deadline:
            if what is None:
                return img
            raise AssertionError(f'after {timeout} s the screen still does not show {what}')


def wait_picture(m, expect, w, h, tolerance, skip=()):
    """The screen once it shows expect(x, y) everywhere on the grid: the
    app logs that it drew before the compositor's next frame shows it."""
    shot = wait_screen(m, lambda img: not mismatches(img, expect, w, h, tolerance, skip),
                       timeout=10)
    return shot, mismatches(shot, expect, w, h, tolerance, skip)


def mismatches(img, expect, w, h, tolerance, skip=()):
    """Screen pixels on a grid that differ from expect(x, y)."""
    bad = []
    for y in range(1, h, 23):
        for x in range(2, w, 29):
            if any(x0 <= x < x1 and y0 <= y < y1 for x0, y0, x1, y1 in skip):
                continue
            want, got = expect(x, y), img.pixel(x, y)
            if not close(want, got, tolerance):
                bad.append(((x, y), got, want))
    return bad


def cursor_box(x, y):
    return (x, y, x + 16, y + 24)


def point(m, x, y, w, h):
    """Moves the tablet so the pointer lands on screen pixel (x, y)."""
    ax, ay = -(-x * TABLET_MAX // (w - 1)), -(-y * TABLET_MAX // (h - 1))
    assert ax * (w - 1) // TABLET_MAX == x and ay * (h - 1) // TABLET_MAX == y
    m.qmp('input-send-event', events=[
        {'type': 'abs', 'data': {'axis': 'x', 'value': ax}},
        {'type': 'abs', 'data': {'axis': 'y', 'value': ay}}])


def button(m, name, down):
    m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': down, 'button': name}}])


def arrow_at(x, y, fill=WHITE):
    def check(img):
        return (img.pixel(x + TIP[0], y + TIP[1]) == BLACK
                and img.pixel(x + OUTLINE[0], y + OUTLINE[1]) == BLACK
                and img.pixel(x + FILL[0], y + FILL[1]) == fill)
    return check


# --- the wallpaper ------------------------------------------------------------------


def test_the_wallpaper_fills_the_screen_with_the_built_in_picture(machine):
    m = boot(machine, 'background' + BG + 'cursor\n')
    what, size, (w, h) = drawn(m)
    img = source()
    assert what == 'built-in wallpaper' and size == (img.width, img.height)
    assert (w, h) == (1280, 800)
    # The pointer starts in the middle of the screen: leave its window out.
    shot, bad = wait_picture(m, lambda x, y: cover(img, w, h, x, y), w, h, 0,
                             skip=[cursor_box(w // 2, h // 2)])
    assert not bad, f'{len(bad)} pixels differ from the scaled picture, e.g. {bad[:5]}'
    # And the picture's shapes are where the picture puts them.
    wp = make_wallpaper
    for name, (sx, sy), colour in [('sun', wp.SUN_CENTRE, wp.SUN),
                                   ('mountain', (220, 200), wp.MOUNTAIN),
                                   ('ground', (100, 360), wp.GROUND),
                                   ('hill', wp.HILL_CENTRE, wp.HILL),
                                   ('sky', (320, 2), wp.SKY_TOP)]:
        x, y = on_screen(img, w, h, sx, sy)
        assert close(shot.pixel(x, y), colour, 3), f'the {name} at {x},{y}: {shot.pixel(x, y)}'


def test_the_wallpaper_keeps_its_aspect_on_a_4_3_screen_cropping_the_sides(machine):
    m = boot(machine, 'background' + BG, resolution='1024x768')
    _, _, (w, h) = drawn(m)
    assert (w, h) == (1024, 768)
    img = source()
    shot, bad = wait_picture(m, lambda x, y: cover(img, w, h, x, y), w, h, 0)
    assert not bad, f'{len(bad)} pixels differ from the scaled picture, e.g. {bad[:5]}'
    # 640x400 to cover 1024x768: scaled 1.92 times, 1229 wide, 102 columns
    # cut on each side; the sun stays round.
    sun_x, sun_y = on_screen(img, w, h, *make_wallpaper.SUN_CENTRE)
    r = round(make_wallpaper.SUN_RADIUS * 768 / 400) - 3
    for dx, dy in ((r, 0), (-r, 0), (0, r), (0, -r)):
        assert close(shot.pixel(sun_x + dx, sun_y + dy), make_wallpaper.SUN, 3)


def test_a_jpeg_wallpaper_decodes_to_the_same_picture(machine):
    """bgjpeg is the background app with the picture as a JPEG (cjpeg -quality 90)."""
    m = boot(machine, 'bgjpeg' + BG)
    what, size, (w, h) = drawn(m)
    assert what == 'built-in wallpaper' and size == (640, 400)
    img = source()
    wp = make_wallpaper
    # JPEG is lossy: compare inside the flat shapes and along the smooth sky.
    spots = [wp.SUN_CENTRE, (220, 200), (100, 360), wp.HILL_CENTRE, (600, 380)]
    spots += [(40, y) for y in range(10, 250, 30)]
    want = [(on_screen(img, w, h, sx, sy), cover(img, w, h, *on_screen(img, w, h, sx, sy))) for sx, sy in spots]
    # The picture is composed in slices: wait until every spot shows.
    shot = wait_screen(m, lambda s: all(close(s.pixel(*xy), c, 8) for xy, c in want))
    for (x, y), c in want:
        assert close(shot.pixel(x, y), c, 8), f'at {x},{y}: {shot.pixel(x, y)}, want {c}'


def test_a_picture_that_does_not_decode_gives_one_line_and_a_gradient(machine):
    """bgbroken is the background app with its PNG cut short."""
    m = boot(machine, 'bgbroken' + BG + 'counter\n')
    m.wait_for(r'bgbroken\[1\]: background: cannot decode the built-in wallpaper '
               r'\([^)]+\): drawing a gradient instead\r')
    what, size, (w, h) = drawn(m)
    assert what == 'gradient' and size == (2, 2)
    grad = png.Image(2, 2, 3, bytes([0x28, 0x3c, 0x64] * 2 + [0x78, 0x5a, 0x78] * 2))
    shot, bad = wait_picture(m, lambda x, y: cover(grad, w, h, x, y), w, h, 0)
    assert not bad, f'{len(bad)} pixels differ from the gradient, e.g. {bad[:5]}'
    assert shot.pixel(w // 2, 0) != shot.pixel(w // 2, h - 1)
    # It lives on, asleep, and so does everything else.
    m.wait_for(r'counter\[2\]: counter 5\b')
    assert re.search(r'\b1 +bgbroken +running', command(m, 'ps'))
    assert len(re.findall(r'bgbroken\[1\]: background: cannot decode', m.serial_text)) == 1


# --- wallpaper files (context v3): /fomos/data/background/ ---------------------------


def test_a_jpeg_file_in_the_apps_folder_replaces_the_built_in_picture(machine):
    jpeg = (ROOT / 'build' / 'apps' / 'background' / 'wallpaper.jpg').read_bytes()
    m = boot(machine, 'background' + BG, files={'/fomos/data/background/wallpaper.jpg': jpeg})
    what, size, (w, h) = drawn(m)
    assert what == 'wallpaper.jpg' and size == (640, 400)
    img = source()
    x, y = on_screen(img, w, h, *make_wallpaper.SUN_CENTRE)
    wait_screen(m, lambda s: close(s.pixel(x, y), make_wallpaper.SUN, 8), 'the sun')


def test_a_corrupt_wallpaper_file_gives_one_line_and_a_gradient(machine):
    m = boot(machine, 'background' + BG,
             files={'/fomos/data/background/wallpaper.png': b'\x89PNG\r\n\x1a\n' + b'\xff' * 500})
    what, _, _ = drawn(m)
    assert what == 'gradient'
    assert re.search(r'background: cannot decode the wallpaper.png \([^)]+\): '
                     r'drawing a gradient instead', m.serial_text)


# --- the pointer ---------------------------------------------------------------------


def test_the_cursor_follows_the_pointer_over_the_wallpaper(machine):
    m = boot(machine, 'background' + BG + 'cursor\n')
    _, _, (w, h) = drawn(m)
    img = source()

    def wallpaper_at(shot, x, y):
        return shot.pixel(x, y) == cover(img, w, h, x, y)

    x1, y1 = 300, 200
    point(m, x1, y1, w, h)
    shot = wait_screen(m, arrow_at(x1, y1), f'the arrow at {x1},{y1}')
    # Around the arrow its window is transparent: the wallpaper shows.
    assert wallpaper_at(shot, x1 + OUTSIDE[0], y1 + OUTSIDE[1])
    assert wallpaper_at(shot, x1 - 1, y1) and wallpaper_at(shot, x1, y1 - 1)

    x2, y2 = 900, 600
    point(m, x2, y2, w, h)
    shot = wait_screen(m, arrow_at(x2, y2), f'the arrow at {x2},{y2}')
    # Where it was, the wallpaper is back, every pixel of the old window.
    bad = [(x, y) for y in range(y1, y1 + 24) for x in range(x1, x1 + 16)
           if not wallpaper_at(shot, x, y)]
    assert not bad, f'the old cursor place still differs from the wallpaper at {bad[:5]}'
    # Near the bottom-right corner the arrow is cut by the screen's edge.
    point(m, w - 3, h - 3, w, h)
    wait_screen(m, lambda s: s.pixel(w - 3, h - 3) == BLACK and s.pixel(w - 3, h - 1) == BLACK,
                'the arrow in the corner')


def test_the_cursor_shows_which_button_is_held(machine):
    m = boot(machine, 'background' + BG + 'cursor\n')
    _, _, (w, h) = drawn(m)
    x, y = 500, 300
    point(m, x, y, w, h)
    wait_screen(m, arrow_at(x, y, WHITE), 'the white arrow')
    button(m, 'left', True)
    wait_screen(m, arrow_at(x, y, LEFT), 'the arrow filled blue while left is held')
    button(m, 'right', True)
    button(m, 'left', False)
    wait_screen(m, arrow_at(x, y, RIGHT), 'the arrow filled orange while right is held')
    button(m, 'right', False)
    wait_screen(m, arrow_at(x, y, WHITE), 'the white arrow again')
