"""A save is atomic: QEMU killed at 20 random moments during `save`, and
every next boot resumes from a complete snapshot, the old one or the new
one, never a mix (kernel/exec/exec_snap.c; the format's sums and header-last
order are kernel/exec/snapshot.c's).

The apps: counter (logs every value) and bigmem (test/apps/bigmem.c: 48 MiB
whose every page carries the generation g of the call that last wrote it;
it checks them all at every call and says consistent=no, for good, if a
page ever holds another generation than the rest).  What the snapshot held
is known from outside: a resumed counter logs its saved value + 1 first,
and a resumed bigmem's first line says g = the next multiple of 10 above
its saved g.  So two boots that resume the same save print the same first
lines, exactly.
"""

import os
import random
import re
import subprocess
import time

from console import boot_to_prompt, command
from qemu import ROOT
from test_snapshot import SAVED

COUNTER = r'counter\[\d+\]: counter (\d+)\r'
BIGMEM = r'bigmem\[\d+\]: bigmem: g=(\d+) pages=(\d+) consistent=(\w+)\r'
RESUMING = r'snapshot: resuming (\d+) apps from /fomos/state/slot(\d)\.snap, sequence (\d+)\r'
RESUMED = r'snapshot: (\d+) of (\d+) apps resumed in (\d+) ms\r'
CUTS = 20
# bigmem runs under the default 100 ms budget: each call allocates 4 MiB and
# the arena grows by at most 4 MiB at a time (kernel/exec/appmem.c).
BIGMEM_INIT = b'counter\nbigmem nofb\n'


def big_esp(path, size='256M'):
    """build/esp.img's files on a bigger FAT32 disk: two slots of a 48 MiB
    app do not fit the 64 MiB image `ninja` makes (same recipe as its
    esp_image rule)."""
    esp = ROOT / 'build' / 'esp'
    subprocess.run(['truncate', '-s', size, str(path)], check=True)
    subprocess.run(['mformat', '-i', str(path), '-F', '-v', 'FOMOS', '::'], check=True)
    subprocess.run(['mcopy', '-s', '-i', str(path), str(esp / 'EFI'), str(esp / 'fomos'), '::'], check=True)
    return path


def fsck(image):
    r = subprocess.run(['fsck.fat', '-n', str(image)], capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


def last_value(m, regex, known):
    """The value in the last complete line matching regex (its first group),
    or `known` if there is none yet: a line wait_for matched at its \\r
    is in serial_text only once its \\n arrived."""
    found = re.findall(regex, m.serial_text)
    if not found:
        return known
    v = found[-1]
    return max(known, int(v if isinstance(v, str) else v[0]))


def first_lines_after_resume(m):
    """Waits for the resume; returns (sequence, g, consistent, counter) from
    the first lines the two resumed apps print."""
    seq = int(m.wait_for(RESUMING, 90).group(3))
    resumed = m.wait_for(RESUMED, 60)
    done, total, _ = resumed.groups()
    assert (done, total) == ('2', '2'), f'{done} of {total} apps resumed'
    start = resumed.end()
    g = m.wait_for(BIGMEM, 60)
    # The counter's first line may come before or after bigmem's.
    c = re.compile(COUNTER).search(m.serial_text, start)
    if c is None or c.start() > g.end():
        c = m.wait_for(COUNTER, 30)
    return seq, int(g.group(1)), g.group(3), int(c.group(1))


def test_power_cut_during_save_resumes_old_or_new_never_a_mix(machine, tmp_path):
    seed = int(os.environ.get('FOMOS_KILL_SEED', '6'))
    rng = random.Random(seed)
    image = big_esp(tmp_path / 'big.img')
    m = machine(image=image, memory='512M', files={'/fomos/init': BIGMEM_INIT})
    boot_to_prompt(m)
    m.wait_for(r'bigmem: allocated 48 MiB in 12288 pages\r', 120)
    m.wait_for(r'bigmem: g=20 ', 60)

    # Saves first, so that both slots exist at their full size: every
    # later save then rewrites a slot in place, in clusters its file
    # already has.  A cut can then only leave a slot's bytes half new
    # (which the snapshot's sums catch), never the FAT itself half
    # updated: no cluster is allocated or freed during the saves we cut,
    # so fsck must find nothing, not even lost clusters.  The third save
    # is already such a rewrite: the kernel's figures for it tell how long
    # the saves we cut take.
    took = []
    for _ in range(3):
        command(m, 'save')
        saved = m.wait_for(SAVED, 120).groups()
        took.append(int(saved[4]) / 1000)
    size_kib, seq_done = int(saved[1]), int(saved[3])
    assert seq_done == 3 and size_kib > 48 * 1024
    # Each cut falls at a random moment in [0, 1.2 x a save] after the
    # kernel took the request (its answer line: from typing to that line
    # is the serial line and the machine's load, not the save), so a few
    # land just after the end.  The shortest of the three: on a busy
    # machine one save may take several times another, and a window too
    # long would put most cuts after the end; one too short only puts them
    # earlier in the save.
    window = 1.2 * min(took)

    g_lo = c_lo = 0  # the last values seen before the next `save`
    first = {}  # sequence -> the first (g, counter) a boot resumed from it printed
    cuts, problems = [], []
    try:
        for i in range(CUTS):
            g_lo, c_lo = last_value(m, BIGMEM, g_lo), last_value(m, COUNTER, c_lo)
            delay = rng.uniform(0, window)
            start = m.mark()
            m.send('save\r')
            # The kernel took it: it saves right after the current round.
            m.wait_for(r'saving 2 apps to /fomos/state/', 30)
            # This sleep is the random moment of the power cut itself, not a
            # wait for anything: the cut must be able to fall anywhere in the
            # save, its beginning, middle or end.
            time.sleep(delay)
            # A hard kill: whatever QEMU has not yet written to the image
            # file is lost, as in a power cut.
            m.proc.kill()
            m.__exit__(None, None, None)  # reads what QEMU had sent before dying
            saved = re.compile(SAVED).search(m.serial_text, start)
            code, out = fsck(image)
            if code != 0:
                problems.append(f'cut {i}: fsck.fat -n exit {code}:\n{out}')

            m = machine(image=image, memory='512M')
            seq, g, consistent, c = first_lines_after_resume(m)
            cuts.append((round(delay, 3), bool(saved), seq))
            where = f'cut {i} at {delay:.3f} s of {window:.3f}'
            assert consistent == 'yes', f'{where}: bigmem found pages of two saves'
            assert seq in (seq_done, seq_done + 1), \
                f'{where}: resumed sequence {seq}, the last complete save was {seq_done}'
            if saved:
                assert seq == seq_done + 1, f'{where}: the save said it was done, yet the boot resumed {seq}'
            if seq == seq_done + 1:
                # The new save: taken after we typed `save`, so after the
                # values logged before it.
                assert g - 1 >= g_lo, f'{where}: new sequence {seq} but g={g}, below {g_lo} before the save'
                assert c >= c_lo + 1, f'{where}: new sequence {seq} but counter {c}, below {c_lo} + 1'
                first[seq] = (g, c)
                seq_done = seq
            elif seq in first:
                # The old save again: exactly what the previous resume of
                # it showed, not a byte of the cut save in it.
                assert (g, c) == first[seq], \
                    f'{where}: sequence {seq} resumed as g={g} counter={c}, before as {first[seq]}'
            else:
                first[seq] = (g, c)
            g_lo, c_lo = g, c
    except AssertionError as e:
        raise AssertionError(f'{e}\n(seed {seed}, FOMOS_KILL_SEED={seed} repeats the moments; '
                             f'cuts so far (delay s, saved seen, resumed sequence): {cuts})') from None

    assert not all(done for _, done, _ in cuts), f'no cut fell inside a save: {cuts} (seed {seed})'
    print(f'seed {seed}, window {window:.3f} s (saves took {took} s); '
          f'cuts (delay s, saved seen, resumed sequence): {cuts}')
    # The machine is up on the last resume; its own clean power-off writes
    # nothing to the FAT.
    m.send('shutdown\r')
    m.wait_for(r'power: off', 30)
    m.proc.wait(60)
    code, out = fsck(image)
    if code != 0:
        problems.append(f'after the last boot: fsck.fat -n exit {code}:\n{out}')
    assert not problems, '\n'.join(problems) + f'\n(seed {seed})'
