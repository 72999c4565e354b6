"""The display on virtio-gpu: the kernel's own scan-out with damage-only
transfers, the hardware cursor, mode changes from the `resolution` command
and from the host's window.

QEMU's trace of the device (-trace 'virtio_gpu_*', trace.log) shows every
command the driver sent: RESOURCE_FLUSH carries its rectangle (the driver
transfers exactly the rectangle it flushes), the cursor queue's updates
and moves their position.  The hardware cursor is not in screendumps
(design.md, GPU): the wallpaper shows where the arrow is.
"""

import os
import re
import subprocess
import time

from console import READY, command
from test_desktop import BG, button, cover, cursor_box, drawn, point, source, wait_picture

SCANOUT = r'display: virtio-gpu scan-out (\d+)x(\d+), (hardware|composed) cursor'
FLUSH = re.compile(r'virtio_gpu_cmd_res_flush res 0x([0-9a-f]+), w (\d+), h (\d+), x (\d+), y (\d+)')
CURSOR = re.compile(r'virtio_gpu_update_cursor scanout 0, x (\d+), y (\d+), (move|update), res 0x([0-9a-f]+)')
SCREENAPP = r'screenapp: screen (\d+)x(\d+) window at (\d+),(\d+)\r'
EVENT = r'screenapp: screen event (\d+)x(\d+), context (\d+)x(\d+), window at (-?\d+),(-?\d+)\r'
SA_W, SA_H, SA_COLOUR = 100, 80, (0xc0, 0x30, 0x90)


def boot(machine, init, **kwargs):
    m = machine(vga='virtio', trace='virtio_gpu_*',
                files={'/fomos/init': init.encode()}, **kwargs)
    m.wait_for(READY)
    return m


def trace(m, start=0):
    """The trace's lines from line `start` on (QEMU writes them as it goes)."""
    text = m.trace_log.read_text(errors='replace') if m.trace_log.exists() else ''
    return text.splitlines()[start:]


def wait_trace(m, start, regex, what, timeout=20):
    """The trace's lines from `start` on, once one matches regex."""
    deadline = time.monotonic() + timeout
    while True:
        lines = trace(m, start)
        if any(re.search(regex, line) for line in lines):
            return lines
        assert time.monotonic() < deadline, f'no {what} in the trace after {timeout} s'
        time.sleep(0.2)


def flushes(lines):
    return [tuple(int(g) for g in f.groups()[1:]) for f in map(FLUSH.search, lines) if f]


def test_the_desktop_is_scanned_out_from_the_gpu_with_damage_only_flushes_and_a_hardware_cursor(machine):
    m = boot(machine, 'background' + BG + 'cursor\nscreenapp\n')
    w, h = (int(g) for g in m.wait_seen(SCANOUT).groups()[:2])
    assert (w, h) == (1280, 800)
    assert re.search(r'virtio-gpu: virtio-gpu \S+, 1280x800 scan-out, hardware cursor, 2D, \d+ EDID modes',
                     m.serial_text)
    _, _, screen = drawn(m)
    sa = [int(g) for g in m.wait_seen(SCREENAPP).groups()]
    assert screen == (w, h) and sa[:2] == [w, h]
    box = (sa[2], sa[3], sa[2] + SA_W, sa[3] + SA_H)

    # The wallpaper everywhere but the screenapp's window, pixel for pixel,
    # where the pointer is too: the arrow is the GPU's, not composed.
    img = source()
    shot, bad = wait_picture(m, lambda x, y: cover(img, w, h, x, y), w, h, 0, skip=[box])
    assert not bad, f'{len(bad)} pixels differ from the scaled picture, e.g. {bad[:5]}'
    cx, cy = w // 2, h // 2
    x0, y0, x1, y1 = cursor_box(cx, cy)
    for x in range(x0, x1, 3):
        for y in range(y0, y1, 3):
            assert shot.pixel(x, y) == cover(img, w, h, x, y), f'the arrow was composed at {x},{y}'
    assert shot.pixel(box[0] + 50, box[1] + 40) == SA_COLOUR

    # The first frame is the whole screen; after it, a new 100x80 window
    # sends exactly its rectangle to the host, nothing more (the log line
    # it causes in the kernel's console is hidden under the wallpaper).
    assert (w, h, 0, 0) in flushes(trace(m))
    start = len(trace(m))
    command(m, 'run screenapp')
    lines = wait_trace(m, start, FLUSH.pattern, 'flush of the new window')
    time.sleep(1)	# anything else flushed meanwhile would show now
    rects = flushes(trace(m, start))
    assert rects, 'nothing was flushed'
    for rw, rh, rx, ry in rects:
        assert box[0] <= rx and rx + rw <= box[2] and box[1] <= ry and ry + rh <= box[3], \
            f'a flush of {rw}x{rh} at {rx},{ry} is outside the new window {box}'

    # The pointer: moving it is one cursor-queue command, no composition,
    # no transfer; a button redraws the arrow, which becomes a new image.
    start = len(trace(m))
    point(m, 1000, 650, w, h)
    lines = wait_trace(m, start, r'update_cursor scanout 0, x 1000, y 650, move', 'cursor move')
    time.sleep(0.5)
    assert not flushes(trace(m, start)), 'moving the pointer composed and flushed the screen'
    start = len(trace(m))
    button(m, 'left', True)
    lines = wait_trace(m, start, r'update_cursor scanout 0, x \d+, y \d+, update, res 0x3', 'new cursor image')
    button(m, 'left', False)
    assert not flushes(trace(m, start))

    # `gpu` says what the driver sent, counted on its side.
    stats = command(m, 'gpu')
    assert 'scan-out 1280x800, hardware cursor, 2D only' in stats, stats
    f = re.search(r'flushes (\d+) \((\d+) pixels\), cursor images (\d+), cursor moves (\d+)', stats)
    assert f and int(f[1]) >= 2 and int(f[2]) >= w * h and int(f[3]) >= 2 and int(f[4]) >= 1, stats
    assert re.search(r'3D streams 0 \(0 bytes\), read-backs 0, errors 0', stats), stats


def test_resolution_lists_the_modes_and_switches_and_apps_follow(machine):
    m = boot(machine, 'background' + BG + 'screenapp\n')
    drawn(m)
    sa = [int(g) for g in m.wait_seen(SCREENAPP).groups()]
    assert sa[:2] == [1280, 800] and sa[2] == 1280 - SA_W - 10

    listing = command(m, 'resolution')
    assert '1280x800 on virtio-gpu' in listing, listing
    modes = re.findall(r'\b(\d+)x(\d+)(\*?)', listing.split('modes (EDID):')[1])
    assert ('1024', '768', '') in modes and ('1280', '800', '*') in modes, listing

    # Bad sizes: a clear answer, nothing changes.
    assert "'12x' is not WIDTHxHEIGHT" in command(m, 'resolution 12x')
    assert 'sizes go from 320x200' in command(m, 'resolution 100x100')
    answer = command(m, 'resolution 1024x768')
    assert 'now 1024x768' in answer and 'display: 1024x768' in answer, answer

    # The app hears of it, sees the new size in its context, and its window,
    # which the smaller screen left off it, is back on the screen.
    ev = [int(g) for g in m.wait_for(EVENT).groups()]
    assert ev[:4] == [1024, 768, 1024, 768]
    x, y = ev[4], ev[5]
    assert 0 <= x and x + SA_W <= 1024 and 0 <= y and y + SA_H <= 768, (x, y)
    _, _, screen = drawn(m)
    assert screen == (1024, 768)
    img = source()
    box = (x, y, x + SA_W, y + SA_H)
    shot, bad = wait_picture(m, lambda px, py: cover(img, 1024, 768, px, py), 1024, 768, 0,
                             skip=[box])
    assert (shot.width, shot.height) == (1024, 768)
    assert not bad, f'{len(bad)} pixels differ from the picture scaled to 1024x768, e.g. {bad[:5]}'
    assert shot.pixel(x + 50, y + 40) == SA_COLOUR

    # And back up: the kernel keeps going, flushes go to the new resource.
    assert 'now 1280x800' in command(m, 'resolution 1280x800')
    _, _, screen = drawn(m)
    assert screen == (1280, 800) and m.screendump().width == 1280


def test_resolution_on_the_firmware_framebuffer_says_it_is_fixed(machine):
    m = machine(files={'/fomos/init': b''})
    m.wait_for(READY)
    assert 'virtio-gpu' not in m.serial_text
    assert "gpu: none: the display is the firmware's framebuffer" in command(m, 'gpu')
    assert "the firmware's framebuffer (GOP): fixed" in command(m, 'resolution')
    assert 'its size is fixed' in command(m, 'resolution 1024x768')
    assert m.screendump().width == 1280


def test_the_host_resizing_its_window_changes_the_mode(machine, tmp_path):
    """QEMU's D-Bus display, on a private session bus: SetUIInfo is what a
    resized window tells QEMU, which tells the guest (design.md)."""
    bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address=1'],
                           stdout=subprocess.PIPE, text=True)
    try:
        address = bus.stdout.readline().strip()
        env = {'DBUS_SESSION_BUS_ADDRESS': address}
        m = boot(machine, 'background' + BG + 'screenapp\n', qemu_display='dbus', env=env)
        drawn(m)
        m.wait_seen(SCREENAPP)
        deadline = time.monotonic() + 30
        while True:
            r = subprocess.run(['gdbus', 'call', '--session', '--dest', 'org.qemu',
                                '--object-path', '/org/qemu/Display1/Console_0',
                                '--method', 'org.qemu.Display1.Console.SetUIInfo',
                                '300', '200', '0', '0', '800', '600'],
                               env=dict(os.environ, **env),
                               capture_output=True, text=True)
            if r.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert r.returncode == 0, r.stderr
        m.wait_for(r"display: the host's display is now 800x600\r")
        m.wait_for(r'display: 800x600\r')
        ev = [int(g) for g in m.wait_for(EVENT).groups()]
        assert ev[:4] == [800, 600, 800, 600]
        _, _, screen = drawn(m)
        assert screen == (800, 600)
        assert (m.screendump().width, m.screendump().height) == (800, 600)
    finally:
        bus.kill()
        bus.wait()
