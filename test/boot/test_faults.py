"""One app can't take the system down.

A set of deliberately broken apps (test/apps/broken/) runs next to a healthy
counter: every broken app is stopped with a message that tells its author
what went wrong, the counter never stops counting, ps shows each reason, and
an app started with `restart` comes back.
"""

import re

import pytest

from broken import BROKEN
from console import READY, command



@pytest.fixture(scope='module')
def broken(shared_machine_factory):
    init = 'counter\n' + ''.join(f'{name}\n' for name in BROKEN)
    m = shared_machine_factory(files={'/fomos/init': init.encode()}, memory='512M')
    m.wait_for(READY)
    for name, why in BROKEN.items():
        m.wait_for(rf'exec: {name}\[\d+\] stopped: {why}; \d+ KiB returned, the others go on', 60)
    return m


def test_every_broken_app_is_stopped_with_a_message_naming_it_and_the_fault(broken):
    # (the fixture waited for each message; here: nothing else went wrong)
    assert 'kernel: halted' not in broken.serial_text
    assert 'fault: ' not in broken.serial_text, 'no kernel fault dump'
    # A bad free ends the call there and then, as a fault does.
    assert 'badfree: still here after the bad free' not in broken.serial_text


def test_the_healthy_app_never_stops_counting(broken):
    last = int(broken.wait_for(r'counter\[1\]: counter (\d+)\r', 30).group(1))
    more = [int(broken.wait_for(r'counter\[1\]: counter (\d+)\r', 30).group(1)) for _ in range(5)]
    assert more == list(range(last + 1, last + 6))
    counts = [int(c) for c in re.findall(r'counter\[1\]: counter (\d+)', broken.serial_text)]
    assert counts == list(range(1, len(counts) + 1)), 'no value skipped or repeated, ever'


def test_ps_shows_why_each_app_ended(broken):
    ps = command(broken, 'ps')
    assert re.search(r'\b1 +counter +running', ps), ps
    for name, why in BROKEN.items():
        assert re.search(rf'\d+ +{name} +ended .*{why}', ps), f'{name}:\n{ps}'


def test_a_runaway_app_does_not_slow_the_others_down(machine):
    m = machine(files={'/fomos/init': b'sleeper\nspin budget=50 restart\n'}, memory='512M')
    m.wait_for(READY)
    # spin comes back again and again (restart), and is stopped each time
    # after 50 ms; sleeper, asking to be called every 10 ms, still is.
    m.wait_for(r'exec: spin\[\d+\] stopped: ran for more than 50 ms', 30)
    m.wait_for(r'exec: spin restarts as pid \d+ in 500 ms \(restart 1\)', 30)
    rates = []
    for _ in range(3):
        r = m.wait_for(r'sleeper: (\d+) calls in (\d+) ms\r', 60)
        rates.append(int(r.group(1)) * 1000 / int(r.group(2)))
    assert max(rates[1:]) >= 60, f'sleeper got {rates} calls/s next to a runaway app'


def test_an_app_with_restart_comes_back_after_a_fault_with_a_growing_delay(machine):
    m = machine(files={'/fomos/init': b'counter\nflaky restart\n'})
    m.wait_for(READY)
    delays = []
    for i in (1, 2, 3):
        m.wait_for(r'exec: flaky\[\d+\] stopped: page fault writing 0x0', 30)
        r = m.wait_for(rf'exec: flaky restarts as pid (\d+) in (\d+) ms \(restart {i}\)', 30)
        delays.append(int(r.group(2)))
        m.wait_for(rf'flaky\[{r.group(1)}\]: flaky: working', 30)
    assert delays == [500, 1000, 2000]
    counts = [int(c) for c in re.findall(r'counter\[1\]: counter (\d+)', m.serial_text)]
    assert counts == list(range(1, len(counts) + 1)) and len(counts) > 10


def test_the_console_still_answers_after_every_kind_of_crash(broken):
    out = command(broken, 'mem')
    assert 'MiB free' in out


def test_an_nmi_is_the_hardwares_not_the_running_apps(machine):
    """An NMI that arrives while an app runs is not that app's fault: it is
    logged (from the main loop), and the app runs on until its own end."""
    m = machine(files={'/fomos/init': b'counter\nspin budget=3000\n'})
    m.wait_for(READY)
    m.wait_for(r'spin: spinning forever', 30)
    m.qmp('inject-nmi')  # spin is the one running: it logged, and spins for 3 s
    m.wait_for(r'exec: spin\[\d+\] stopped: ran for more than 3000 ms without returning \(its budget\)', 30)
    m.wait_for(r'kernel: 1 NMI from the hardware \(the last at 0x[0-9a-f]+\), ignored: the apps go on', 30)
    last = int(re.findall(r'counter\[1\]: counter (\d+)\r', m.serial_text)[-1])
    m.qmp('inject-nmi')  # and with the kernel idle
    m.wait_for(r'kernel: 1 NMI from the hardware', 30)
    m.wait_for(rf'counter\[1\]: counter {last + 3}\r', 30)
    assert 'kernel: halted' not in m.serial_text and 'fault: ' not in m.serial_text


def test_a_machine_check_stops_the_machine_and_is_not_blamed_on_the_app(machine):
    """An uncorrectable hardware error is fatal, whoever runs: the fault dump
    says what it was, and no app is said to have caused it."""
    m = machine(files={'/fomos/init': b'spin budget=5000\n'})
    m.wait_for(READY)
    m.wait_for(r'spin: spinning forever', 30)
    # MCi_STATUS: valid, uncorrected, enabled (QEMU's HMP `mce`).
    m.qmp('human-monitor-command', **{'command-line': 'mce 0 1 0xb200000000000000 0 0 0'})
    m.wait_for(r'fault: machine check \(vector 18\), the hardware reported an error it cannot correct', 30)
    m.wait_for(r'kernel: halted', 30)
    assert not re.search(r'exec: spin\[\d+\] stopped', m.serial_text)
