"""The context is a trust boundary: apps written to misbehave.

Every app here hands the kernel something a hostile or careless app would:
pointers whose range wraps past 2^64, the kernel's own memory, its own home
where nothing is mapped (test/apps/hostile.c, one file per attack); a
stack pointer at the very bottom of its stack when the timer ticks
(stackedge); hundreds of short-lived apps (spawner); a header that claims
another app's name (liar).  Each is ended with a message, or refused, and
costs nothing else: the kernel never faults and a counter beside them
never misses a count.
"""

import re

import pytest

from console import READY, command
from test_files import listing, mtype

# hostile variant -> the reason it is stopped with
ATTACKS = {
    'hostile_log_wrap': r'log\(0xffffffffffffff00, 256\): not its memory',
    'hostile_log_kernel': r'log\(0x0000000004000000, 64\): not its memory',
    'hostile_log_unmapped': r'log\(0x[0-9a-f]{16}, 16\): not its memory',
    'hostile_sys_line': r'system\(0xffffffffffffff00, 256, 0x[0-9a-f]{16}, 256\): not its memory',
    'hostile_sys_out_wrap': r'system\(0x[0-9a-f]{16}, 2, 0xfffffffffffff000, 8192\): not its memory',
    'hostile_sys_out_kernel': r'system\(0x[0-9a-f]{16}, 2, 0x0000000004000000, 4096\): not its memory',
    'hostile_term_read': r'term_read\(0x0000000004000000, 64\): not its memory',
    'hostile_term_wrap': r'term_write\(0xffffffffffffff00, 512\): not its memory',
    'hostile_term_unmapped': r'term_write\(0x[0-9a-f]{16}, 1\): not its memory',
    'hostile_free': r'free\(0x0000000004001010\): not a pointer calloc returned',
}
E_BADARG = -22


def counts(m):
    return [int(c) for c in re.findall(r'counter\[1\]: counter (\d+)\r', m.serial_text)]


@pytest.fixture(scope='module')
def hostile(shared_machine_factory):
    """One boot of them all; the fixture waits for every app's end, the
    tests read what was said."""
    init = 'counter\n' + ''.join(f'{name}\n' for name in ATTACKS) + 'hostile_file\n' + \
        'stackedge budget=300\n'
    m = shared_machine_factory(files={'/fomos/init': init.encode()}, memory='512M')
    m.wait_for(READY)
    for name in ATTACKS:
        m.wait_for(rf'exec: {name}\[\d+\] stopped[^\r]*\r', 60)   # the whole line
    m.wait_for(r'hostile: still running', 60)
    m.wait_for(r'exec: stackedge\[\d+\] stopped[^\r]*\r', 60)
    return m


def test_every_bad_pointer_ends_its_app_with_a_message_naming_the_service(hostile):
    text = hostile.serial_text
    for name, why in ATTACKS.items():
        assert re.search(rf'exec: {name}\[\d+\] stopped: {why}; \d+ KiB returned, the others go on', text), \
            f'{name}: {re.findall(rf"exec: {name}.*", text)}'
    assert 'STILL HERE' not in text, 'each app was stopped inside the service it misused'
    assert 'kernel: halted' not in text and 'fault: ' not in text, 'the kernel never faulted'


def test_the_kernels_memory_is_never_printed_for_an_app(hostile):
    # The old log() printed whatever the pointer showed: the kernel's own
    # PE header ("MZ", "This program cannot be run in DOS mode").
    text = hostile.serial_text
    assert re.search(r'exec: hostile_log_kernel\[\d+\] stopped', text)
    assert not re.search(r'hostile_log_kernel\[\d+\]: MZ', text)
    assert 'DOS mode' not in text


def test_file_requests_with_bad_pointers_are_answered_badarg(hostile):
    # Reading the kernel's memory into a file would leak it: refused too.
    said = re.findall(r'hostile: (.*) -> (-?\d+)\r', hostile.serial_text)
    assert said == [(what, str(E_BADARG)) for what in (
        'file request in the kernel', 'file request wrapping', 'read into a wrapping buffer',
        'read into the kernel', 'write from the kernel', 'list into unmapped memory')], said
    assert re.search(r'exec: hostile_file\[\d+\] ended \(exit code -1\)', hostile.serial_text), \
        'it kept running and ended by itself'


def test_a_timer_tick_at_the_bottom_of_an_apps_stack_does_not_overflow_it(hostile):
    text = hostile.serial_text
    assert 'stackedge: spinning at the bottom of its stack' in text
    assert re.search(r'exec: stackedge\[\d+\] stopped: ran for more than 300 ms without returning '
                     r'\(its budget\)', text)
    assert 'kernel: halted' not in text


def test_the_counter_beside_them_never_misses_a_count(hostile):
    last = counts(hostile)[-1]
    hostile.wait_for(rf'counter\[1\]: counter {last + 5}\r', 30)
    got = counts(hostile)
    assert got == list(range(1, len(got) + 1)) and len(got) >= 6, 'no value skipped or repeated'
    assert 'MiB free' in command(hostile, 'mem')


def test_a_quota_that_would_reach_the_stack_is_refused(machine):
    m = machine(files={'/fomos/init': b'counter\nhello quota=2G\nhello quota=1984M\n'})
    m.wait_for(READY)
    m.wait_for(r"exec: /fomos/init line 2: bad quota '2G' \(4K to 1984M, what an app's home holds; "
               r"e\.g\. quota=16M\), skipped")
    m.wait_for(r'exec: started hello as pid \d+')
    out = command(m, 'run hello quota=3G')
    assert "run: bad quota '3G' (4K to 1984M" in out, out
    m.wait_for(r'counter\[1\]: counter 5\r', 30)


def test_ended_apps_are_freed_and_ps_shows_the_latest(machine):
    m = machine(files={'/fomos/init': b'counter\nspawner budget=5000 admin spawn=64\n'}, memory='512M')
    m.wait_for(READY)
    last = int(m.wait_for(r'spawner: started 300, the last as pid (\d+)\r', 120).group(1))
    m.wait_for(r'spawner: ps shows the latest ended: yes', 30)
    heap = m.wait_for(r'spawner: kernel heap before (\d+) KiB, after (\d+) KiB', 30)
    before, after = int(heap.group(1)), int(heap.group(2))
    # 300 records of a few KiB each would be over a MiB; none are kept.
    assert after - before < 64, f'the kernel heap grew from {before} to {after} KiB'
    ps = command(m, 'ps')
    assert re.search(rf'(?m)^\s*{last} quitter\s+ended\s', ps), ps
    assert len([line for line in ps.splitlines() if ' quitter ' in line]) <= 32, 'only the latest'
    assert re.search(r'(?m)^\s*1 counter\s+running', ps)


def test_an_apps_folder_is_its_files_name_and_one_app_holds_it(machine):
    secret = b'the console history nobody else may read\n'
    m = machine(files={'/fomos/init': b'counter\nliar\n',
                       '/fomos/data/console/history.txt': secret})
    m.wait_for(READY)
    # liar calls itself "console", but lives in /fomos/data/liar/.
    listed = m.wait_for(r"liar\[(\d+)\]: liar: list -> 0 '(.*)'\r", 60)
    assert 'history' not in listed.group(2), 'it sees none of the console\'s files'
    m.wait_for(r'liar\[\d+\]: liar: wrote liar\.txt -> 0\r', 60)
    # A second liar while the first runs: no folder for it.
    out = command(m, 'run liar')
    assert 'started liar' in out
    m.wait_for(r'liar\[\d+\]: liar: list -> -16\r', 60)
    # On the disk, once the machine is off: liar.txt in liar's folder, the
    # console's untouched.
    m.send('shutdown\r')
    m.wait_exit(60)
    assert listing(m.image, '/fomos/data/') >= {'/fomos/data/liar/liar.txt', '/fomos/data/console/history.txt'}
    assert listing(m.image, '/fomos/data/console/') == {'/fomos/data/console/history.txt'}
    assert mtype(m.image, '/fomos/data/console/history.txt') == secret
    assert mtype(m.image, '/fomos/data/liar/liar.txt') == b'lie'
