"""Apps' 3D through virgl under the kernel: QEMU's virtio-vga-gl in an
OpenGL window on an Xvfb of the test's own (Mesa's llvmpipe; design.md,
GPU), the cube app drawing, a hostile app beside it.

QMP's screendump cannot read a GL scan-out, so the tests look in two other
places: the cube's own read-back (gpu_show copies the GPU's pixels into
its window: `frames=N` logs two of them), and the X window QEMU draws into
(xwd).  fomos-host runs the same cube.app over virglrenderer in-process:
the same frame must come out the same.
"""

import re
import subprocess
import time

import pytest

from console import READY, command
from qemu import ROOT
from test_desktop import BG
from test_gpu import trace, wait_trace
import xvfb

HOST = ROOT / 'build' / 'fomos-host'
CUBE = ROOT / 'build' / 'apps' / 'cube.app'
FRAME = r'cube: frame (\d+) corner=([0-9a-f]{8}) centre=([0-9a-f]{8})'
GRID = r'cube: grid ((?:[0-9a-f]{8},){15}[0-9a-f]{8})'
CLEAR = 'ff202830'
CUBE_AT, CUBE_SIZE = (32, 32), 256	# apps/cube/cube.c's window


@pytest.fixture
def x():
    server = xvfb.Xvfb('1920x1200x24')
    yield server
    server.stop()


def boot(machine, x, **kwargs):
    m = machine(vga='virtio-gl', x_display=x.display, trace='virtio_gpu_*',
                files={'/fomos/init': ('background' + BG + 'cursor\n').encode()}, **kwargs)
    m.wait_for(READY, 120)
    assert re.search(r'virtio-gpu: .*, 3D \(virgl\)', m.serial_text), 'the GPU offers no virgl'
    return m


def channels(word):
    v = int(word, 16)
    return [(v >> s) & 0xff for s in (24, 16, 8, 0)]


def close(a, b, tolerance=6):
    return all(abs(p - q) <= tolerance for p, q in zip(channels(a), channels(b)))


def cube_window(img):
    """The cube's window in a capture of QEMU's window (the guest's screen,
    1:1 from its top-left corner)."""
    x0, y0 = CUBE_AT
    return [[img.pixel(x0 + x, y0 + y) for x in range(CUBE_SIZE)] for y in range(CUBE_SIZE)]


def test_the_cube_renders_through_virgl_and_reads_back_as_under_fomos_host(machine, x):
    m = boot(machine, x)
    start = len(trace(m))
    command(m, 'run cube -- t=fixed frames=30')
    frame = m.wait_for(FRAME, 120)
    kgrid = m.wait_for(GRID, 10)[1].split(',')
    n, corner, centre = int(frame[1]), frame[2], frame[3]
    # The frame read back into the window: the clear colour at its corner,
    # a lit face of the cube (neither the clear colour nor black) at its
    # centre.
    assert n == 30 and corner == CLEAR
    assert centre != CLEAR and channels(centre)[1:] != [0, 0, 0], centre
    m.wait_for(r'cube\[\d+\] GPU context (\d+) closed, 3 resources freed')

    # What the GPU was asked: one context of its own, its resources made
    # and attached to it, streams, fenced read-backs; and when it ended,
    # its resources freed on the host and the context destroyed (the
    # kernel's line comes when it queued that; QEMU's trace when it did it).
    lines = '\n'.join(wait_trace(m, start, r'virtio_gpu_cmd_ctx_destroy ctx', 'context destroyed'))
    ctx = re.search(r'virtio_gpu_cmd_ctx_create ctx 0x([0-9a-f]+), name cube', lines)
    assert ctx, 'no context was created'
    ctx = ctx[1]
    assert len(re.findall(rf'ctx_res_attach ctx 0x{ctx}, res', lines)) == 3
    assert len(re.findall(rf'cmd_ctx_submit ctx 0x{ctx}, size', lines)) >= 30
    assert len(re.findall(r'res_xfer_fromh_3d', lines)) >= 30
    assert len(re.findall(rf'ctx_res_detach ctx 0x{ctx}, res', lines)) == 3
    assert re.search(rf'virtio_gpu_cmd_ctx_destroy ctx 0x{ctx}', lines)

    # fomos-host, virglrenderer in its own process: the same frame.
    r = subprocess.run([str(HOST), '--headless', '--seconds', '60', '--args', 't=fixed frames=30',
                        str(CUBE)], capture_output=True, text=True, timeout=120)
    host, hgrid = re.search(FRAME, r.stdout), re.search(GRID, r.stdout)
    assert host and hgrid, r.stdout + r.stderr
    hgrid = hgrid[1].split(',')
    assert host[2] == corner and close(host[3], centre), \
        f'kernel frame 30: {corner} {centre}, fomos-host: {host[2]} {host[3]}'
    # And a 4x4 grid over the whole window: the same picture, within a
    # few levels (llvmpipe behind QEMU and in fomos-host).
    assert len(kgrid) == len(hgrid) == 16
    differ = [(i, k, h) for i, (k, h) in enumerate(zip(kgrid, hgrid)) if not close(k, h)]
    assert not differ, f'grid points that differ (index, kernel, fomos-host): {differ}'
    assert len(set(kgrid)) >= 3, f'the grid shows no cube: {kgrid}'


def lit(pixels):
    """Pixels of the cube itself in its window: not the clear colour (the
    frame-rate text's rows left out)."""
    clear = tuple(channels(CLEAR)[1:])
    return sum(1 for row in pixels[24:] for p in row if max(abs(a - b) for a, b in zip(p, clear)) > 24)


def wait_cube(x, window, timeout=60):
    """The cube's window once QEMU's window shows the cube in it."""
    deadline = time.monotonic() + timeout
    while True:
        pixels = cube_window(x.capture(window))
        if lit(pixels) >= 500:
            return pixels
        assert time.monotonic() < deadline, 'the cube is not in QEMU\'s window'
        time.sleep(0.5)


def test_the_cube_turns_on_screen_while_a_hostile_app_attacks_the_gpu(machine, x):
    m = boot(machine, x)
    command(m, 'run cube')
    m.wait_for(r'cube\[\d+\] opened GPU context', 60)
    window = x.window()

    def shot():
        return cube_window(x.capture(window))

    first = wait_cube(x, window)
    # QEMU's GL window shows the scan-out through a texture: its colours
    # come out a few levels off the guest's.
    corner = first[CUBE_SIZE - 2][CUBE_SIZE - 2]
    assert max(abs(a - b) for a, b in zip(corner, channels(CLEAR)[1:])) <= 10, corner

    # The hostile app: every 3D call handed garbage, other apps' ids, wild
    # pointers, sizes past every limit.  Each check of the kernel's answers
    # holds, and the kernel, QEMU and the cube go on.
    command(m, 'run gpuhostile')
    done = m.wait_for(r'gpuhostile: done, (\d+) wrong', 120)
    hostile = m.serial_text
    assert done[1] == '0', '\n'.join(l for l in hostile.splitlines() if 'WRONG' in l)
    assert len(re.findall(r'gpuhostile: ok ', hostile)) >= 30
    m.wait_for(r'gpuhostile\[\d+\] GPU context \d+ closed')
    assert 'kernel: halted' not in m.serial_text and m.proc.poll() is None

    # Still turning: two captures a moment apart differ inside the cube.
    before = shot()
    time.sleep(1)
    after = shot()
    assert lit(after) >= 500, 'the cube is gone after the hostile app'
    changed = sum(1 for a, b in zip(before[24:], after[24:]) for p, q in zip(a, b) if p != q)
    assert changed > 200, f'only {changed} pixels changed in a second: the cube stopped'
    assert 'cube' in command(m, 'ps')


def test_a_suspended_cube_makes_its_gpu_context_again_after_the_resume(machine, x):
    """A snapshot cannot hold what lives on the GPU: the resumed cube's old
    ids answer FOMOS_E_GONE, and it builds its context again and draws on."""
    from test_snapshot import suspend
    m = boot(machine, x)
    command(m, 'run cube')
    m.wait_for(r'cube\[(\d+)\] opened GPU context 1\r', 60)
    wait_cube(x, x.window())
    suspend(m)

    r = boot(machine, x, image=m.image)
    pid = r.wait_for(r'snapshot: resumed cube as pid (\d+)\r', 60)[1]
    r.wait_for(rf'exec: cube\[{pid}\] opened GPU context 1\r', 60)
    wait_cube(x, x.window())
    assert 'cube: gpu_show' not in r.serial_text
