"""Apps in Rust under the kernel (sdk/rust/fomos, apps/clock, apps/life,
test/apps/rust), next to their C twin.

One boot serves every test: rtour (Rust, under `trace`) and ctour (C) each
walk every context version and are each other's service peer; rpanic
panics at its third call; rgreedy runs into an 8 MiB quota; counter keeps
counting; clock and life are started from the command line (`run clock`,
`run life`), as a user starts them, and show their windows.  Each test
waits only for what its own apps do, so the order does not matter.
"""

import re
import time

import pytest

from console import boot_to_prompt, command
from qemu import ROOT
from test_desktop import button, point
from test_snapshot import suspend

INIT = """rtour trace
ctour
rpanic
counter
rgreedy quota=8M
"""

# apps/clock/src/main.rs
CLOCK_W, CLOCK_H, CLOCK_MARGIN = 212, 68, 24
DIGIT_X = (14, 44, 88, 118, 162, 192)
DIGIT_Y = 14
LIT = (0x7F, 0xE0, 0xA0)
# The centre of each of the seven segments (a..g), from a digit's corner.
SEGMENT_AT = ((11, 2), (19, 12), (19, 27), (11, 37), (2, 27), (2, 12), (11, 20))
SEGMENTS = {0x3F: 0, 0x06: 1, 0x5B: 2, 0x4F: 3, 0x66: 4, 0x6D: 5, 0x7D: 6, 0x07: 7, 0x7F: 8, 0x6F: 9}

# apps/life/src/main.rs
CELL, BAR, COLS, ROWS = 8, 16, 48, 36
ALIVE, DEAD = (0xF0, 0xD0, 0x60), (0x18, 0x1C, 0x24)
BAR_PAUSED = (0xC0, 0x8A, 0x30)


def logged(m, app, text, timeout=60):
    """APP[pid]: TEXT... anywhere on serial; returns the match."""
    return m.wait_seen(rf'{app}\[(\d+)\]: {text}\r', timeout)


@pytest.fixture(scope='module')
def m(shared_machine_factory):
    return shared_machine_factory(files={'/fomos/init': INIT.encode()})


def run(m, name):
    """`run NAME` on the kernel's command line, once per boot."""
    ran = m.__dict__.setdefault('ran', set())
    if name not in ran:
        answer = command(m, f'run {name}', 60)
        assert re.search(rf'started {name} as pid \d+', answer), answer
        ran.add(name)


def tour(m, app):
    lines = {}
    for step in ('v1 ok', 'v2 ok', 'v3 ok', 'v4 ok'):
        lines[step] = logged(m, app, re.escape(step) + r': ([^\r]*)', 120).group(2)
    return lines


@pytest.mark.parametrize('app, peer', [('rtour', 'ctour'), ('ctour', 'rtour')])
def test_a_rust_and_a_c_app_walk_every_context_version_and_call_each_other(m, app, peer):
    lines = tour(m, app)
    pid = int(logged(m, app, 'tour done').group(1))
    v1 = lines['v1 ok']
    assert re.match(r'context version 6, size 352, pid %d, surface \d+x\d+, heap sum 12050, '
                    r'calls kept 1$' % pid, v1), v1
    x = 20 if app == 'rtour' else 160
    assert re.match(r'window true 120x60 at %d,30 on \d+x\d+, system time: uptime, '
                    r'unknown: NOTFOUND$' % x, lines['v2 ok']), lines['v2 ok']
    text = f'hello from {app}'
    assert lines['v3 ok'] == (f"replace {len(text)}, read '{text}', size {len(text)}, "
                              f"list 'tour.txt', delete ok")
    want = sum(text.encode())
    assert lines['v4 ok'] == (f"{peer} add 2+3 = 5, upper 'HELLO' (5), whoami is me (me: {pid}), "
                              f"peek {want} (want {want})")
    # The peer's whoami ran as the provider and saw this app as its caller.
    logged(m, peer, f'{peer}: whoami from pid {pid}')


def test_the_rust_allocator_is_the_contexts_calloc_and_free_as_trace_shows(m):
    logged(m, 'rtour', r'v1 ok: [^\r]*')
    text = m.serial_text
    # v1 builds a Vec of 100 u64 and a Box of 1000 bytes, then drops both.
    vec = re.search(r'rtour\[\d+\]: trace: calloc\(1, 800\) = (0x[0-9a-f]+)', text)
    box = re.search(r'rtour\[\d+\]: trace: calloc\(1, 1000\) = (0x[0-9a-f]+)', text)
    assert vec and box, text[-3000:]
    for block in (vec.group(1), box.group(1)):  # freed just after the line
        m.wait_seen(rf'rtour\[\d+\]: trace: free\({block}\)', 30)
    # ctour, not traced, logs nothing of the kind.
    assert not re.search(r'ctour\[\d+\]: trace:', text)


def test_a_rust_panic_logs_its_message_and_place_and_only_that_app_ends(m):
    panic = logged(m, 'rpanic', r'panic: ([^\r]*)').group(2)
    assert 'rpanic gives up, the answer is 42' in panic
    assert re.search(r'src/rpanic\.rs:\d+:\d+', panic), panic
    end = m.wait_seen(r'exec: rpanic\[\d+\] stopped: invalid opcode at rpanic\.app\+0x[0-9a-f]+', 30)
    # The others go on: counter counts three more times after it.
    assert m.mark() >= end.end()
    for _ in range(3):
        m.wait_for(r'counter\[\d+\]: counter \d+\r', 30)


def test_a_rust_app_over_its_quota_logs_the_failed_allocation(m):
    logged(m, 'rgreedy', 'rgreedy: try_reserve of 1 GiB failed, as it should; going on')
    # try_reserve's failure is logged too, and is not fatal.
    logged(m, 'rgreedy', re.escape('fomos: out of memory: an allocation of 1073741824 bytes (align 1) failed'))
    logged(m, 'rgreedy', re.escape('fomos: out of memory: an allocation of 1048576 bytes (align 1) failed'))
    # (where the message stands in the line depends on the Rust version)
    logged(m, 'rgreedy', r'panic: [^\r]*memory allocation of 1048576 bytes failed[^\r]*')
    m.wait_seen(r'exec: rgreedy\[\d+\] stopped: invalid opcode', 30)
    held = [int(n) for n in re.findall(r'rgreedy\[\d+\]: rgreedy: holding (\d+) MiB', m.serial_text)]
    assert held and max(held) < 8, held


def read_clock(img):
    """The time on the clock's window, decoded from its seven segments."""
    x0, y0 = img.width - CLOCK_W - CLOCK_MARGIN, img.height - CLOCK_H - CLOCK_MARGIN
    digits = []
    for dx in DIGIT_X:
        bits = 0
        for i, (sx, sy) in enumerate(SEGMENT_AT):
            if img.pixel(x0 + dx + sx, y0 + DIGIT_Y + sy) == LIT:
                bits |= 1 << i
        if bits not in SEGMENTS:
            return None
        digits.append(SEGMENTS[bits])
    h, mi, s = digits[0] * 10 + digits[1], digits[2] * 10 + digits[3], digits[4] * 10 + digits[5]
    return h * 3600 + mi * 60 + s if mi < 60 and s < 60 else None


def test_the_rust_clock_shows_the_time_since_boot_and_keeps_it(m):
    run(m, 'clock')
    logged(m, 'clock', r'clock: \d\d:\d\d:\d\d')
    # Nothing says when the compositor has put the window on the screen:
    # look until the digits read as a time.
    deadline = time.monotonic() + 20
    first = read_clock(m.screendump())
    while first is None and time.monotonic() < deadline:
        time.sleep(0.2)  # between looks
        first = read_clock(m.screendump())
    assert first is not None
    later = first
    while later is not None and later < first + 2 and time.monotonic() < deadline:
        time.sleep(0.5)  # between looks: the clock changes once a second
        later = read_clock(m.screendump())
    assert later is not None and first + 2 <= later <= first + 25, (first, later)


def cell_at(img, x0, y0, cx, cy):
    return img.pixel(x0 + cx * CELL + 4, y0 + BAR + cy * CELL + 4)


def wait_cell(m, x0, y0, cx, cy, colour, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        got = cell_at(m.screendump(), x0, y0, cx, cy)
        if got == colour or time.monotonic() > deadline:
            return got
        time.sleep(0.2)  # between looks


def test_clicking_a_cell_of_the_rust_life_flips_it(m):
    run(m, 'life')
    where = logged(m, 'life', r'life: a 48x36 board at (\d+),(\d+), [^\r]*')
    x0, y0 = int(where.group(2)), int(where.group(3))
    img = m.screendump()
    w, h = img.width, img.height
    # A right click on the board pauses it, so that cells stay as they are.
    point(m, x0 + 10, y0 + BAR + 10, w, h)
    button(m, 'right', True)
    button(m, 'right', False)
    logged(m, 'life', r'life: paused at generation \d+, \d+ alive')
    img = m.screendump()
    dead = [(cx, cy) for cy in range(ROWS) for cx in range(COLS)
            if cell_at(img, x0, y0, cx, cy) == DEAD]
    assert dead
    cx, cy = dead[len(dead) // 2]
    for state, colour in (('on', ALIVE), ('off', DEAD)):
        point(m, x0 + cx * CELL + 3, y0 + BAR + cy * CELL + 3, w, h)
        button(m, 'left', True)
        button(m, 'left', False)
        logged(m, 'life', rf'life: cell {cx},{cy} {state}', 30)
        assert wait_cell(m, x0, y0, cx, cy, colour) == colour
    # A right click outside the board is not for it: still paused.
    m.mark()
    point(m, 5, h - 5, w, h)
    button(m, 'right', True)
    button(m, 'right', False)
    point(m, x0 + 10, y0 + BAR + 10, w, h)
    button(m, 'right', True)
    button(m, 'right', False)
    again = m.wait_for(r'life\[\d+\]: life: (running|paused)[^\r]*', 30)
    assert again.group(1) == 'running', again.group(0)


def test_the_esp_holds_the_app_files_cargo_built(m):
    for name in ('clock', 'life', 'rtour', 'rpanic', 'rgreedy', 'ctour'):
        built = (ROOT / 'build' / 'apps' / f'{name}.app').read_bytes()
        assert built[:8] == b'FOMOSAPP'
        on_esp = (ROOT / 'build' / 'esp' / 'fomos' / 'apps' / f'{name}.app').read_bytes()
        assert on_esp == built


def click(m, x, y, w, h, which='left'):
    point(m, x, y, w, h)
    button(m, which, True)
    button(m, which, False)


def test_a_rust_app_is_suspended_and_resumes_with_its_state(machine):
    """life's state is a Rust value (two Vecs of cells, counters) behind
    the store: after suspend and the next boot it is all there."""
    m = machine(files={'/fomos/init': b'life\n'})
    boot_to_prompt(m)
    where = m.wait_seen(r'life\[1\]: life: a 48x36 board at (\d+),(\d+), [^\r]*', 60)
    x0, y0 = int(where.group(1)), int(where.group(2))
    img = m.screendump()
    w, h = img.width, img.height
    click(m, x0 + 10, y0 + BAR + 10, w, h, 'right')
    generation = m.wait_for(r'life\[1\]: life: paused at generation (\d+), \d+ alive\r', 30).group(1)
    img = m.screendump()
    dead = [(cx, cy) for cy in range(ROWS) for cx in range(COLS)
            if cell_at(img, x0, y0, cx, cy) == DEAD]
    cx, cy = dead[len(dead) // 3]
    click(m, x0 + cx * CELL + 3, y0 + BAR + cy * CELL + 3, w, h)
    m.wait_for(rf'life\[1\]: life: cell {cx},{cy} on\r', 30)
    assert wait_cell(m, x0, y0, cx, cy, ALIVE) == ALIVE
    suspend(m)

    r = machine(image=m.image)
    r.wait_for(r'snapshot: resumed life as pid 1\r', 120)
    # The board as it was: the flipped cell alive, still paused...
    assert wait_cell(r, x0, y0, cx, cy, ALIVE) == ALIVE
    assert r.screendump().pixel(x0 + 5, y0 + 5) == BAR_PAUSED
    # ...and it goes on from the generation it had.
    click(r, x0 + 10, y0 + BAR + 10, w, h, 'right')
    r.wait_for(rf'life\[1\]: life: running from generation {generation}\r', 30)
    # The kernel numbered the new boot's events on from the saved count:
    # its cursor was never ahead of it.
    assert 'numbered from 0 again' not in r.serial_text
