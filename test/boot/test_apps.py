"""Apps are functions: what a person sees when apps run on the kernel.

Each test boots with its own /fomos/init (the apps to start) and watches
what the apps log on serial, what the kernel says about them, and what they
draw on the screen.
"""

import re
import struct
import subprocess

import pytest

from console import PROMPT, READY, command
from qemu import ROOT

APPS = ROOT / 'build' / 'apps'


def app(name):
    path = APPS / f'{name}.app'
    if not path.exists():
        pytest.fail(f'{path} is missing: run ninja first', pytrace=False)
    return path.read_bytes()


def boot_with(machine, init, files=None, **kwargs):
    """Boots with /fomos/init set to `init` (and extra ESP files)."""
    all_files = {'/fomos/init': init.encode()}
    all_files.update(files or {})
    m = machine(files=all_files, **kwargs)
    m.wait_for(READY)
    return m


def values(m, regex, count, timeout=60):
    """The first group of the next `count` matches of regex, as ints."""
    return [int(m.wait_for(regex, timeout).group(1)) for _ in range(count)]


# --- the executor ------------------------------------------------------------------


def test_apps_interleave_and_each_keeps_its_state_in_its_store(machine):
    m = boot_with(machine, 'counter\nhello\n')
    counts = values(m, r'counter\[1\]: counter (\d+)\r', 8)
    assert counts == list(range(1, 9)), 'the store must carry the count from call to call'
    calls = [int(c) for c in re.findall(r'hello\[2\]: call (\d+)', m.serial_text)]
    assert calls[:3] == [1, 2, 3]
    # Both ran during the same stretch of time: hello's lines sit between counter's.
    text = m.serial_text
    first_c8 = text.index('counter[1]: counter 8')
    assert text.index('hello[2]: call 2') < first_c8
    assert text.index('counter[1]: counter 2') < text.index('hello[2]: call 3')


def test_an_app_that_sleeps_n_ms_is_called_about_1000_over_n_times_a_second(machine):
    """sleeper returns 10 (ms) and counts its calls per second of ctx->time_ns."""
    m = boot_with(machine, 'sleeper\n')
    reports = [m.wait_for(r'sleeper: (\d+) calls in (\d+) ms\r', 60) for _ in range(3)]
    for r in reports[1:]:  # the first second includes the boot's last steps
        rate = int(r.group(1)) * 1000 / int(r.group(2))
        assert 70 <= rate <= 105, f'{rate:.0f} calls/s for a 10 ms sleep'
    assert 'time went backwards' not in m.serial_text, 'time_ns must be fresh at each call'


def test_an_app_that_returns_negative_ends_and_its_memory_returns(machine):
    m = boot_with(machine, '# nothing at boot\n')
    m.wait_for(PROMPT, timeout=10)
    before = command(m, 'mem')
    m.send('run exiter\r')
    end = m.wait_for(r'exec: exiter\[(\d+)\] ended \(exit code -3\), (\d+) KiB returned', 60)
    assert int(end.group(2)) >= 4096, 'its 4 MiB calloc must come back too'
    assert re.findall(r'exiter: call (\d+)', m.serial_text) == ['1', '2', '3', '4', '5']
    after = command(m, 'mem')
    free = [int(re.search(r'(\d+) MiB free', t).group(1)) for t in (before, after)]
    assert free[0] == free[1], f'free memory {free[0]} MiB before, {free[1]} MiB after'
    ps = command(m, 'ps')
    assert re.search(rf'\b{end.group(1)} +exiter +ended', ps), ps
    assert 'exiter: call 6' not in m.serial_text


def test_kill_ends_an_app_and_run_starts_it_again_with_a_new_pid(machine):
    m = boot_with(machine, 'counter\n')
    m.wait_for(PROMPT, timeout=10)
    m.wait_for(r'counter\[1\]: counter 2')
    command(m, 'kill 1')
    assert re.search(r'exec: counter\[1\] ended \(killed\)', m.serial_text)
    ps = command(m, 'ps')
    assert re.search(r'\b1 +counter +ended', ps), ps
    out = command(m, 'run counter')
    assert 'started counter as pid 2' in out
    m.wait_for(r'counter\[2\]: counter 1\b')
    assert 'no running app with pid 99' in command(m, 'kill 99')
    out = command(m, 'run nosuch')
    assert 'run: nosuch: no such app' in out
    assert 'exec: nosuch: no such app' in m.serial_text


def test_the_context_an_app_scribbles_on_is_fresh_at_its_next_call(machine):
    m = boot_with(machine, 'scribbler\n')
    m.wait_for(r'scribbler\[1\]: scribbler: context intact at call 3', 30)
    assert 'CHANGED' not in m.serial_text


def test_pointers_in_app_data_are_relocated_to_its_home(machine):
    m = boot_with(machine, 'tables\n')
    m.wait_for(r'tables\[1\]: tables: list alpha beta gamma 6 9', 30)


def test_calloc_is_zeroed_aligned_bounded_by_the_quota_and_reusable(machine):
    # memtest zeroes and checks megabytes in one call: on a loaded machine
    # under TCG that can pass the default 100 ms budget, which is not what
    # this test is about.
    m = boot_with(machine, 'memtest quota=8M budget=5000\n')
    got = m.wait_for(r'memtest: quota reached after (\d+) MiB', 30)
    assert 6 <= int(got.group(1)) <= 7, 'an 8 MiB quota holds 7 blocks of 1 MiB plus headers'
    m.wait_for(r'memtest: reuse ok')
    m.wait_for(r'memtest: all checks passed')


# --- wrapping the context ----------------------------------------------------------


def test_trace_logs_every_calloc_and_free_without_changing_the_app(machine):
    # Its one call zeroes about 10 MiB and logs every step: 74-103 ms under
    # TCG on this machine (ps), the old kernel as this one, right at the
    # default 100 ms budget.  The budget is not what this test is about.
    m = boot_with(machine, 'memtest trace quota=4M budget=5000\n')
    m.wait_for(r'memtest: all checks passed', 30)
    callocs = re.findall(r'memtest\[1\]: trace: calloc\(1, 1048576\) = (0x[0-9a-f]+)', m.serial_text)
    frees = re.findall(r'memtest\[1\]: trace: free\((0x[0-9a-f]+)\)', m.serial_text)
    assert len(callocs) >= 4
    assert set(callocs[:3]) <= set(frees), 'each block calloc returned is freed, and logged'
    assert re.search(r'trace: calloc\(1, 1048576\) = 0x0{16}\b', m.serial_text), \
        'the failing calloc at the quota is logged with its NULL result'


def test_nofb_gives_the_app_no_framebuffer(machine):
    m = boot_with(machine, 'painter nofb\n')
    m.wait_for(r'painter\[1\]: painter: no framebuffer \(0x0\)', 30)


def test_what_an_app_draws_is_composed_on_screen_with_alpha(machine):
    m = boot_with(machine, 'painter\n')
    m.wait_for(r'painter: drew on a (\d+)x(\d+) surface', 30)
    m.wait_for(r'painter: drew', 30)  # a second call: a frame has been composed since
    img = m.screendump()
    assert img.pixel(820, 350) == (0, 255, 0), 'the opaque green square'
    # The red square is half transparent: over the console's background
    # (0x1d2330) it composes to 0.5 red + 0.5 background.
    r, g, b = img.pixel(925, 350)
    assert (abs(r - 142) <= 2, abs(g - 17) <= 2, abs(b - 24) <= 2) == (True,) * 3, (r, g, b)
    assert img.pixel(1000, 350) != img.pixel(925, 350), 'nothing drawn right of the squares'


# --- bad app files -------------------------------------------------------------------


def patched(data, offset, fmt, value):
    data = bytearray(data)
    struct.pack_into(fmt, data, offset, value)
    return bytes(data)


def test_bad_app_files_are_refused_by_name_while_the_others_run(machine):
    hello, tables = app('hello'), app('tables')
    reloc_offset = struct.unpack_from('<Q', tables, 64)[0]
    bad = {
        'trunc': (hello[:-100], r'truncated or padded'),
        'tiny': (hello[:50], r'truncated: 50 bytes'),
        'badmagic': (b'NOTANAPP' + hello[8:], r'bad magic'),
        'future': (patched(hello, 12, '<I', 99), r'needs context version 99, this kernel speaks 6'),
        'badreloc': (patched(tables, reloc_offset + 8, '<Q', 1), r'only R_X86_64_RELATIVE'),
        'wildreloc': (patched(tables, reloc_offset + 16, '<q', 1 << 40), r'outside the image'),
    }
    files = {f'/fomos/apps/{name}.app': data for name, (data, _) in bad.items()}
    init = ''.join(f'{name}\n' for name in bad) + 'counter\nnosuch\nhello bogus\n'
    m = boot_with(machine, init, files)
    for name, (_, why) in bad.items():
        m.wait_for(rf'exec: /fomos/apps/{name}\.app refused: .*{why}', 30)
    m.wait_for(r'exec: nosuch: no such app')
    # The init file is read before any app starts: its complaint comes first.
    assert re.search(r"exec: /fomos/init line 9: unknown option 'bogus'", m.serial_text)
    counts = values(m, r'counter\[\d+\]: counter (\d+)\r', 3)
    assert counts == [1, 2, 3], 'the good app runs as if nothing happened'


# --- the SDK -------------------------------------------------------------------------

OUTSIDE_APP = r'''
#include <fomos.h>

struct state { uint32_t calls; };

int FOMOS_CALL start(struct fomos_ctx *ctx)
{
	struct state *s = fomos_state(ctx, sizeof(*s));
	char msg[] = "outsider says hi #0";

	msg[sizeof(msg) - 2] = (char)('0' + ++s->calls);
	fomos_log(ctx, msg);
	return s->calls == 3 ? -1 : 1;
}
'''


def test_an_app_built_with_the_sdk_outside_the_repo_runs(machine, tmp_path):
    src = tmp_path / 'elsewhere'
    src.mkdir()
    (src / 'outsider.c').write_text(OUTSIDE_APP)
    subprocess.run([str(ROOT / 'sdk' / 'fomos-cc'), '-o', 'outsider.app', 'outsider.c',
                    '-O2', '-Wall', '-Werror'], cwd=src, check=True)
    m = boot_with(machine, 'outsider\n',
                  {'/fomos/apps/outsider.app': (src / 'outsider.app').read_bytes()})
    for i in (1, 2, 3):
        m.wait_for(rf'outsider\[1\]: outsider says hi #{i}', 30)
    m.wait_for(r'exec: outsider\[1\] ended \(exit code -1\)')


def test_system_returns_the_answers_full_length_and_cuts_it_to_the_buffer(machine):
    """fomos.h: system() writes its answer cut to cap (NUL included) and
    returns the answer's full length; test/apps/sysapp.c asks `help` into
    2048 bytes, then into 8."""
    m = boot_with(machine, 'sysapp\n')
    m.wait_for(r'sysapp\[1\]: sysapp: ps = \d+\r', 30)
    text = m.serial_text
    full = [int(n) for n in re.findall(r'sysapp\[1\]: sysapp: help = (\d+)\r', text)]
    assert len(full) == 2 and full[0] == full[1] > 200, f'the full length both times, not what fitted: {full}'
    assert 'sysapp[1]: sysapp: |   help \r' in text, '7 bytes and the NUL in an 8-byte buffer'
    assert 'sysapp[1]: sysapp: bogus thing = -2\r' in text
    assert "sysapp[1]: sysapp: | unknown command 'bogus' (try 'help')" in text
