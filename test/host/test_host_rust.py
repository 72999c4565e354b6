"""Apps in Rust under fomos-host: the same app files the kernel boots
(test/boot/test_rust.py has the kernel's side), with the same answers."""

import re

import png
from test_host import app, host
from test_rust import ALIVE, BAR, CELL, read_clock  # test/boot's reading of the screen


def test_rust_and_c_tour_every_context_version_and_call_each_other(tmp_path):
    r = host('--headless', '--seconds', '6', '--data', str(tmp_path), app('rtour'), app('ctour'),
             timeout=60)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for me, pid, peer, x in (('rtour', 1, 'ctour', 20), ('ctour', 2, 'rtour', 160)):
        text = f'hello from {me}'
        want = sum(text.encode())
        assert (f'{me}[{pid}]: v1 ok: context version 6, size 352, pid {pid}, surface 1280x800, '
                f'heap sum 12050, calls kept 1\n') in out
        assert (f'{me}[{pid}]: v2 ok: window true 120x60 at {x},30 on 1280x800, '
                f'system time: uptime, unknown: NOTFOUND\n') in out
        assert (f"{me}[{pid}]: v3 ok: replace {len(text)}, read '{text}', size {len(text)}, "
                f"list 'tour.txt', delete ok\n") in out
        assert (f"{me}[{pid}]: v4 ok: {peer} add 2+3 = 5, upper 'HELLO' (5), whoami is me "
                f"(me: {pid}), peek {want} (want {want})\n") in out
        assert f'{me}[{pid}]: tour done\n' in out
        assert f'{peer}[{3 - pid}]: {peer}: whoami from pid {pid}\n' in out
    assert sorted(p.name for p in tmp_path.rglob('*')) == ['ctour', 'rtour'], 'tour.txt deleted'


def test_the_rust_allocator_under_trace_logs_each_calloc_and_free():
    r = host('--headless', '--frames', '3', app('rtour') + ':trace')
    out = r.stdout
    blocks = re.findall(r'rtour\[1\]: trace: calloc\(1, (?:800|1000)\) = (0x[0-9a-f]+)\n', out)
    assert len(blocks) == 2, out
    for b in blocks:
        assert f'rtour[1]: trace: free({b})\n' in out


def test_a_rust_panic_is_logged_with_its_place_and_the_others_go_on():
    r = host('--headless', '--seconds', '2', app('rpanic'), app('counter'))
    out = r.stdout
    panic = re.search(r'rpanic\[1\]: panic: ([^\n]*)\n', out)
    assert panic and 'rpanic gives up, the answer is 42' in panic.group(1)
    assert re.search(r'src/rpanic\.rs:\d+:\d+', panic.group(1))
    end = re.search(r'exec: rpanic\[1\] stopped: invalid opcode at rpanic\.app\+0x[0-9a-f]+', out)
    assert end
    assert len(re.findall(r'counter\[2\]: counter \d+\n', out[end.end():])) >= 3


def test_a_rust_app_over_its_quota_logs_the_failed_allocation():
    r = host('--headless', '--seconds', '4', app('rgreedy') + ':quota=8M')
    out = r.stdout
    assert 'rgreedy[1]: rgreedy: try_reserve of 1 GiB failed, as it should; going on\n' in out
    assert ('rgreedy[1]: fomos: out of memory: an allocation of 1048576 bytes (align 1) failed\n'
            in out)
    assert re.search(r'rgreedy\[1\]: panic: [^\n]*memory allocation of 1048576 bytes failed', out)
    assert re.search(r'exec: rgreedy\[1\] stopped: invalid opcode', out)


def test_clock_and_life_draw_their_windows_and_a_click_flips_a_cell(tmp_path):
    shot = tmp_path / 'shot.png'
    # life's board is at 448,165 on the host's 1280x800 screen (it logs it).
    # A click on its title bar gives it the focus, Space pauses it, then a
    # click flips cell (2, 30), far from the starting patterns.
    cx, cy = 2, 30
    r = host('--headless', '--frames', '12', '--screenshot', str(shot),
             '--at', '2:click:460,170', '--at', '4:type: ',
             '--at', f'7:click:{448 + cx * CELL + 3},{165 + BAR + cy * CELL + 3}',
             app('clock'), app('life'))
    out = r.stdout
    assert 'life[2]: life: a 48x36 board at 448,165, click a cell to flip it\n' in out
    assert re.search(r'life\[2\]: life: paused at generation \d+, \d+ alive\n', out), out
    assert f'life[2]: life: cell {cx},{cy} on\n' in out
    img = png.decode(shot.read_bytes())
    assert img.pixel(448 + cx * CELL + 4, 165 + BAR + cy * CELL + 4) == ALIVE
    # The clock's window, bottom right, reads 00:00:00 or 00:00:0N.
    assert read_clock(img) is not None and read_clock(img) < 10
