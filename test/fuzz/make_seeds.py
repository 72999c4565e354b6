#!/usr/bin/env python3
"""Writes the app-file seeds in corpus/appfile/ (run once; the files are
committed).  Small hand-made images in the layout kernel/exec/appfile.h describes,
some valid and some one field away from valid, so the fuzzer starts next to
every check instead of at "bad magic".

    python3 test/fuzz/make_seeds.py
"""
import pathlib
import struct

OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "appfile"
MAGIC = 0x505041534F4D4F46
RELATIVE = 8
PAGE = 0x1000


def app(name=b"seed", code=(0x1000, 0x2000), entry=0x1010, data_start=0x3000,
        file_size=0x3040, mem_size=0x4000, relocs=(), reloc_offset=0x2000,
        ctx=1, fmt=1, size=None):
    """One image; relocs are (offset, info, addend) written at reloc_offset."""
    size = file_size if size is None else size
    img = bytearray(size)
    head = struct.pack("<QIIQQQQQQQQ", MAGIC, fmt, ctx, entry, file_size, mem_size,
                       code[0], code[1], data_start, reloc_offset, len(relocs))
    head += name.ljust(32, b"\0")[:32]
    assert len(head) == 112
    img[:112] = head
    for i in range(code[0], min(code[1], size)):
        img[i] = 0xCC                       # int3
    if entry < size:
        img[entry] = 0xC3                   # ret
    for i, r in enumerate(relocs):
        at = reloc_offset + 24 * i
        if at + 24 <= size:
            img[at:at + 24] = struct.pack("<QQq", *r)
    return bytes(img)


TABLE = [(0x3000, RELATIVE, 0x2100), (0x3008, RELATIVE, 0x1010),
         (0x3010, RELATIVE, 0x3020)]

SEEDS = {
    # Valid: code only; code + constants + data + bss with a pointer table.
    "valid_code_only.app": app(data_start=0x2000, file_size=0x2000, mem_size=0x2000,
                               reloc_offset=0),
    "valid_relocs.app": app(relocs=TABLE),
    "valid_bss_only_data.app": app(data_start=0x3000, file_size=0x2100, mem_size=0x5000,
                                   relocs=[(0x4ff8, RELATIVE, 0x1000)]),
    # One field away: a wrong relocation type, a write into the constants,
    # an addend past the end, a table running past the file, a file one
    # byte short, and a relocation table lying in writable data.
    "near_type.app": app(relocs=[(0x3000, 1, 0x2100)]),
    "near_write_rodata.app": app(relocs=[(0x2ff8, RELATIVE, 0x2100)]),
    "near_addend.app": app(relocs=[(0x3000, RELATIVE, 0x4000)]),
    "near_table_end.app": app(relocs=TABLE, reloc_offset=0x3040 - 48),
    "near_short.app": app(relocs=TABLE, size=0x303F),
    "near_table_in_data.app": app(reloc_offset=0x3000, file_size=0x3040,
                                  relocs=[(0x3028, RELATIVE, 0x2100)]),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        assert len(data) < 16 * 1024
        (OUT / name).write_bytes(data)


if __name__ == "__main__":
    main()
