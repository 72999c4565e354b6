"""Files for apps on the boot disk (ctx->file, sdk/fomos.h version 3) and
`run NAME` from the disk, checked from both sides: what the apps log, and
the disk image read with mtools and fsck.fat after QEMU has powered off.

Apps (test/apps/): filetest writes, reads and lists files with long names
and tries escapes and wild pointers; filebig moves 8 MiB while ticker logs
the guest's clock; fileapp (also run by fomos-host in test/host) keeps a
run count in keep.txt; diskrun is put on the disk by the test itself.
"""

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import qemu
from console import boot_to_prompt, command

UTF8 = dict(os.environ, LC_ALL='C.UTF-8')  # mtools prints long names in the locale's charset
E_NOTFOUND, E_NODISK, E_BADARG, E_PATH = -2, -19, -22, -30

# test/apps/filetest.c's names and script.
F1 = 'A long file name with spaces.txt'
F2 = 'Report for January 2024.data'
F3 = 'Report for February 2024.data'
F4 = 'Deep Folder Name/Second level folder/Grüße und ½ Ärger.txt'
ESCAPES = ['../x', '..', '.', '/etc/passwd', '/fomos/init', 'a/../../b', 'a/./b', 'a//b', 'a/',
           'x\\y', '..\\x', 'a:b', 'a*b', 'a?b', 'a<b', 'a>b', 'a|b', 'a"b', 'a?b', 'trailing.',
           'trailing ', '../fileapp/keep.txt', '../../apps/counter.app',
           'ok/../../../EFI/BOOT/BOOTX64.EFI']  # 'a\x01b' is logged as 'a?b'
WILD = ['req-low', 'req-kernel', 'req-code', 'req-unmapped', 'buf-kernel-read',
        'buf-kernel-write', 'buf-code-read', 'buf-low-read', 'buf-too-long',
        'buf-unmapped-list', 'buf-other-home']
# step -> (status, done): every request of the script, in order.
STEPS = {1: (0, 3000), 2: (0, 40000), 3: (0, 30000), 4: (0, 100), 5: (0, 10), 6: (0, 500),
         7: (0, 5), 8: (0, 4), 9: (0, 10), 10: (0, 20), 11: (0, 0),
         12: (0, 3000), 13: (0, 70000), 14: (0, 100), 15: (0, 10), 16: (0, 500),
         17: (0, 5), 18: (0, 5000), 19: (0, 10),
         20: (E_NOTFOUND, 0),   # an empty read of the deleted file
         21: (0, 70000),        # size
         22: (0, None), 23: (0, None)}
READS_CHECKED = [12, 13, 14, 15, 16, 17, 18, 19]
TOP_ENTRIES = {F1, F2, F3, 'Deep Folder Name/', 'small.txt', 'MixedCase.TXT', 'gap.bin'}


def pattern(k, start, n):
    """filetest.c's pattern(k, i) for i in [start, start + n)."""
    if not k:
        return bytes(n)
    return bytes((i * 31 + k * 7 + (i >> 9)) & 0xFF for i in range(start, start + n))


def expected_files():
    """What filetest leaves in /fomos/data/filetest/, byte for byte."""
    return {
        F1: pattern(1, 0, 3000),
        F2: pattern(2, 0, 70000),
        F3: pattern(4, 0, 10),      # 100 bytes, then replaced by 10
        F4: pattern(5, 0, 500),
        'small.txt': pattern(6, 0, 5),
        'MixedCase.TXT': pattern(7, 3, 4),  # a REPLACE's offset is ignored
        'gap.bin': bytes(5000) + pattern(8, 5000, 10),
    }


def big_pattern():
    """filebig.c's 8 MiB: i * 131 + (i >> 12) * 7 + (i >> 20), a 4 KiB block at a time."""
    base = bytes((i * 131) & 0xFF for i in range(4096))
    blocks = []
    for j in range(2048):
        c = (j * 7 + (j >> 8)) & 0xFF
        blocks.append(base.translate(bytes((v + c) & 0xFF for v in range(256))))
    return b''.join(blocks)


# --- the image, from the host ---------------------------------------------------------

def mtype(img, path):
    r = subprocess.run(['mtype', '-i', str(img), '::' + path], capture_output=True, env=UTF8)
    assert r.returncode == 0, f'mtype {path}: {r.stderr.decode(errors="replace")}'
    return r.stdout


def listing(img, folder='/'):
    """Every path under folder, folders ending in '/', as `mdir -/ -b` gives them."""
    r = subprocess.run(['mdir', '-/', '-b', '-i', str(img), '::' + folder],
                       capture_output=True, text=True, env=UTF8)
    if r.returncode != 0:
        return set()
    return {line[2:] for line in r.stdout.splitlines() if line.startswith('::')}


def extract(img, into):
    """The whole volume as files under `into`: path -> bytes."""
    into.mkdir(parents=True)
    subprocess.run(['mcopy', '-s', '-n', '-i', str(img), '::/*', str(into)], check=True,
                   capture_output=True, env=UTF8)
    return {'/' + str(p.relative_to(into)): p.read_bytes() for p in into.rglob('*') if p.is_file()}


def fsck_clean(img):
    r = subprocess.run(['fsck.fat', '-n', str(img)], capture_output=True, text=True)
    assert r.returncode == 0, f'fsck.fat -n found something to fix:\n{r.stdout}{r.stderr}'


def fresh_image(directory, files):
    """A copy of build/esp-pristine.img with `files` in it, and a second copy
    to compare with later (the image may be rebuilt meanwhile)."""
    directory.mkdir(parents=True, exist_ok=True)
    img, before = directory / 'disk.img', directory / 'before.img'
    shutil.copyfile(qemu.ESP, img)
    for i, (path, data) in enumerate(files.items()):
        qemu.put_file(img, path, data, directory / f'put{i}')
    shutil.copyfile(img, before)
    return img, before


def power_off(m):
    """`shutdown` on the kernel's command line; QEMU must exit by itself."""
    m.send('shutdown\r')
    m.wait_exit(timeout=60)


def lines_of(text, app):
    """What `app` logged, line by line (a line may start after a prompt)."""
    found = (re.search(rf'{app}\[\d+\]: (.*)', line) for line in text.splitlines())
    return [f.group(1) for f in found if f]


# --- one boot of filetest beside counter, looked at by tests 1-3 ------------------------

@pytest.fixture(scope='module')
def filetest(shared_machine_factory, tmp_path_factory):
    d = tmp_path_factory.mktemp('filetest')
    img, before = fresh_image(d, {'/fomos/init': b'counter\n'})
    m = shared_machine_factory(image=img)
    boot_to_prompt(m)
    assert 'started filetest' in command(m, 'run filetest')
    m.wait_for(r'filetest: done', timeout=180)
    # The other app and the kernel outlive it: counter goes on, ps answers.
    m.wait_for(r'counter\[\d+\]: counter \d+\r', timeout=10)
    m.wait_for(r'counter\[\d+\]: counter \d+\r', timeout=10)
    ps = command(m, 'ps')
    power_off(m)
    return m.serial_text, ps, img, before, d


def test_app_writes_reads_and_lists_files_with_long_names(filetest):
    text, _, img, _, _ = filetest
    out = lines_of(text, 'filetest')
    steps = {int(n): (int(st), int(done), rest) for n, st, done, rest in
             (re.match(r'filetest: step (\d+) -> (-?\d+) done (\d+)(.*)', line).groups()
              for line in out if line.startswith('filetest: step '))}
    assert sorted(steps) == sorted(STEPS), f'steps logged: {sorted(steps)}'
    for n, (status, done) in STEPS.items():
        assert steps[n][0] == status, f'step {n}: status {steps[n][0]}, expected {status}'
        if done is not None:
            assert steps[n][1] == done, f'step {n}: done {steps[n][1]}, expected {done}'
    for n in READS_CHECKED:
        assert steps[n][2].strip() == 'ok', f'step {n} read back wrong bytes: {steps[n][2]}'
    assert 17 in steps and steps[17][2].strip() == 'ok', 'SMALL.TXT reads small.txt (FAT ignores case)'
    # The listings, one entry a line, in the order of the two LIST steps.
    entries = [re.match(r"filetest: entry '(.*)'$", line).group(1)
               for line in out if line.startswith('filetest: entry ')]
    assert set(entries[:-1]) == TOP_ENTRIES and len(entries) == len(TOP_ENTRIES) + 1
    assert entries[-1] == F4.rsplit('/', 1)[1]

    # On the disk, after power-off: exactly these files, exactly these bytes.
    folder = '/fomos/data/filetest'
    want = expected_files()
    found = {p for p in listing(img, folder) if not p.endswith('/')}
    assert found == {f'{folder}/{name}' for name in want}, 'no other file, the deleted one gone'
    for name, data in want.items():
        got = mtype(img, f'{folder}/{name}')
        assert got == data, f'{name}: {len(got)} bytes on the disk, {len(data)} expected' + \
            ('' if len(got) != len(data) else ', contents differ')
    fsck_clean(img)


def test_escapes_are_refused_and_nothing_is_written_elsewhere(filetest, tmp_path):
    text, _, img, before, _ = filetest
    out = lines_of(text, 'filetest')
    esc = [re.match(r"filetest: escape (\d+) '(.*)' -> (-?\d+)$", line).groups()
           for line in out if line.startswith('filetest: escape ')]
    assert [p for _, p, _ in esc] == ESCAPES
    assert all(int(r) == E_PATH for _, _, r in esc), \
        'not refused with FOMOS_E_PATH: ' + ', '.join(f'{p!r} -> {r}' for _, p, r in esc if int(r) != E_PATH)
    assert f'filetest: escape-unterminated 0 -> {E_PATH}' in out, '128 bytes without a NUL'

    # Outside /fomos/data/filetest/ every file is as it was, and no new one.
    old, new = extract(before, tmp_path / 'before'), extract(img, tmp_path / 'after')
    outside = {p for p in new if not p.startswith('/fomos/data/filetest/')}
    assert outside == set(old), f'files appeared or vanished: {sorted(outside ^ set(old))}'
    changed = [p for p in old if old[p] != new[p]]
    assert not changed, f'files outside the app folder changed: {changed}'
    folders = {p for p in listing(img) if p.endswith('/')} - {p for p in listing(before) if p.endswith('/')}
    assert all(p == '/fomos/data/' or p.startswith('/fomos/data/filetest/') for p in folders), \
        f'new folders: {sorted(folders)}'


def test_wild_pointers_are_refused_and_everyone_keeps_running(filetest):
    text, ps, _, _, _ = filetest
    out = lines_of(text, 'filetest')
    wild = dict(re.match(r'filetest: wild (\S+) -> (-?\d+)$', line).groups()
                for line in out if line.startswith('filetest: wild '))
    assert list(wild) == WILD
    assert all(int(r) == E_BADARG for r in wild.values()), f'not FOMOS_E_BADARG: {wild}'
    # A read into surface pages the app gave back while it was pending ends
    # with BADARG; a request struct that lived there is dropped, and the
    # kernel does not fault writing its status.
    assert f'filetest: surface read 0 -> {E_BADARG}' in out
    assert 'filetest: size after 0 -> 3000' in out, 'the file service works on'
    assert 'fault:' not in text and 'panic' not in text
    row = re.search(r'(?m)^\s*\d+ filetest\s+ended\s.*$', ps)
    assert row and 'exit code -1' in row.group(0), f'filetest did not just end:\n{ps}'
    assert re.search(r'(?m)^\s*\d+ counter\s+running', ps), ps


# --- 4: the executor does not wait for the disk ------------------------------------------------

# ticker returns 100 (ms).  Under TCG its gaps measured 120-160 ms on a quiet
# host, up to 560 ms on a busy one, while filebig's transfer took 5-9 s (its
# writes go one fsync'd 64 KiB slice at a time).  A service that did each
# request in one go stopped the ticker for 2.2 s of a 3.9 s transfer (the
# single 8 MiB request).  So: no gap over 1 s, or over a quarter of the
# whole transfer when the host is so slow that the transfer itself takes
# more than 4 s of that; both scale with a slow host, a stall does not hide.
MAX_GAP_MS = 1000
MAX_GAP_SHARE = 0.25


def test_executor_keeps_calling_apps_during_a_big_transfer(machine):
    m = machine(files={'/fomos/init': b'ticker\n'})
    boot_to_prompt(m)
    assert 'started filebig' in command(m, 'run filebig')
    m.wait_for(r'filebig: done', timeout=300)
    text = m.serial_text
    out = lines_of(text, 'filebig')
    for phase in ('write', 'read', 'one'):
        assert f'filebig: {phase} at' in text
        assert re.search(rf'filebig: {phase} at \d+ ms done, status 0\r', text), phase
        assert re.search(rf'filebig: {phase} at \d+ ms bytes 8388608\r', text), phase
    assert any(line.startswith('filebig: verify ok') for line in out), out

    # The ticker's clock around filebig's transfer, both in guest ms: from
    # the ticker's last line before the first request to its first line
    # after the last answer, so that a stall at either edge counts too.
    t0 = int(re.search(r'filebig: write at (\d+) ms requests', text).group(1))
    t1 = int(re.search(r'filebig: one at (\d+) ms done', text).group(1))
    m.wait_for(r'ticker \d+ at \d+ ms\r', timeout=10)  # one more after t1
    ticks = [int(t) for t in re.findall(r'ticker \d+ at (\d+) ms\r', m.serial_text)]
    before = [t for t in ticks if t <= t0]
    after = [t for t in ticks if t >= t1]
    assert before and after, f'ticker lines around {t0}..{t1} ms: {ticks}'
    window = [before[-1]] + [t for t in ticks if t0 < t < t1] + [after[0]]
    gaps = [b - a for a, b in zip(window, window[1:])]
    print(f'filebig moved 24 MiB in {t1 - t0} ms; the ticker ran {len(window) - 2} times '
          f'meanwhile, its largest gap {max(gaps)} ms')
    bound = max(MAX_GAP_MS, MAX_GAP_SHARE * (t1 - t0))
    assert max(gaps) <= bound, f'the ticker stalled for {max(gaps)} ms (bound {bound:.0f}): {window}'

    power_off(m)
    big = big_pattern()
    for name in ('big.bin', 'big2.bin'):
        got = mtype(m.image, f'/fomos/data/filebig/{name}')
        assert len(got) == len(big) and hashlib.sha256(got).digest() == hashlib.sha256(big).digest(), \
            f'{name} on the disk is not what filebig wrote'
    fsck_clean(m.image)


# --- 5: files outlive the machine --------------------------------------------------------------

def run_fileapp(m):
    boot_to_prompt(m)
    assert 'started fileapp' in command(m, 'run fileapp')
    m.wait_for(r'fileapp: queued pending \d+\r', timeout=120)
    return lines_of(m.serial_text, 'fileapp')


def test_files_persist_across_a_reboot(machine):
    m = machine(files={'/fomos/init': b'# none\n'})
    out = run_fileapp(m)
    # The same results fomos-host gives (test/host/test_host.py).
    assert 'fileapp: run 1' in out
    assert "fileapp: read 'hello FOMOSfomos|'" in out
    assert 'fileapp: size 17' in out
    assert "fileapp: list 'keep.txt|notes/|'" in out
    assert 'fileapp: small list -27' in out
    assert 'fileapp: delete full folder -22' in out
    assert 'fileapp: read deleted -2' in out and 'fileapp: delete folder 0' in out
    assert 'fileapp: queued pending 12' in out, 'every request pending when file() returned'
    power_off(m)
    assert mtype(m.image, '/fomos/data/fileapp/keep.txt') == b'1'
    assert listing(m.image, '/fomos/data/fileapp') == {'/fomos/data/fileapp/keep.txt'}

    again = machine(image=m.image)
    out = run_fileapp(again)
    assert 'fileapp: run 2' in out, 'keep.txt from the first boot was read back'
    power_off(again)
    assert mtype(again.image, '/fomos/data/fileapp/keep.txt') == b'2'
    fsck_clean(again.image)


# --- 6: `run NAME` reads the disk -------------------------------------------------------------

DISKRUN = qemu.ROOT / 'build' / 'apps' / 'diskrun.app'
MARK = b'diskrun: version A'


def test_run_starts_an_app_copied_onto_the_disk(machine):
    if not DISKRUN.exists():
        pytest.fail(f'{DISKRUN} is missing: run ninja first', pytrace=False)
    m = machine(files={'/fomos/init': b'# none\n'})
    boot_to_prompt(m)
    assert 'no such app' in command(m, 'run diskrun')
    power_off(m)

    # Copied onto the disk with QEMU stopped, as a person would.
    qemu.put_file(m.image, '/fomos/apps/diskrun.app', DISKRUN.read_bytes(), m.dir / 'diskrun')
    again = machine(image=m.image)
    boot_to_prompt(again)
    assert 'started diskrun' in command(again, 'run diskrun')
    again.wait_for(r'diskrun\[\d+\]: diskrun: version A\r', timeout=10)

    # Now change the file on the disk under the running kernel, through
    # QEMU's own block layer (its HMP qemu-io), so that the copy efi/
    # loaded at boot is stale: `run` must start what the disk holds now.
    data = again.image.read_bytes()
    assert data.count(MARK) == 1, 'diskrun.app is on the disk exactly once'
    offset = data.index(MARK) + len(MARK) - 1
    # (qemu-io answers on QEMU's stdout, not here: look at the image.)
    again.qmp('human-monitor-command',
              **{'command-line': f'qemu-io esp "write -P 0x42 {offset} 1"'})
    assert again.image.read_bytes()[offset:offset + 1] == b'B', 'qemu-io wrote the image'
    assert 'started diskrun' in command(again, 'run diskrun')
    again.wait_for(r'diskrun\[\d+\]: diskrun: version B\r', timeout=10)


# --- 7: a read-only boot disk -----------------------------------------------------------------

def test_read_only_disk_boots_reads_and_refuses_writes(machine):
    m = machine(files={'/fomos/init': b'counter\n', '/fomos/data/fileapp/keep.txt': b'5'},
                esp_readonly=True)
    boot_to_prompt(m)
    assert re.search(r'files: vd[a-z] FAT32 volume \S+, \d+ MiB, \d+ MiB free, read-only\r',
                     m.serial_text), 'files: says read-only'
    before = hashlib.sha256(m.image.read_bytes()).digest()
    assert 'started fileapp' in command(m, 'run fileapp')
    m.wait_for(r'fileapp: queued pending \d+\r', timeout=60)
    out = lines_of(m.serial_text, 'fileapp')
    assert 'fileapp: run 6' in out, 'keep.txt (5) read from the read-only disk'
    refused = [line for line in out if line.startswith('fileapp: queue refused')]
    # Its two replaces, its write and its three deletes: each refused at
    # once with NODISK; its reads, size and lists went to the disk.
    assert len(refused) == 6 and all(r == f'fileapp: queue refused {E_NODISK}' for r in refused), out
    assert "fileapp: list 'keep.txt|'" in out
    m.wait_for(r'counter\[\d+\]: counter \d+\r', timeout=10)
    power_off(m)
    assert hashlib.sha256(m.image.read_bytes()).digest() == before
