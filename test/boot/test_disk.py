"""virtio-blk: disks found, read with many requests in flight, written,
flushed; read-only disks and device errors refused per request.

One shared boot carries the ESP plus three extra disks: random data on a
modern-only device (1af4:1042), a read-only one, and one whose sectors
from BAD_SECTOR on fail with EIO (QEMU's blkdebug).  The write test boots
its own machine so that the image can be checked after QEMU has exited.
"""

import random
import re
import struct
import zlib

import pytest

from console import boot_to_prompt, command

DATA_SECTORS = 16384        # 8 MiB
RO_SECTORS = 2048           # 1 MiB
BAD_SECTORS = 4096          # 2 MiB
BAD_SECTOR = 3000           # reads covering it fail
SCRATCH_SECTORS = 6144      # 3 MiB
ESP_SECTORS = 131072        # build/esp.img is 64 MiB
QUIET = {'/fomos/init': b'# no apps: only the commands write on serial\n'}
PROBE = r'virtio-blk: (vd[a-z]) (\d+) sectors \((\d+) MiB\), (read-only|read-write), queue (\d+), (\d+) in flight'


def disk_args(name, path, device='', drive=''):
    return ['-drive', f'if=none,id={name},format=raw,file={path}{drive}',
            '-device', f'virtio-blk-pci,drive={name}{device}']


def probed(m):
    """name -> (sectors, read_only, queue size, in flight) from the boot log."""
    return {g[0]: (int(g[1]), g[3] == 'read-only', int(g[4]), int(g[5]))
            for g in re.findall(PROBE, m.serial_text)}


def name_of(m, sectors):
    names = [n for n, p in probed(m).items() if p[0] == sectors]
    assert len(names) == 1, f'one disk of {sectors} sectors expected: {probed(m)}'
    return names[0]


@pytest.fixture(scope='module')
def disks(shared_machine_factory, tmp_path_factory):
    d = tmp_path_factory.mktemp('disks')
    rnd = random.Random(6)
    data = rnd.randbytes(DATA_SECTORS * 512)
    ro = rnd.randbytes(RO_SECTORS * 512)
    (d / 'data.img').write_bytes(data)
    (d / 'ro.img').write_bytes(ro)
    (d / 'bad.img').write_bytes(rnd.randbytes(BAD_SECTORS * 512))
    (d / 'bad.conf').write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n'
                                f'sector = "{BAD_SECTOR}"\nonce = "off"\n')
    extra = (disk_args('data', d / 'data.img', ',disable-legacy=on')
             + disk_args('ro', d / 'ro.img', drive=',readonly=on')
             + ['-drive', f'if=none,id=bad,driver=raw,file.driver=blkdebug,'
                f'file.config={d / "bad.conf"},file.image.filename={d / "bad.img"}',
                '-device', 'virtio-blk-pci,drive=bad'])
    m = shared_machine_factory(extra_args=extra, files=QUIET)
    boot_to_prompt(m)
    return m, data, ro


def test_every_disk_is_probed_with_its_size_and_mode(disks):
    m, _, _ = disks
    found = probed(m)
    sizes = sorted((p[0], p[1]) for p in found.values())
    assert sizes == sorted([(ESP_SECTORS, False), (DATA_SECTORS, False), (RO_SECTORS, True),
                            (BAD_SECTORS, False)])
    for sectors, ro, queue, depth in found.values():
        assert depth >= 32 and depth <= queue
    assert re.search(PROBE.replace('(vd[a-z])', name_of(m, ESP_SECTORS)), m.serial_text)


def test_disk_lists_capacity_mode_and_depth(disks):
    m, _, _ = disks
    out = command(m, 'disk')
    for name, (sectors, ro, _, depth) in probed(m).items():
        assert re.search(rf'{name}: {sectors} sectors \({sectors // 2048} MiB\), '
                         rf'{"ro" if ro else "rw"}, queue depth {depth}', out), out


def sum_of(m, args):
    out = command(m, f'disk sum {args}', timeout=120)
    found = re.search(r'crc32 ([0-9a-f]{8}), ([\d.]+) MB/s', out)
    assert found, out
    return int(found.group(1), 16)


def test_sum_of_a_whole_disk_matches_the_image(disks):
    m, data, _ = disks
    assert sum_of(m, name_of(m, DATA_SECTORS)) == zlib.crc32(data)


@pytest.mark.parametrize('first,count', [(0, 1), (1001, 3333), (DATA_SECTORS - 129, 129)])
def test_sum_of_a_range_matches_the_image(disks, first, count):
    m, data, _ = disks
    want = zlib.crc32(data[first * 512:(first + count) * 512])
    assert sum_of(m, f'{name_of(m, DATA_SECTORS)} {first} {count}') == want


def test_write_to_a_read_only_disk_fails_and_the_disk_still_reads(disks):
    m, _, ro = disks
    name = name_of(m, RO_SECTORS)
    out = command(m, f'disk wtest {name}')
    assert f'disk wtest: {name}: write at sector 0 failed: read-only device' in out, out
    assert sum_of(m, name) == zlib.crc32(ro)


def test_a_device_error_is_reported_for_its_request_only(disks):
    m, _, _ = disks
    name = name_of(m, BAD_SECTORS)
    out = command(m, f'disk sum {name} {BAD_SECTOR} 1')
    assert f'disk sum: {name}: read at sector {BAD_SECTOR} failed: I/O error reported by the ' \
        'device' in out, out
    # A whole-disk sum stops at the failing request.  (QEMU merges adjacent
    # requests in flight into one backend read, and all of them then fail:
    # the first one reported may start before BAD_SECTOR.)
    out = command(m, f'disk sum {name}', timeout=120)
    found = re.search(rf'disk sum: {name}: read at sector (\d+) failed: I/O error', out)
    assert found and int(found.group(1)) <= BAD_SECTOR, out
    # Requests on either side, on the same device, still succeed.
    assert re.search(r'crc32 [0-9a-f]{8}', command(m, f'disk sum {name} 0 {BAD_SECTOR}'))
    assert re.search(r'crc32 [0-9a-f]{8}',
                     command(m, f'disk sum {name} {BAD_SECTOR + 1} {BAD_SECTORS - BAD_SECTOR - 1}'))


def test_wtest_refuses_the_esp(disks):
    m, _, _ = disks
    esp = name_of(m, ESP_SECTORS)
    before = sum_of(m, f'{esp} 0 64')
    out = command(m, f'disk wtest {esp}')
    assert f'disk wtest: {esp} holds a FAT volume or a partition table: refused' in out, out
    assert sum_of(m, f'{esp} 0 64') == before


@pytest.mark.parametrize('line,answer', [
    ('disk frob', 'usage: disk'),
    ('disk sum', 'usage: disk'),
    ('disk sum nosuch', "disk: no disk named 'nosuch'"),
    ('disk sum vda 5', 'usage: disk'),
    ('disk sum vda x 5', 'usage: disk sum NAME [FIRST COUNT]'),
    ('disk sum vda 131000 100', 'is not inside it'),
    ('disk sum vda 0 0', 'is not inside it'),
    ('disk wtest vda extra', 'usage: disk'),
])
def test_bad_arguments_get_one_line(disks, line, answer):
    m, _, _ = disks
    out = command(m, line)
    answers = [a for a in out.splitlines() if a.startswith(('usage:', 'disk:', 'disk sum:'))]
    assert len(answers) == 1 and answer in answers[0], out


def pattern(sector):
    return struct.pack('<64Q', *[0x466f6d6f00000000 | sector << 6 | w for w in range(64)])


def test_wtest_writes_its_pattern_onto_the_disk_image(machine, tmp_path):
    scratch = tmp_path / 'scratch.img'
    scratch.write_bytes(bytes(SCRATCH_SECTORS * 512))
    m = machine(extra_args=disk_args('scratch', scratch), files=QUIET)
    boot_to_prompt(m)
    name = name_of(m, SCRATCH_SECTORS)
    out = command(m, f'disk wtest {name}', timeout=120)
    assert re.search(rf'disk wtest: {name} sectors 0-{SCRATCH_SECTORS - 1} written, flushed '
                     r'and read back: ok', out), out
    m.send('shutdown\r')
    assert m.wait_exit(60) == 0
    image = scratch.read_bytes()
    assert len(image) == SCRATCH_SECTORS * 512
    bad = [s for s in range(SCRATCH_SECTORS) if image[s * 512:(s + 1) * 512] != pattern(s)]
    assert not bad, f'{len(bad)} sectors differ from the pattern, first {bad[0]}'
