#!/usr/bin/env python3
"""Makes build/fomos-usb.img: a disk image to write to a USB stick with dd.

    make_usb_image.py OUT.img ESP.img

A GPT disk (UEFI 2.10, chapter 5) with one EFI system partition, 1 MiB
aligned, whose contents are ESP.img (build/esp-pristine.img: the FAT32
volume `ninja` builds, with /EFI/BOOT/BOOTX64.EFI and /fomos/).  The
protective MBR, both GPT headers and both partition tables are written
here, so no partitioning tool and no root are needed.  GUIDs are derived
from the volume's contents: the same build gives the same image.
"""

import struct
import sys
import uuid
import zlib
from pathlib import Path

SECTOR = 512
FIRST = 2048                     # the partition starts at 1 MiB
ENTRIES, ENTRY_SIZE = 128, 128   # the usual table: 32 sectors
TABLE_SECTORS = ENTRIES * ENTRY_SIZE // SECTOR
FIRST_USABLE = 2 + TABLE_SECTORS  # after the MBR, the header and the table
ESP_TYPE = uuid.UUID('c12a7328-f81f-11d2-ba4b-00a0c93ec93b')
NAMESPACE = uuid.UUID('5f0a3b5e-6c1d-4f6e-9a3e-466f6d6f7362')  # ours, for uuid5


def header(disk_guid, current, backup, table_lba, last_usable, table_crc):
    fields = [b'EFI PART', 0x00010000, 92, 0, 0, current, backup, FIRST_USABLE, last_usable,
              disk_guid.bytes_le, table_lba, ENTRIES, ENTRY_SIZE, table_crc]
    fmt = '<8sIIIIQQQQ16sQIII'
    crc = zlib.crc32(struct.pack(fmt, *fields))
    fields[3] = crc
    return struct.pack(fmt, *fields).ljust(SECTOR, b'\0')



def protective_mbr(total):
    entry = struct.pack('<B3sB3sII', 0, b'\x00\x02\x00', 0xEE, b'\xff\xff\xff', 1,
                        min(total - 1, 0xFFFFFFFF))
    return bytes(446) + entry + bytes(48) + b'\x55\xaa'


def main():
    out, esp = Path(sys.argv[1]), Path(sys.argv[2])
    volume = bytearray(esp.read_bytes())
    if len(volume) % SECTOR or volume[510:512] != b'\x55\xaa' or volume[82:90] != b'FAT32   ':
        sys.exit(f'{esp}: not a FAT32 volume')
    # The BPB's hidden sectors (offset 28) say where the volume starts on
    # the disk: in the boot sector and in its backup (sector 6).
    for boot in (0, 6 * SECTOR):
        struct.pack_into('<I', volume, boot + 28, FIRST)
    count = len(volume) // SECTOR
    # Room after the partition for the backup table and header, the whole
    # disk a number of MiB.
    total = -(-(FIRST + count + TABLE_SECTORS + 1) // 2048) * 2048
    last_usable = total - TABLE_SECTORS - 2
    digest = uuid.uuid5(NAMESPACE, zlib.crc32(volume).to_bytes(4, 'little').hex())
    disk_guid, part_guid = uuid.uuid5(digest, 'disk'), uuid.uuid5(digest, 'esp')

    name = 'EFI system partition'.encode('utf-16-le').ljust(72, b'\0')
    entry = struct.pack('<16s16sQQQ72s', ESP_TYPE.bytes_le, part_guid.bytes_le, FIRST,
                        FIRST + count - 1, 0, name)
    table = entry.ljust(ENTRIES * ENTRY_SIZE, b'\0')
    table_crc = zlib.crc32(table)

    tmp = out.with_suffix('.tmp')
    with open(tmp, 'wb') as f:
        f.truncate(total * SECTOR)
        f.write(protective_mbr(total))
        f.write(header(disk_guid, 1, total - 1, 2, last_usable, table_crc))
        f.write(table)
        f.seek(FIRST * SECTOR)
        f.write(volume)
        f.seek((total - 1 - TABLE_SECTORS) * SECTOR)
        f.write(table)
        f.write(header(disk_guid, total - 1, 1, total - 1 - TABLE_SECTORS, last_usable, table_crc))
    tmp.replace(out)


if __name__ == '__main__':
    main()
