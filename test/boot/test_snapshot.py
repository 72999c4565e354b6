"""Apps that survive a reboot: `save`, `suspend` and the next boot's resume
(kernel/exec/exec_snap.c, format in kernel/exec/snapshot.c)."""

import re
import subprocess

from console import READY, boot_to_prompt, command

SAVED = r'snapshot: saved (\d+) apps \((\d+) KiB\) to /fomos/state/slot(\d)\.snap, sequence (\d+), in (\d+) ms\r'
KEEPER = r'keeper\[(\d+)\]: keeper: n=(\d+) x=(\d+) chain=(\w+) time=(\d+)\r'
COUNTER = r'counter\[(\d+)\]: counter (\d+)\r'


def last(m, regex):
    found = re.findall(regex, m.serial_text)
    assert found, f'no {regex!r} on serial'
    return found[-1]


def power_off(m):
    m.send('shutdown\r')
    m.wait_for(r'power: off', 30)
    m.proc.wait(60)


def suspend(m):
    """Types `suspend`; returns the save's figures once QEMU has powered off."""
    command(m, 'suspend')
    saved = m.wait_for(SAVED, 120).groups()
    m.wait_for(r'snapshot: suspended', 30)
    m.proc.wait(60)
    return saved


def test_suspend_and_resume_keep_counters_windows_and_pointers(machine):
    m = machine(files={'/fomos/init': b'counter\nkeeper\n'})
    boot_to_prompt(m)
    m.wait_for(r'counter\[1\]: counter 10\r', 60)
    m.wait_for(r'keeper\[2\]: keeper: n=20 ', 60)
    apps, _, slot, seq, _ = suspend(m)
    assert apps == '2'
    counted = int(last(m, COUNTER)[1])
    kpid, kn, kx, chain, ktime = last(m, KEEPER)
    assert chain == 'OK'

    r = machine(image=m.image)
    r.wait_for(READY)
    r.wait_for(rf'snapshot: resuming 2 apps from /fomos/state/slot{slot}\.snap, sequence {seq}\r', 60)
    r.wait_for(r'snapshot: resumed counter as pid 1\r', 30)
    r.wait_for(r'snapshot: resumed keeper as pid 2\r', 30)
    r.wait_for(r'exec: counter is running already \(resumed\), not started again', 30)
    # The counter goes on from where it was: the next value, not 1.
    pid, value = r.wait_for(COUNTER, 30).groups()
    assert (pid, int(value)) == ('1', counted + 1)
    pid, n, x, chain, t = r.wait_for(KEEPER, 30).groups()
    assert pid == '2' and chain == 'OK', 'the pointer chain in its arena walks after the resume'
    assert int(n) > int(kn) and int(n) - int(kn) <= 10
    assert int(t) > int(ktime), 'its clock went on, not back'
    assert 'the clock went back' not in r.serial_text
    # Its window is where its counter puts it, showing what it drew before
    # the suspend (it draws only at its first call): the surface came back.
    r.wait_for(KEEPER, 30)
    _, n, x, _, _ = last(r, KEEPER)
    img = r.screendump()
    x = int(x)
    # The window may have moved a few pixels since that line; its title
    # bar (blue) spans 160 pixels from x: check inside the overlap.
    assert img.pixel(x + 60, 160) == (0x20, 0x40, 0xc0)
    assert img.pixel(x + 60, 175) in ((0xe0, 0xa0, 0x20), (0x20, 0xa0, 0x60))
    # pids go on above the resumed ones.
    out = command(r, 'run counter')
    assert re.search(r'started counter as pid (\d+)', out).group(1) == '3'


def test_resume_no_starts_fresh_and_keeps_the_snapshot(machine):
    m = machine(files={'/fomos/init': b'counter\n'})
    boot_to_prompt(m)
    m.wait_for(r'counter\[1\]: counter 5\r', 60)
    suspend(m)
    r = machine(image=m.image, cfg='resume=no\n')
    r.wait_for(r'snapshot: resume=no in boot.cfg: starting fresh \(the snapshot stays on the disk\)', 60)
    assert r.wait_for(COUNTER, 30).groups() == ('1', '1')
    power_off(r)
    again = machine(image=m.image, cfg='resume=yes\n')
    again.wait_for(r'snapshot: resumed counter as pid 1\r', 60)
    assert int(again.wait_for(COUNTER, 30).group(2)) > 5


def test_two_slots_are_used_in_turn_and_the_newest_is_loaded(machine):
    m = machine(files={'/fomos/init': b'counter\n'})
    boot_to_prompt(m)
    slots = []
    for _ in range(3):
        command(m, 'save')
        slots.append(m.wait_for(SAVED, 120).group(3, 4))
    assert [s for s, _ in slots] == ['0', '1', '0']
    assert [int(q) for _, q in slots] == [1, 2, 3]
    power_off(m)
    r = machine(image=m.image)
    r.wait_for(r'snapshot: resuming 1 apps from /fomos/state/slot0\.snap, sequence 3\r', 60)


def flip(image, path, offset, scratch):
    """Flips one byte of `path` inside the FAT image."""
    subprocess.run(['mcopy', '-o', '-i', str(image), '::' + path, str(scratch)], check=True)
    data = bytearray(scratch.read_bytes())
    data[offset] ^= 0x40
    scratch.write_bytes(bytes(data))
    subprocess.run(['mcopy', '-o', '-i', str(image), str(scratch), '::' + path], check=True)
    return len(data)


def test_a_damaged_snapshot_is_refused_with_a_reason_and_the_other_slot_is_used(machine, tmp_path):
    m = machine(files={'/fomos/init': b'counter\n'})
    boot_to_prompt(m)
    command(m, 'save')
    m.wait_for(SAVED, 120)                        # slot 0, sequence 1
    m.wait_for(r'counter\[1\]: counter 10\r', 60)
    command(m, 'save')
    m.wait_for(SAVED, 120)                        # slot 1, sequence 2
    power_off(m)
    # A byte of the saved pages, near the end: only the checksum can tell.
    size = flip(m.image, '/fomos/state/slot1.snap', -2000, tmp_path / 'slot1')
    assert size > 5000
    r = machine(image=m.image)
    r.wait_for(r'snapshot: /fomos/state/slot1\.snap refused: .*checksum mismatch', 60)
    r.wait_for(r'snapshot: resuming 1 apps from /fomos/state/slot0\.snap, sequence 1\r', 30)
    power_off(r)
    # Both damaged: reported, and the apps start fresh.
    flip(m.image, '/fomos/state/slot0.snap', 8, tmp_path / 'slot0')
    r2 = machine(image=m.image)
    assert r2.wait_for(COUNTER, 60).groups() == ('1', '1')
    # The newest (by its header) is read first; both are refused, each with
    # its reason.
    assert re.search(r'snapshot: /fomos/state/slot1\.snap refused: .*checksum mismatch', r2.serial_text)
    # (version 3, its bit 0x40 flipped)
    assert re.search(r'snapshot: /fomos/state/slot0\.snap refused: format version 67 ', r2.serial_text)
    assert 'resuming' not in r2.serial_text


def test_an_app_whose_file_changed_starts_fresh_and_the_others_resume(machine, tmp_path):
    m = machine(files={'/fomos/init': b'counter\nkeeper\n'})
    boot_to_prompt(m)
    m.wait_for(r'keeper\[2\]: keeper: n=10 ', 60)
    suspend(m)
    # A new version of counter (here: one byte of padding in its name field
    # would be refused; append nothing, change a constant string instead).
    scratch = tmp_path / 'counter.app'
    subprocess.run(['mcopy', '-o', '-i', str(m.image), '::/fomos/apps/counter.app', str(scratch)], check=True)
    data = bytearray(scratch.read_bytes())
    at = data.find(b'counter ')
    data[at:at + 8] = b'COUNTER '
    scratch.write_bytes(bytes(data))
    subprocess.run(['mcopy', '-o', '-i', str(m.image), str(scratch), '::/fomos/apps/counter.app'], check=True)
    r = machine(image=m.image)
    r.wait_for(r'snapshot: counter\[1\]: /fomos/apps/counter\.app changed since the snapshot, starting it fresh', 60)
    r.wait_for(r'snapshot: resumed keeper as pid 2\r', 30)
    r.wait_for(r'counter\[\d+\]: COUNTER 1\r', 30)
    assert r.wait_for(KEEPER, 30).group(4) == 'OK'


def test_fsck_finds_nothing_to_fix_after_saves(machine):
    m = machine(files={'/fomos/init': b'counter\nkeeper\n'})
    boot_to_prompt(m)
    for _ in range(3):
        command(m, 'save')
        m.wait_for(SAVED, 120)
    power_off(m)
    fsck = subprocess.run(['fsck.fat', '-n', str(m.image)], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def test_a_save_that_does_not_fit_says_so_and_costs_nothing_else(machine):
    # bigmem64 fills 64 MiB of its arena: more than the 64 MiB image has free.
    m = machine(files={'/fomos/init': b'counter\nbigmem64 nofb quota=80M\n'})
    boot_to_prompt(m)
    m.wait_for(r'bigmem: allocated 64 MiB', 120)
    command(m, 'save')
    m.wait_for(r'snapshot: not saved: the boot disk is full \(.*\); the previous snapshot is still there', 300)
    # The apps go on, the half-written slot is gone, and the disk is whole.
    before = int(last(m, COUNTER)[1])
    m.wait_for(rf'counter\[1\]: counter {before + 3}\r', 30)
    m.wait_for(r'bigmem64\[2\]: bigmem: g=\d+ pages=\d+ consistent=yes', 60)
    power_off(m)
    listing = subprocess.run(['mdir', '-b', '-i', str(m.image), '::/fomos/state'],
                             capture_output=True, text=True).stdout
    assert 'slot0' not in listing.lower()
    fsck = subprocess.run(['fsck.fat', '-n', str(m.image)], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
