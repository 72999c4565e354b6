"""`ninja usb`: build/fomos-usb.img, the image to write to a USB stick.

Its GPT is read back here field by field (both headers, both tables, their
CRCs, the protective MBR), its EFI system partition must be a clean FAT32
volume holding the files `ninja` built, and the image as built must boot
under OVMF as the only disk of a machine, on a USB stick.
"""

import shutil
import struct
import subprocess
import uuid
import zlib

import pytest

from console import READY
from qemu import ROOT, Machine

IMAGE = ROOT / 'build' / 'fomos-usb.img'
ESP_TYPE = uuid.UUID('c12a7328-f81f-11d2-ba4b-00a0c93ec93b')


@pytest.fixture(scope='module')
def image():
    if not IMAGE.exists():
        pytest.fail(f'{IMAGE} is missing: run ninja usb', pytrace=False)
    return IMAGE.read_bytes()


def gpt_header(data, lba):
    h = data[lba * 512:lba * 512 + 92]
    (sig, rev, size, crc, _, cur, alt, first, last, guid, table, count, esize,
     table_crc) = struct.unpack('<8sIIIIQQQQ16sQIII', h)
    zeroed = h[:16] + b'\0\0\0\0' + h[20:]
    assert sig == b'EFI PART' and rev == 0x10000 and size == 92
    assert zlib.crc32(zeroed) == crc, f'header CRC at LBA {lba}'
    return dict(cur=cur, alt=alt, first=first, last=last, guid=guid, table=table, count=count,
                esize=esize, table_crc=table_crc)


def test_the_usb_image_is_a_gpt_disk_with_one_efi_system_partition(image):
    sectors = len(image) // 512
    assert len(image) % (1 << 20) == 0, 'a whole number of MiB'
    mbr = image[:512]
    assert mbr[510:] == b'\x55\xaa' and mbr[446 + 4] == 0xEE, 'a protective MBR'
    primary, backup = gpt_header(image, 1), gpt_header(image, sectors - 1)
    assert (primary['cur'], primary['alt']) == (1, sectors - 1)
    assert (backup['cur'], backup['alt']) == (sectors - 1, 1)
    assert primary['guid'] == backup['guid']
    tables = []
    for h in (primary, backup):
        t = image[h['table'] * 512:h['table'] * 512 + h['count'] * h['esize']]
        assert zlib.crc32(t) == h['table_crc']
        tables.append(t)
    assert tables[0] == tables[1] and primary['table'] == 2 and backup['table'] == sectors - 33
    entries = [tables[0][i:i + 128] for i in range(0, len(tables[0]), 128)]
    used = [e for e in entries if e[:16] != bytes(16)]
    assert len(used) == 1
    ptype, _, first, last, _, name = struct.unpack('<16s16sQQQ72s', used[0])
    assert uuid.UUID(bytes_le=ptype) == ESP_TYPE
    assert first == 2048, 'aligned at 1 MiB'
    assert primary['first'] <= first and last <= primary['last'] < backup['table']
    assert name.decode('utf-16-le').rstrip('\0') == 'EFI system partition'


def test_its_partition_is_a_clean_fat32_volume_with_the_built_files(image, tmp_path):
    part = tmp_path / 'esp.img'
    part.write_bytes(image[2048 * 512:(2048 + 131072) * 512])
    fsck = subprocess.run(['fsck.fat', '-n', str(part)], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    assert struct.unpack_from('<I', part.read_bytes(), 28)[0] == 2048, 'hidden sectors: where it starts'
    for path, built in [('/EFI/BOOT/BOOTX64.EFI', ROOT / 'build' / 'BOOTX64.EFI'),
                        ('/fomos/init', ROOT / 'apps' / 'init'),
                        ('/fomos/apps/console.app', ROOT / 'build' / 'apps' / 'console.app')]:
        out = tmp_path / 'out'
        subprocess.run(['mcopy', '-o', '-i', str(part), '::' + path, str(out)], check=True)
        assert out.read_bytes() == built.read_bytes(), path


def test_the_usb_image_boots_the_desktop_as_the_only_disk(tmp_path):
    stick = tmp_path / 'stick.img'
    shutil.copyfile(IMAGE, stick)
    with Machine(tmp_path / 'm', image=stick, disk='usb', input_devices=False) as m:
        m.wait_for(r'BdsDxe: starting \S+ "UEFI QEMU QEMU USB HARDDRIVE', 60)
        m.wait_for(READY, 60)
        m.wait_for(r'console: window at', 30)
        m.wait_for(r'background: .* drawn on the 1280x800 screen', 60)
        assert 'virtio' not in m.serial_text
        assert m.seen(r'usb-storage: sda 135168 sectors \(66 MiB\), read-write')
        assert m.seen(r'files: sda FAT32 volume FOMOS, 62 MiB, \d+ MiB free, read-write')
