"""Boot to a running kernel: what a person sees on the serial line and screen.

Each boot costs about 5 s of TCG time.  Tests that only look share one
default boot (shared_machine); the others boot their own machine.
"""

import re
import subprocess

import pytest

import conftest

from qemu import ROOT

from console import (DEFAULT_MODE, FB, MEM, READY, TSC, assert_on_screen,
                     boot_to_prompt, command, logged, mib, screen_text)


# These tests look at the kernel's own console, the bottom layer of the
# screen: they boot without the desktop (whose wallpaper covers it) and
# talk to the kernel's serial command line, not to the console app.
NO_DESKTOP = {'/fomos/init': b'hello\n'}


@pytest.fixture(scope='module')
def booted(tmp_path_factory):
    """One boot shared by the tests that only look (256M, q35), at its
    first prompt."""
    m = conftest.start(tmp_path_factory.mktemp('shared'), {'files': NO_DESKTOP})
    boot_to_prompt(m)
    yield m
    conftest.stop(m, False)


# --- the boot log ------------------------------------------------------------------


def test_boot_reports_ready_with_its_boot_time(booted):
    ms = float(logged(booted, READY).group(1))
    assert 0 < ms < 2000


def test_boot_log_reports_usable_memory(booted):
    usable = int(logged(booted, MEM).group(1))
    assert mib('256M') * 0.5 <= usable <= mib('256M')


def test_boot_log_reports_the_framebuffer_shown_on_screen(booted):
    fb = logged(booted, FB)
    img = booted.screendump()
    assert (int(fb.group(1)), int(fb.group(2))) == (img.width, img.height) == DEFAULT_MODE
    assert fb.group(3) in ('BGRX', 'RGBX', 'BITMASK')


def test_boot_log_reports_tsc_frequency(booted):
    assert 100 <= int(logged(booted, TSC).group(1)) <= 20000


def test_boot_log_appears_on_screen(booted):
    lines = screen_text(booted, 'kernel: ready in')
    assert_on_screen(lines, logged(booted, READY).group(0))
    assert_on_screen(lines, logged(booted, MEM).group(0))


# --- the serial console --------------------------------------------------------------


def test_help_lists_the_commands(booted):
    out = command(booted, 'help')
    for name in ('help', 'mem', 'time', 'shutdown', 'reboot'):
        assert re.search(rf'(?m)^\s*{name}\b', out), f'{name} missing from help:\n{out}'


def test_mem_command_shows_free_memory(booted):
    out = command(booted, 'mem')
    free = re.search(r'(\d+) MiB free', out)
    assert free, f'no "MiB free" in:\n{out}'
    assert 0 < int(free.group(1)) <= int(logged(booted, MEM).group(1))


def test_time_command_shows_uptime_that_advances(booted):
    first = re.search(r'uptime (\d+\.\d{3}) s', command(booted, 'time'))
    second = re.search(r'uptime (\d+\.\d{3}) s', command(booted, 'time'))
    assert first and second
    assert 0 < float(first.group(1)) < float(second.group(1)) < 600


def test_unknown_command_is_named(booted):
    assert "unknown command 'frobnicate'" in command(booted, 'frobnicate')


def test_shutdown_powers_off(machine):
    m = machine()
    boot_to_prompt(m)
    m.send('shutdown\r')
    assert m.wait_exit(timeout=30) == 0


def test_reboot_boots_the_kernel_again(machine):
    m = machine()
    boot_to_prompt(m)
    m.send('reboot\r')
    # serial_text holds whole lines only: wait for the end of the line too.
    m.wait_for(READY + r'\r', timeout=90)
    assert len(re.findall(READY, m.serial_text)) == 2


# --- boot.cfg ------------------------------------------------------------------------


def test_garbled_boot_cfg_is_reported_and_boot_goes_on(machine):
    cfg = b'this line means nothing\nresolution=wide\n=\x01\xff\xfe\n'
    m = machine(cfg=cfg)
    m.wait_for(READY)
    for n in (1, 2, 3):
        logged(m, rf'boot\.cfg line {n}: ')
    logged(m, rf'fb: {DEFAULT_MODE[0]}x{DEFAULT_MODE[1]} ')


@pytest.mark.parametrize('width,height', [(1024, 768), (1920, 1080)])
def test_resolution_from_boot_cfg_sets_the_screen_mode(machine, width, height):
    m = machine(resolution=f'{width}x{height}', files=NO_DESKTOP)
    boot_to_prompt(m)
    fb = logged(m, FB)
    assert (int(fb.group(1)), int(fb.group(2))) == (width, height)
    img = m.screendump()
    assert (img.width, img.height) == (width, height)
    lines = screen_text(m, 'kernel: ready in')
    assert_on_screen(lines, logged(m, READY).group(0))


def test_impossible_resolution_is_reported_and_default_used(machine):
    m = machine(resolution='1234x567')
    m.wait_for(READY)
    complaint = logged(m, r'.*resolution 1234x567.*')
    assert 'not available' in complaint.group(0)
    fb = logged(m, FB)
    assert (int(fb.group(1)), int(fb.group(2))) == DEFAULT_MODE


# --- machines -----------------------------------------------------------------------


@pytest.mark.parametrize('memory,kind', [('128M', 'q35'), ('4G', 'q35'),
                                         ('128M', 'pc'), ('4G', 'pc')])
def test_clean_boot_to_ready(machine, memory, kind):
    m = machine(memory=memory, machine=kind)
    boot_to_prompt(m)
    usable = int(logged(m, MEM).group(1))
    assert mib(memory) * 0.5 <= usable <= mib(memory)
    assert not re.search(r'fault:|panic|kernel: halted', m.serial_text)


def test_without_a_display_the_kernel_says_fb_none(machine):
    m = machine(vga=False)
    boot_to_prompt(m)
    logged(m, r'fb: none')


# --- faults --------------------------------------------------------------------------


@pytest.mark.parametrize('kind,name,fields', [
    ('page', 'page fault', ['error code', 'rip=', 'cr2=', 'rsp=', 'backtrace:']),
    ('ud', 'invalid opcode', ['rip=', 'rsp=', 'backtrace:']),
])
def test_fault_is_dumped_on_serial_and_screen(machine, kind, name, fields):
    m = machine(cfg=f'fault={kind}\n')
    m.wait_for(READY)
    m.wait_for(f'fault: {name}', timeout=30)
    dump = m.wait_for(r'kernel: halted', timeout=30)
    text = dump.string[:dump.end()]
    text = text[text.rfind(f'fault: {name}'):]
    for field in fields:
        assert field in text, f'{field!r} missing from the fault dump:\n{text}'
    assert_on_screen(screen_text(m, name), name)


def symbolize(addresses):
    """Function names (inlined ones too) for link addresses in fomos.efi."""
    out = subprocess.run(['llvm-symbolizer', '--obj=' + str(ROOT / 'build' / 'fomos.efi')]
                         + [hex(a) for a in addresses],
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line and not line.startswith('/')]


@pytest.mark.parametrize('kind,frames', [
    ('page', ['main_fault_on_purpose', 'main_on_own_stack']),
    ('stack', ['main_recurse', 'main_recurse']),
])
def test_fault_backtrace_names_the_callers(machine, kind, frames):
    """The backtrace is walked from the image's unwind tables: symbolized, it
    names the function that faulted and the ones that called it."""
    m = machine(cfg=f'fault={kind}\n')
    m.wait_for(READY)
    dump = m.wait_for(r'kernel: halted', timeout=30)
    trace = dump.string[dump.string.rfind('backtrace:'):dump.end()]
    links = [int(a, 16) for a in re.findall(r'link address (0x[0-9a-f]+)', trace)]
    names = symbolize(links)
    assert len(links) >= 2, trace
    for want in frames:
        assert want in names, f'{want} not in the backtrace {names}:\n{trace}'
    if kind == 'stack':
        assert 'the line above' in trace, 'deep recursion is not summarised'
