"""kernel/fs/fat.c against the reference tools: build/fattool applies
operations to a fresh `mkfs.fat -F 32` image (and to a copy of the build's
own ESP, made by mformat), then `fsck.fat -n` must find nothing to fix and
mtools must read back exactly what was written, long names included.

Build the tool with `ninja build/fattool`.
"""
import os
import pathlib
import struct
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FATTOOL = ROOT / "build" / "fattool"


def run(*args, check=True, input=None):
    r = subprocess.run([str(a) for a in args], capture_output=True, timeout=120, input=input)
    if check:
        assert r.returncode == 0, f"{args}: {r.stdout!r} {r.stderr!r}"
    return r


def tool(img, *args, check=True):
    assert FATTOOL.exists(), f"{FATTOOL} is missing: run ninja build/fattool"
    return run(FATTOOL, img, *args, check=check)


def fsck_clean(img):
    r = run("/usr/sbin/fsck.fat", "-n", "-V", img, check=False)
    out = r.stdout.decode(errors="replace")
    assert r.returncode == 0, f"fsck.fat -n exit {r.returncode}:\n{out}"
    # Anything fsck would change is reported as a numbered question or a message
    # between the header and the summary line.
    lines = [l for l in out.splitlines()[1:] if l.strip()
             and not l.startswith(("Checking", "Starting", "Reclaiming", "Verifying"))
             and " files, " not in l]
    assert not lines, f"fsck.fat reports:\n{out}"


def mtype(img, path):
    return run("mtype", "-i", img, "::" + path).stdout


def mdir_names(img, path):
    """Long names (or short ones) of a folder, as mtools reads them."""
    out = run("mdir", "-a", "-i", img, "::" + path).stdout.decode(errors="replace")
    names = set()
    for line in out.splitlines():
        if not line or line.startswith((" ", "Directory", "No files")) or " files " in line:
            continue
        parts = line.split()
        # "NAME EXT size date time LONGNAME" or "NAME EXT <DIR> date time LONGNAME"
        idx = 0
        for i, p in enumerate(parts):
            if p[:4].isdigit() and "-" in p:
                idx = i
                break
        rest = parts[idx + 2:]
        if rest:
            names.add(" ".join(rest))
        else:
            short = line[:8].strip()
            ext = line[9:12].strip()
            names.add(short + ("." + ext if ext else ""))
    names -= {".", ".."}
    return names


def free_bytes(img):
    info = tool(img, "info").stdout.decode()
    return int(info.split("free ")[1].split()[0])


@pytest.fixture
def img(tmp_path):
    p = tmp_path / "fat.img"
    with open(p, "wb") as f:
        f.truncate(48 << 20)
    run("/usr/sbin/mkfs.fat", "-F", "32", "-n", "TESTVOL", p)
    return p


def test_long_names_are_written_and_mtools_reads_them(img):
    names = ["Hello World.txt", "a.b.c.d", "lowercase.txt", "UPPER.TXT",
             "very long name with spaces and more than thirteen characters.data",
             "accent-é-ü.txt", "x" * 200]
    for i, n in enumerate(names):
        tool(img, "write", "/" + n, "0", f"content {i}")
    fsck_clean(img)
    assert mdir_names(img, "/") == set(names)
    for i, n in enumerate(names):
        assert mtype(img, "/" + n) == f"content {i}".encode()
        # Case folding is ASCII's, as in every FAT driver without a code page table.
        upper = "".join(c.upper() if c.isascii() else c for c in n)
        assert tool(img, "cat", "/" + upper).stdout == f"content {i}".encode()


def test_similar_long_names_get_unique_short_names(img):
    names = [f"Document number {i}.text" for i in range(30)]
    for n in names:
        tool(img, "write", "/" + n, "0", n)
    fsck_clean(img)
    out = run("mdir", "-i", img, "::/").stdout.decode()
    shorts = [l[:12] for l in out.splitlines() if l.startswith("DOCUME") or l[:2].isalpha() and "~" in l[:8]]
    assert len(shorts) == len(set(shorts)) == 30
    assert mdir_names(img, "/") == set(names)


def test_folder_growing_past_many_clusters(img):
    tool(img, "mkdir", "/fomos/data/many")
    for i in range(300):
        tool(img, "write", f"/fomos/data/many/file with a long name {i:03}.txt", "0", str(i))
    fsck_clean(img)
    assert len(mdir_names(img, "/fomos/data/many")) == 300
    assert mtype(img, "/fomos/data/many/file with a long name 299.txt") == b"299"
    ls = tool(img, "ls", "/fomos/data/many").stdout.decode().splitlines()
    assert len(ls) == 300


def test_big_file_round_trips_and_fsck_is_clean(img, tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 777)
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    tool(img, "put", "/fomos/state/big snapshot.bin", src)
    fsck_clean(img)
    assert mtype(img, "/fomos/state/big snapshot.bin") == data
    assert tool(img, "cat", "/FOMOS/STATE/BIG SNAPSHOT.BIN").stdout == data


def test_writes_at_offsets_extend_with_zeros(img):
    tool(img, "write", "/f.txt", "0", "abc")
    tool(img, "write", "/f.txt", "1", "XY")
    tool(img, "write", "/f.txt", "5000", "end")
    fsck_clean(img)
    want = b"aXY" + b"\0" * (5000 - 3) + b"end"
    assert mtype(img, "/f.txt") == want


def test_truncate_delete_and_reuse(img, tmp_path):
    src = tmp_path / "a.bin"
    src.write_bytes(os.urandom(200000))
    free0 = free_bytes(img)
    tool(img, "put", "/d/one.bin", src)
    assert free_bytes(img) <= free0 - 200000
    tool(img, "truncate", "/d/one.bin", "1000")
    fsck_clean(img)
    assert mtype(img, "/d/one.bin") == src.read_bytes()[:1000]
    tool(img, "truncate", "/d/one.bin", "0")
    fsck_clean(img)
    assert mtype(img, "/d/one.bin") == b""
    assert tool(img, "rm", "/d", check=False).returncode == 1     # not empty
    tool(img, "rm", "/d/one.bin")
    tool(img, "rm", "/d")
    fsck_clean(img)
    assert mdir_names(img, "/") == set()
    assert free_bytes(img) == free0         # every cluster came back
    src.write_bytes(os.urandom(300000))
    tool(img, "put", "/reused.bin", src)
    fsck_clean(img)
    assert mtype(img, "/reused.bin") == src.read_bytes()


def test_files_mtools_wrote_are_read_and_replaced(img, tmp_path):
    src = tmp_path / "m.txt"
    src.write_bytes(b"from mtools\n")
    run("mmd", "-i", img, "::/fomos")
    run("mcopy", "-i", img, src, "::/fomos/Mixed Case Name.txt")
    run("mcopy", "-i", img, src, "::/fomos/init")
    assert tool(img, "cat", "/fomos/mixed case name.txt").stdout == b"from mtools\n"
    assert tool(img, "cat", "/fomos/INIT").stdout == b"from mtools\n"
    src.write_bytes(b"replaced")
    tool(img, "put", "/fomos/init", src)
    fsck_clean(img)
    assert mtype(img, "/fomos/init") == b"replaced"
    assert "init" in tool(img, "ls", "/fomos").stdout.decode()


def test_the_builds_esp_image_is_read_and_written(tmp_path):
    esp = ROOT / "build" / "esp-pristine.img"
    if not esp.exists():
        pytest.skip("build/esp-pristine.img not built")
    img = tmp_path / "esp.img"
    img.write_bytes(esp.read_bytes())
    info = tool(img, "info").stdout.decode()
    assert "label FOMOS" in info
    assert tool(img, "cat", "/fomos/init").stdout == (ROOT / "build/esp/fomos/init").read_bytes()
    tool(img, "write", "/fomos/data/notes/Notes for today.txt", "0", "hello")
    fsck_clean(img)
    assert mtype(img, "/fomos/data/notes/Notes for today.txt") == b"hello"


ESP_GUID = bytes.fromhex("28732AC11FF8D211BA4B00A0C93EC93B")


def partitioned(tmp_path, kind):
    """A disk with one FAT32 partition at sector 2048, in an MBR (type 0x0C)
    or a GPT (an EFI System Partition), the tables written by hand."""
    vol = tmp_path / "vol.img"
    with open(vol, "wb") as f:
        f.truncate(40 << 20)
    run("/usr/sbin/mkfs.fat", "-F", "32", "-n", "PART", vol)
    count = (40 << 20) // 512
    disk = bytearray(2048 * 512) + bytearray(vol.read_bytes()) + bytearray(1 << 20)
    total = len(disk) // 512
    mbr_type, mbr_start, mbr_count = (0x0C, 2048, count) if kind == "mbr" else (0xEE, 1, total - 1)
    disk[446:462] = struct.pack("<B3sB3sII", 0, b"\0\0\0", mbr_type, b"\0\0\0", mbr_start, mbr_count)
    disk[510:512] = b"\x55\xAA"
    if kind == "gpt":
        head = struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, 0, 1, total - 1,
                           34, total - 34, os.urandom(16), 2, 128, 128, 0)
        disk[512:512 + len(head)] = head
        # An unused entry first: the finder must look past it.
        entry = ESP_GUID + os.urandom(16) + struct.pack("<QQQ", 2048, 2048 + count - 1, 0)
        disk[1024 + 128:1024 + 128 + len(entry)] = entry
    p = tmp_path / "disk.img"
    p.write_bytes(disk)
    return p


@pytest.mark.parametrize("kind", ["mbr", "gpt"])
def test_volume_inside_a_partition(tmp_path, kind):
    disk = partitioned(tmp_path, kind)
    assert "start 2048" in tool(disk, "info").stdout.decode()
    tool(disk, "write", "/in a partition.txt", "0", kind)
    assert tool(disk, "cat", "/IN A PARTITION.TXT").stdout == kind.encode()
    assert run("mtype", "-i", f"{disk}@@{2048 * 512}", "::/in a partition.txt").stdout == kind.encode()
