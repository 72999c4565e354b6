"""Fixtures for the boot tests: `machine(...)` boots a copy of build/esp-pristine.img in QEMU."""

import re

import pytest

import qemu


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see, at teardown, whether the test itself failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f'report_{report.when}', report)


def need_esp():
    if not qemu.ESP.exists():
        pytest.fail(f'{qemu.ESP} is missing: run ninja first', pytrace=False)


def start(directory, kwargs):
    need_esp()
    m = qemu.Machine(directory, **kwargs)
    print(f'serial log: {m.serial_log}')
    return m.__enter__()


def stop(m, failed):
    m.__exit__(None, None, None)
    if failed:
        print(f'--- {m.serial_log}, last lines ---')
        print('\n'.join(m.serial_text.splitlines()[-40:]))
    # Every boot test also checks that QEMU saw the guest misuse no virtio
    # device (-d guest_errors).
    errors = m.guest_errors.read_text(errors='replace') if m.guest_errors.exists() else ''
    if m.trace and m.trace_log.exists():
        # With -trace file=..., QEMU writes its guest errors there too: they
        # are the lines "function: message" among the trace's events.
        errors += '\n'.join(line for line in m.trace_log.read_text(errors='replace').splitlines()
                            if re.match(r'\w+: ', line))
    virtio = [line for line in errors.splitlines() if 'virtio' in line.lower()]
    assert not virtio, 'QEMU reported virtio errors:\n' + '\n'.join(virtio[:20])


@pytest.fixture
def machine(request, tmp_path):
    """Boots a Machine: `machine(memory='4G', cfg='...')` takes the arguments
    of qemu.Machine but tmp_path.  Each gets its own directory; all are
    killed when the test ends, and a failed test prints their serial logs.
    """
    started = []

    def boot(**kwargs):
        started.append(start(tmp_path / f'm{len(started)}', kwargs))
        return started[-1]

    yield boot
    report = getattr(request.node, 'report_call', None)
    for m in reversed(started):
        stop(m, report is None or report.failed)


@pytest.fixture(scope='module')
def shared_machine(request, tmp_path_factory):
    """One default boot shared by the tests of a module that only look.

    Tests that use it must not change the machine's state (no shutdown,
    reboot or fault); each waits only for output that its own command causes.
    """
    m = start(tmp_path_factory.mktemp('shared'), getattr(request, 'param', {}))
    yield m
    stop(m, request.session.testsfailed > 0)


@pytest.fixture(scope='module')
def shared_machine_factory(request, tmp_path_factory):
    """Like `machine`, but one boot shared by the tests of a module."""
    started = []

    def boot(**kwargs):
        started.append(start(tmp_path_factory.mktemp('shared'), kwargs))
        return started[-1]

    yield boot
    for m in reversed(started):
        stop(m, request.session.testsfailed > 0)
