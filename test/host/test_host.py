"""Same app file, another OS: the apps the kernel boots, run on Linux.

Every test runs app files from build/apps/ under build/fomos-host and first
checks that each is byte for byte the file on the boot image (build/esp/ and
inside build/esp-pristine.img), so what passes here is the very file the kernel runs.
The expectations are the kernel's own (test/boot/test_apps.py,
test_faults.py, test_input.py): the same log lines, the same pixels, the
same refusals.
"""

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

import png
import test_files as files_boot  # test/boot's expectations for filetest
from broken import BROKEN

ROOT = Path(__file__).resolve().parents[2]
HOST = ROOT / 'build' / 'fomos-host'
APPS = ROOT / 'build' / 'apps'
ESP = ROOT / 'build' / 'esp'
ESP_IMAGE = ROOT / 'build' / 'esp-pristine.img'

EXEC_HOME_BASE = 1 << 40  # kernel/exec/exec.h
EXEC_HOME_SIZE = 4 << 30
EXEC_ARENA_OFFSET = 2 << 30
BACKGROUND = (0x1d, 0x23, 0x30)  # the kernel console's, under every app


def from_image(name):
    """The app's bytes inside the FAT image the kernel boots, or None."""
    if not ESP_IMAGE.exists() or not shutil.which('mcopy'):
        return None
    out = subprocess.run(['mcopy', '-n', '-i', str(ESP_IMAGE), f'::/fomos/apps/{name}.app', '-'],
                         capture_output=True, timeout=30, check=False)
    return out.stdout if out.returncode == 0 else None


def app(name):
    """build/apps/NAME.app, after checking it is the file the kernel boots."""
    path = APPS / f'{name}.app'
    if not HOST.exists() or not path.exists():
        pytest.fail(f'{HOST} or {path} is missing: run ninja first', pytrace=False)
    data = path.read_bytes()
    esp = ESP / 'fomos' / 'apps' / f'{name}.app'
    assert esp.exists() and esp.read_bytes() == data, f'{esp} is not the file fomos-host runs'
    image = from_image(name)
    if image is not None:
        assert image == data, f'{name}.app in {ESP_IMAGE} is not the file fomos-host runs'
    return str(path)


def host(*args, env=None, timeout=60):
    """Runs fomos-host; the CompletedProcess, with text output."""
    if not HOST.exists():
        pytest.fail(f'{HOST} is missing: run ninja first', pytrace=False)
    run_env = dict(os.environ)
    run_env.update(env or {})
    return subprocess.run([str(HOST), *args], capture_output=True, text=True,
                          timeout=timeout, env=run_env, check=False)


def numbers(regex, text):
    return [int(n) for n in re.findall(regex, text)]


# --- the executor ------------------------------------------------------------------


def test_hello_logs_and_counts_its_calls_like_on_the_kernel():
    r = host('--headless', '--frames', '3', app('hello'))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith('exec: started hello as pid 1\n')
    assert numbers(r'hello\[1\]: call (\d+)', r.stdout) == [1, 2, 3]


def test_apps_interleave_and_each_keeps_its_state_in_its_store():
    r = host('--headless', '--frames', '8', app('counter'), app('hello'))
    assert r.returncode == 0, r.stderr
    counts = numbers(r'counter\[1\]: counter (\d+)', r.stdout)
    assert counts == list(range(1, len(counts) + 1)) and len(counts) >= 5
    assert numbers(r'hello\[2\]: call (\d+)', r.stdout)[:2] == [1, 2]
    # counter sleeps 200 ms, hello 500 ms: hello's second call comes after
    # counter's third.
    assert r.stdout.index('counter[1]: counter 3') < r.stdout.index('hello[2]: call 2')


def test_seconds_stops_the_run_after_that_long():
    r = host('--headless', '--seconds', '0.5', app('counter'))
    assert r.returncode == 0, r.stderr
    # Calls at 0, 200 and 400 ms; the one at 600 ms never comes.
    assert numbers(r'counter\[1\]: counter (\d+)', r.stdout) in ([1, 2], [1, 2, 3])


def test_pointers_in_app_data_are_relocated_to_its_home():
    r = host('--headless', app('tables'))
    assert r.returncode == 0, r.stderr
    assert 'tables[1]: tables: list alpha beta gamma 6 9\n' in r.stdout
    assert re.search(r'exec: tables\[1\] ended \(exit code -1\), \d+ KiB returned', r.stdout)


def test_an_app_that_returns_negative_ends_with_its_exit_code():
    r = host('--headless', app('exiter'))
    assert r.returncode == 0, 'every app ended: a normal exit'
    assert numbers(r'exiter\[1\]: exiter: call (\d+)', r.stdout) == [1, 2, 3, 4, 5]
    end = re.search(r'exec: exiter\[1\] ended \(exit code -3\), (\d+) KiB returned', r.stdout)
    assert end and int(end.group(1)) >= 4096, 'its 4 MiB calloc comes back too'


def test_the_context_an_app_scribbles_on_is_fresh_at_its_next_call():
    r = host('--headless', app('scribbler'))
    assert 'scribbler[1]: scribbler: context intact at call 3' in r.stdout
    assert 'CHANGED' not in r.stdout


def test_calloc_is_zeroed_aligned_bounded_by_the_quota_and_reusable():
    r = host('--headless', app('memtest') + ':quota=8M')
    got = numbers(r'memtest: quota reached after (\d+) MiB', r.stdout)
    assert len(got) == 1 and 6 <= got[0] <= 7, 'an 8 MiB quota holds 7 blocks of 1 MiB plus headers'
    assert 'memtest: reuse ok' in r.stdout
    assert 'memtest: all checks passed' in r.stdout


def test_trace_logs_every_calloc_and_free_at_the_kernels_addresses():
    r = host('--headless', app('memtest') + ':trace,quota=4M')
    assert 'memtest: all checks passed' in r.stdout
    callocs = re.findall(r'memtest\[1\]: trace: calloc\(1, 1048576\) = 0x([0-9a-f]{16})\b', r.stdout)
    frees = re.findall(r'memtest\[1\]: trace: free\(0x([0-9a-f]{16})\)', r.stdout)
    assert len(callocs) >= 4
    assert set(callocs[:3]) <= set(frees), 'each block calloc returned is freed, and logged'
    assert '0' * 16 in callocs, 'the failing calloc at the quota is logged with its NULL result'
    # The arena is where the kernel puts it: slot 0's home + 2 GiB.
    assert int(callocs[0], 16) == EXEC_HOME_BASE + EXEC_ARENA_OFFSET + 16


def test_each_app_lives_at_the_kernels_home_for_its_slot():
    r = host('--headless', '--frames', '1', app('counter'), app('memtest') + ':trace,quota=4M')
    first = re.search(r'memtest\[2\]: trace: calloc\(1, 1048576\) = 0x([0-9a-f]{16})', r.stdout)
    assert first, r.stdout
    # kernel/exec/exec.c: homes 4 GiB apart, plus a colour of (slot % 256) x 68 KiB.
    home = EXEC_HOME_BASE + 1 * EXEC_HOME_SIZE + 1 * 0x11000
    assert int(first.group(1), 16) == home + EXEC_ARENA_OFFSET + 16


# --- drawing -------------------------------------------------------------------------


def assert_painter_pixels(img):
    """What test/boot/test_apps.py checks on the kernel's screen."""
    assert img.pixel(820, 350) == (0, 255, 0), 'the opaque green square'
    # Half-transparent red over the console's background 0x1d2330.
    r, g, b = img.pixel(925, 350)
    assert abs(r - 142) <= 2 and abs(g - 17) <= 2 and abs(b - 24) <= 2, (r, g, b)
    assert img.pixel(1000, 350) == BACKGROUND, 'nothing drawn right of the squares'


def test_what_an_app_draws_is_composed_with_alpha_as_on_the_kernel(tmp_path):
    shot = tmp_path / 'screen.png'
    r = host('--headless', '--frames', '1', '--screenshot', str(shot), app('painter'))
    assert r.returncode == 0, r.stderr
    assert 'painter[1]: painter: drew on a 1280x800 surface' in r.stdout
    img = png.decode(shot.read_bytes())
    assert (img.width, img.height) == (1280, 800)
    assert_painter_pixels(img)


def test_later_apps_draw_on_top_and_size_sets_the_screen(tmp_path):
    shot = tmp_path / 'screen.png'
    r = host('--headless', '--frames', '1', '--size', '1024x768', '--screenshot', str(shot),
             app('painter'), app('hello'))
    assert 'painter[1]: painter: drew on a 1024x768 surface' in r.stdout
    img = png.decode(shot.read_bytes())
    assert (img.width, img.height) == (1024, 768)
    assert img.pixel(1024 - 260 + 10, 50) == (0x98, 0xc3, 0x79), "hello's badge after one call"
    assert img.pixel(10, 10) == BACKGROUND


def test_nofb_gives_the_app_no_framebuffer():
    r = host('--headless', app('painter') + ':nofb')
    assert 'exec: started painter as pid 1 (nofb)' in r.stdout
    assert 'painter[1]: painter: no framebuffer (0x0)' in r.stdout


def test_the_window_shows_the_same_picture(tmp_path):
    """The windowed mode, on SDL's dummy video driver: no display needed."""
    shot = tmp_path / 'window.png'
    r = host('--frames', '1', '--screenshot', str(shot), app('painter'),
             env={'SDL_VIDEODRIVER': 'dummy'})
    assert r.returncode == 0, r.stderr
    assert_painter_pixels(png.decode(shot.read_bytes()))


# --- input ---------------------------------------------------------------------------


def test_typed_text_reaches_apps_as_key_presses_with_their_text():
    # As a shell passes it: a backslash and an n, which --type makes Enter.
    r = host('--headless', '--frames', '2', '--type', r'aB\n', app('inputlog'))
    presses = re.findall(r'inputlog: key code=(\d+) value=1 cp=(\d+)', r.stdout)
    assert presses == [('30', '97'), ('42', '0'), ('48', '66'), ('28', '10')], r.stdout
    assert len(re.findall(r'inputlog: key code=\d+ value=0', r.stdout)) == 4, 'every key is released'
    assert 'inputlog: pointer 640,400 buttons=0 count=8' in r.stdout, 'the pointer starts mid-screen'


# --- faults and runaway apps ---------------------------------------------------------



def test_every_broken_app_is_stopped_with_the_kernels_words_and_the_others_go_on():
    r = host('--headless', '--seconds', '3', app('counter'), *(app(name) for name in BROKEN))
    assert r.returncode == 0, r.stderr
    for pid, (name, why) in enumerate(BROKEN.items(), start=2):
        assert re.search(rf'exec: {name}\[{pid}\] stopped: {why}; \d+ KiB returned, the others go on',
                         r.stdout), f'{name}:\n{r.stdout}'
    counts = numbers(r'counter\[1\]: counter (\d+)', r.stdout)
    assert counts == list(range(1, len(counts) + 1)) and len(counts) >= 10, 'counter never missed a beat'
    assert 'badfree: still here after the bad free' not in r.stdout, 'a bad free ends the call at once'


def test_an_app_with_restart_comes_back_after_a_fault_with_a_growing_delay():
    r = host('--headless', '--seconds', '2.5', app('flaky') + ':restart', app('spin') + ':budget=50')
    delays = numbers(r'exec: flaky restarts as pid \d+ in (\d+) ms \(restart \d+\)', r.stdout)
    assert delays[:2] == [500, 1000], r.stdout
    assert re.search(r'exec: spin\[2\] stopped: ran for more than 50 ms without returning', r.stdout)
    assert 'spin restarts' not in r.stdout, 'no restart unless asked'


# --- bad app files -------------------------------------------------------------------


def patched(data, offset, fmt, value):
    data = bytearray(data)
    struct.pack_into(fmt, data, offset, value)
    return bytes(data)


def test_bad_app_files_are_refused_by_name_while_the_others_run(tmp_path):
    hello = Path(app('hello')).read_bytes()
    tables = Path(app('tables')).read_bytes()
    reloc_offset = struct.unpack_from('<Q', tables, 64)[0]
    bad = {
        'trunc': (hello[:-100], r'header says \d+ bytes, the file has \d+ \(truncated or padded\)'),
        'tiny': (hello[:50], r'truncated: 50 bytes, the header alone needs 112'),
        'badmagic': (b'NOTANAPP' + hello[8:], r'not a Fomos app \(bad magic\)'),
        'future': (patched(hello, 12, '<I', 99), r'needs context version 99, this kernel speaks 6'),
        'badreloc': (patched(tables, reloc_offset + 8, '<Q', 1), r'only R_X86_64_RELATIVE'),
        'wildreloc': (patched(tables, reloc_offset + 16, '<q', 1 << 40), r'outside the image'),
    }
    paths = []
    for name, (data, _) in bad.items():
        (tmp_path / f'{name}.app').write_bytes(data)
        paths.append(str(tmp_path / f'{name}.app'))
    r = host('--headless', '--frames', '3', *paths, app('counter'), str(tmp_path / 'nosuch.app'),
             app('hello') + ':bogus')
    assert r.returncode == 0, 'a good app started'
    for name, (_, why) in bad.items():
        assert re.search(rf'^fomos-host: {re.escape(str(tmp_path))}/{name}\.app refused: .*{why}',
                         r.stderr, re.M), f'{name}:\n{r.stderr}'
    assert re.search(r'nosuch\.app: No such file or directory', r.stderr)
    assert re.search(r"hello\.app: unknown option 'bogus'", r.stderr)
    assert numbers(r'counter\[1\]: counter (\d+)', r.stdout) == [1, 2, 3], \
        'the good app runs as if nothing happened, and is pid 1: refused files take none'


def test_the_exit_status_says_when_no_app_could_start(tmp_path):
    bad = tmp_path / 'badmagic.app'
    bad.write_bytes(b'NOTANAPP' + Path(app('hello')).read_bytes()[8:])
    r = host('--headless', str(bad))
    assert r.returncode != 0
    assert 'refused: not a Fomos app (bad magic)' in r.stderr
    assert 'fomos-host: no app could start' in r.stderr
    assert r.stdout == ''


# --- version 2: windows, bands, damage, focus -----------------------------------------

WINAPPS = 4  # test/apps/winapp.c: a cursor, windows a and b, a wallpaper, by pid
BLUE, RED, WHITE = (0, 0, 255), (255, 0, 0), (255, 255, 255)


def over(below, rgb, alpha):
    """kernel/gfx/compose.h's compose_over, one pixel."""
    def channel(s, d):
        x = s * alpha + d * (255 - alpha) + 128
        return (x + (x >> 8)) >> 8
    return tuple(channel(s, d) for s, d in zip(rgb, below))


def desktop(tmp_path, *extra):
    shot = tmp_path / 'desk.png'
    r = host('--headless', '--size', '640x480', '--screenshot', str(shot), *extra,
             *([app('winapp')] * WINAPPS))
    assert r.returncode == 0, r.stderr
    return r, png.decode(shot.read_bytes())


def test_windows_stack_in_bands_whatever_the_start_order(tmp_path):
    r, img = desktop(tmp_path, '--frames', '4')
    for pid in range(1, WINAPPS + 1):
        assert f'winapp[{pid}]: winapp: screen 640,480' in r.stdout
        assert f'winapp[{pid}]: winapp: bad windows refused, nothing changed' in r.stdout
    assert 'winapp[2]: winapp: new surface zeroed 200,200' in r.stdout, 'a new size is a new, clear surface'
    assert 'winapp[4]: winapp: moved to 0,0' in r.stdout
    # The wallpaper (started last) is under everything, the cursor (started
    # first) over everything; b, started after a, is above it.
    assert img.pixel(10, 10) == BLUE and img.pixel(639, 479) == BLUE
    assert img.pixel(150, 150) == RED, 'a, moved without redrawing: its pixels stayed'
    green_over_red = over(RED, (0, 255, 0), 0x80)
    assert img.pixel(250, 250) == green_over_red, 'b half-transparent over a'
    assert img.pixel(350, 350) == over(BLUE, (0, 255, 0), 0x80), 'b over the wallpaper'
    assert img.pixel(230, 230) == RED, "through b's transparent hole"
    assert img.pixel(310, 310) == WHITE, 'the TOP window over b'
    # Window a's third call: a square it damaged shows, one it did not, not.
    assert img.pixel(285, 105) == (255, 0, 255), 'damaged: composed'
    assert img.pixel(105, 105) == RED, 'drawn but never damaged: the screen does not show it'


def test_a_click_focuses_and_raises_the_window_under_it_and_keys_follow_the_focus(tmp_path):
    r, img = desktop(tmp_path, '--frames', '7',
                     '--at', '2:type:z',            # nobody has the focus yet
                     '--at', '3:click:310,310',     # the cursor takes no clicks: b gets it
                     '--at', '4:type:b',
                     '--at', '5:click:230,230',     # b's hole: a, under it, gets it
                     '--at', '6:type:a')
    keys = re.findall(r'winapp\[(\d)\]: winapp: key (\d+),(\d+)', r.stdout)
    assert keys == [('3', '48', '98'), ('2', '30', '97')], r.stdout
    focus = re.findall(r'winapp\[(\d)\]: winapp: focused (\d),\d+', r.stdout)
    assert focus == [('3', '1'), ('2', '1'), ('3', '0')], r.stdout
    assert img.pixel(250, 250) == RED, 'a was raised above b'
    assert img.pixel(310, 310) == WHITE, 'still under the TOP band'
    assert img.pixel(10, 10) == BLUE


def test_a_click_on_nothing_focusable_keeps_the_focus(tmp_path):
    # Round 3: every window is in its place (call 2 moved it).
    r, _ = desktop(tmp_path, '--frames', '6', '--at', '3:click:150,150', '--at', '4:click:600,20',
                   '--at', '5:type:q')
    assert re.findall(r'winapp\[(\d)\]: winapp: key (\d+)', r.stdout) == [('2', '16')], \
        'the wallpaper is NOFOCUS: a keeps the keyboard'


# --- version 2: the system and the terminal ------------------------------------------


def test_system_answers_the_host_commands_in_the_kernels_words():
    r = host('--headless', '--frames', '3', str(app('sysapp')) + ':admin')
    out = r.stdout
    assert 'sysapp[1]: sysapp: help = ' in out and 'sysapp[1]: sysapp: |   ps         the apps' in out
    assert "sysapp: bogus thing = -2\nsysapp[1]: sysapp: | unknown command 'bogus' (try 'help')" in out
    assert re.search(r'sysapp: \| uptime \d+\.\d{3} s', out)
    full = numbers(r'sysapp: help = (\d+)', out)
    assert len(full) == 2 and full[0] == full[1], 'cut to cap, the full length all the same'
    assert 'sysapp[1]: sysapp: |   help \n' in out, '7 bytes and the NUL in an 8-byte buffer'
    assert 'exec: started noop as pid 2' in out and 'sysapp: | started noop as pid 2' in out
    assert 'exec: noop[2] ended (killed)' in out and 'sysapp: kill 2 = 0' in out
    assert 'sysapp: | kill: no running app with pid 999' in out
    assert re.search(r'sysapp: \|\s+2 noop\s+ended\s+\d+\s+\d+\s+0  killed', out)
    assert re.search(r'sysapp: \|\s+1 sysapp\s+running', out)


def test_nosys_takes_the_system_away():
    r = host('--headless', '--frames', '1', app('sysapp') + ':nosys')
    assert 'sysapp: help = -2\nsysapp[1]: sysapp: | the system is not available to this app (nosys)' in r.stdout
    assert 'started noop' not in r.stdout


def test_the_terminal_is_standard_input_and_standard_output():
    r = subprocess.run([str(HOST), '--headless', '--terminal', '--frames', '4', app('sysapp')],
                       input='ps\r', capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    assert 'sysapp: hello, terminal\n' in r.stdout, 'term_write prints'
    assert 'sysapp[1]: sysapp: term_read ps\\r\n' in r.stdout
    # Without --terminal, standard input is left alone; --type is the line.
    r = subprocess.run([str(HOST), '--headless', '--frames', '4', '--type', r'ls\r', app('sysapp')],
                       input='ps\r', capture_output=True, text=True, timeout=60, check=False)
    assert 'sysapp[1]: sysapp: term_read ls\\r\n' in r.stdout
    assert 'term_read ps' not in r.stdout


# --- version 3: files -------------------------------------------------------------------


def test_files_round_trip_in_the_data_folder_and_bad_paths_are_refused(tmp_path):
    data = tmp_path / 'data'
    r = host('--headless', '--seconds', '5', '--data', str(data), app('fileapp'))
    out = r.stdout
    for bad in ['../x', '/etc/passwd', 'a/../../b', 'a//b', 'a/', 'x\\y']:
        assert f"fileapp: refused path '{bad}'" in out
    assert 'fileapp: pending in the call that queued it' in out, 'done between calls, not inside file()'
    assert 'fileapp: run 1' in out
    assert "fileapp: read 'hello FOMOSfomos|'" in out, 'replace, then write at an offset'
    assert 'fileapp: size 17' in out
    assert "fileapp: list 'keep.txt|notes/|'" in out
    assert 'fileapp: small list -27' in out, 'FOMOS_E_TOOBIG'
    assert 'fileapp: delete full folder -22' in out
    assert 'fileapp: delete 0' in out and 'fileapp: read deleted -2' in out
    assert 'fileapp: delete folder 0' in out
    assert 'fileapp: queued pending 12' in out, 'every request was pending when file() returned'
    assert (data / 'fileapp' / 'keep.txt').read_bytes() == b'1'
    assert sorted(p.name for p in data.rglob('*')) == ['fileapp', 'keep.txt'], 'nothing else, nowhere else'
    r = host('--headless', '--seconds', '5', '--data', str(data), app('fileapp'))
    assert 'fileapp: run 2' in r.stdout, 'the files outlive the run'
    assert (data / 'fileapp' / 'keep.txt').read_bytes() == b'2'


def logged(app_name, text):
    """What app_name logged, line by line, without the 'NAME[PID]: '."""
    return [m.group(1) for m in re.finditer(rf'(?m)^{app_name}\[\d+\]: (.*)$', text)]


def test_filetest_gets_the_kernels_answers_and_leaves_the_kernels_files(tmp_path):
    # test/apps/filetest.c, and what test/boot/test_files.py asserts of it
    # on the kernel: the same script, escapes and wild pointers.
    data = tmp_path / 'data'
    r = host('--headless', '--seconds', '10', '--data', str(data), app('filetest'))
    out = logged('filetest', r.stdout)
    assert 'filetest: done' in out, r.stdout + r.stderr
    steps = {int(n): (int(st), int(done), rest) for n, st, done, rest in
             (re.match(r'filetest: step (\d+) -> (-?\d+) done (\d+)(.*)', line).groups()
              for line in out if line.startswith('filetest: step '))}
    assert sorted(steps) == sorted(files_boot.STEPS), f'steps logged: {sorted(steps)}'
    for n, (status, done) in files_boot.STEPS.items():
        assert steps[n][0] == status, f'step {n}: status {steps[n][0]}, expected {status}'
        if done is not None:
            assert steps[n][1] == done, f'step {n}: done {steps[n][1]}, expected {done}'
    for n in files_boot.READS_CHECKED:
        assert steps[n][2].strip() == 'ok', f'step {n} read back wrong bytes: {steps[n][2]}'
    assert steps[17][2].strip() == 'ok', 'SMALL.TXT reads small.txt (FAT ignores case)'
    entries = [re.match(r"filetest: entry '(.*)'$", line).group(1)
               for line in out if line.startswith('filetest: entry ')]
    assert set(entries[:-1]) == files_boot.TOP_ENTRIES
    assert len(entries) == len(files_boot.TOP_ENTRIES) + 1
    assert entries[-1] == files_boot.F4.rsplit('/', 1)[1]

    esc = [re.match(r"filetest: escape (\d+) '(.*)' -> (-?\d+)$", line).groups()
           for line in out if line.startswith('filetest: escape ')]
    assert [p for _, p, _ in esc] == files_boot.ESCAPES
    assert all(int(r) == files_boot.E_PATH for _, _, r in esc), esc
    assert f'filetest: escape-unterminated 0 -> {files_boot.E_PATH}' in out
    wild = dict(re.match(r'filetest: wild (\S+) -> (-?\d+)$', line).groups()
                for line in out if line.startswith('filetest: wild '))
    assert list(wild) == files_boot.WILD
    # Among them a read into its own code and a listing into arena pages
    # it never got: refused when queued, as exec_app_range does.
    assert all(int(r) == files_boot.E_BADARG for r in wild.values()), f'not FOMOS_E_BADARG: {wild}'
    assert f'filetest: surface read 0 -> {files_boot.E_BADARG}' in out, 'its buffer went away'
    assert 'filetest: size after 0 -> 3000' in out, 'the file service works on'
    assert 'fault' not in r.stdout and re.search(r'filetest\[1\] ended \(exit code -1\)', r.stdout)

    # The files, byte for byte, in DATA/filetest/, and nothing anywhere else.
    want = files_boot.expected_files()
    found = {str(p.relative_to(data)): p.read_bytes() for p in data.rglob('*') if p.is_file()}
    assert set(found) == {f'filetest/{name}' for name in want}, 'no other file, the deleted one gone'
    for name, content in want.items():
        assert found[f'filetest/{name}'] == content, f'{name}: {len(found[f"filetest/{name}"])} bytes'


def test_names_match_ignoring_ascii_case_and_keep_their_spelling(tmp_path):
    # Copied there by hand, in other letters: FAT would find both for
    # fileapp's 'keep.txt' in its folder 'fileapp', and so does the host.
    data = tmp_path / 'data'
    (data / 'FileApp').mkdir(parents=True)
    (data / 'FileApp' / 'KEEP.TXT').write_bytes(b'4')
    r = host('--headless', '--seconds', '5', '--data', str(data), app('fileapp'))
    out = logged('fileapp', r.stdout)
    assert 'fileapp: run 5' in out, r.stdout
    assert "fileapp: list 'KEEP.TXT|notes/|'" in out, 'the existing name, not a second file'
    # The replace kept the file it found; the folder it made has its own name.
    assert sorted(str(p.relative_to(data)) for p in data.rglob('*')) == ['FileApp', 'FileApp/KEEP.TXT']
    assert (data / 'FileApp' / 'KEEP.TXT').read_bytes() == b'5'


# --- the desktop apps: background, console, cursor -------------------------------------


def test_the_desktop_runs_wallpaper_below_console_above_and_ps_answers_typed_text(tmp_path):
    shot = tmp_path / 'desktop.png'
    r = host('--headless', '--seconds', '4', '--data', str(tmp_path / 'data'), '--type', r'ps\r',
             '--screenshot', str(shot), app('background'), app('console'), app('cursor'))
    assert r.returncode == 0, r.stderr
    assert re.search(r'background\[1\]: background: .*drawn on the 1280x800 screen', r.stdout), r.stdout
    # The console took the terminal: --type reached it, and it answered
    # through system(), mirrored on the terminal (standard output).
    assert re.search(r'> ps\r?\n\s+PID NAME\s+STATE', r.stdout), r.stdout
    assert re.search(r'^\s+2 console\s+running', r.stdout, re.M)
    img = png.decode(shot.read_bytes())
    wallpaper = [img.pixel(x, y) for x, y in ((1200, 10), (1200, 780), (10, 780), (900, 300))]
    assert BACKGROUND not in wallpaper, 'the wallpaper covers the whole screen'
    assert len(set(wallpaper)) >= 3, f'a picture, not a plain colour: {wallpaper}'
    console = img.pixel(300, 300)
    assert console != img.pixel(1200, 300) and console not in wallpaper, 'the console window is above it'


def test_the_console_answers_ps_from_standard_input(tmp_path):
    r = subprocess.run([str(HOST), '--headless', '--terminal', '--seconds', '2', '--data',
                        str(tmp_path / 'data'), app('console')], input='ps\r',
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    assert re.search(r'> ps\r?\n\s+PID NAME\s+STATE', r.stdout), r.stdout
    assert re.search(r'^\s+1 console\s+running', r.stdout, re.M)


# --- services between apps (context v4) ----------------------------------------------


def test_services_answer_as_on_the_kernel_without_the_protection():
    """test/boot/test_services.py's provider and consumer, the same files:
    the same answers (fomos-host has no protection keys, but the same
    checks, calls, faults inside calls and restarts)."""
    r = host('--headless', '--seconds', '8', app('svccons') + ':admin', app('svcprov') + ':restart',
             app('svcprov2'), timeout=120)
    assert r.returncode == 0, r.stderr
    answers = dict(re.findall(r'svccons\[1\]: svccons: ([^\n]+?) -> (-?\d+)\n', r.stdout))
    assert answers['lookup nosuch'] == '-2' and answers['lookup BAD name'] == '-22'
    assert answers['found calc'] == '1' and answers['lookup calc version 3'] == '-95'
    assert answers['add 40 2'] == '42' and answers['upper copied back HELLO'] == '5'
    assert answers['sum in the region'] == '7' and answers['callback into me'] == '-16'
    assert answers['crash'] == '-14' and answers['add after the crash'] == '-32'
    assert answers['add after the restart'] == '2' and answers['spin'] == '-14'
    assert answers['add after the kill'] == '-32'
    assert 'svcprov2[3]: svcprov2: publish calc -> -16\n' in r.stdout
    assert re.search(r'svcprov\[2\] stopped: page fault writing 0x10 .*, in a call from svccons\[1\]', r.stdout)
    assert 'svccons[1]: svccons: still running -> 11\n' in r.stdout
