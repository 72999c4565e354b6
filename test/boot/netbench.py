"""ninja netbench: Fomos's httpd next to busybox httpd in a small Linux guest,
both under the same QEMU machine, measured from the host (issue 14).

    /usr/bin/python3 test/boot/netbench.py build/netbench.txt

Two figures for each guest, one guest at a time, through QEMU's user network
(restrict=on, one hostfwd from 127.0.0.1 to the guest's port 80):
  - download throughput: curl gets a 16 MiB file three times; the median;
  - requests/s: wrk with 4 keep-alive connections for 5 s on the index page.

The Linux guest is Debian's current kernel image and busybox-static, both
fetched with `apt-get download` into build/netbench/ (kept there as a cache,
never installed), and an initramfs written here: busybox, the virtio modules
that kernel lacks built in, the same index page and the same 16 MiB file.
Both guests get the same -machine, -m, -accel, -cpu, -netdev and -device;
both take a static 10.0.2.15/24 (no DHCP wait) and run nothing but their web
server.  Fomos keeps what it needs to boot at all (OVMF and its disk) and
reads the file from that disk on every request; Linux serves it from RAM.
"""

import datetime
import gzip
import lzma
import os
import random
import re
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import host_cpu, qemu_cpu_seconds, qemu_version
from qemu import ROOT, Machine

CACHE = ROOT / 'build' / 'netbench'
INDEX = ROOT / 'apps' / 'httpd' / 'index.html'
BIG_SIZE = 16 << 20
RUNS = 3
WRK_ARGS = ['-t1', '-c4', '-d5s']  # one thread: the host's other core is QEMU's
MEMORY = '1G'
# What both guests share besides -netdev and -device; Machine passes the
# same -machine/-accel/-cpu/-m and, with vga=False, the same -display/-vga.
QEMU_COMMON = ['-machine', 'q35', '-accel', 'tcg', '-cpu', 'max', '-m', MEMORY,
               '-nic', 'none', '-display', 'none', '-vga', 'none']
BOOT_TIMEOUT = 300  # TCG on a busy host: Linux boots in ~10 s, but not always


def free_port():
    """A TCP port on 127.0.0.1 that nobody uses now (the kernel picks it)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def netdev(port):
    return ['-netdev', f'user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:{port}-:80',
            '-device', 'virtio-net-pci,netdev=n0']


# --- measuring, the same for both guests -------------------------------------------

def curl(url, out):
    """One GET with curl; returns (HTTP status, bytes, seconds) as curl saw them."""
    r = subprocess.run(['curl', '-sS', '--max-time', '120', '-o', str(out),
                        '-w', '%{http_code} %{size_download} %{time_total}', url],
                       capture_output=True, text=True, timeout=150)
    if r.returncode != 0:
        raise RuntimeError(f'curl {url}: exit {r.returncode}: {r.stderr.strip()}')
    code, size, seconds = r.stdout.split()
    return int(code), int(size), float(seconds)


def seconds_of(text):
    """wrk's durations: 2.96ms, 812.00us, 1.02s."""
    m = re.fullmatch(r'([\d.]+)(us|ms|s|m)', text)
    return float(m[1]) * {'us': 1e-6, 'ms': 1e-3, 's': 1, 'm': 60}[m[2]]


def wrk(url):
    r = subprocess.run(['wrk', *WRK_ARGS, url], capture_output=True, text=True, timeout=60)
    out = r.stdout
    m = re.search(r'(\d+) requests in ([\d.]+\w+), ', out)
    rps = re.search(r'Requests/sec:\s+([\d.]+)', out)
    if r.returncode != 0 or not m or not rps:
        raise RuntimeError(f'wrk {url}: exit {r.returncode}:\n{out}{r.stderr}')
    errors = re.search(r'Socket errors: (.*)', out)
    bad = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    return {'requests': int(m[1]), 'seconds': seconds_of(m[2]), 'rps': float(rps[1]),
            'latency': seconds_of(re.search(r'Latency\s+(\S+)', out)[1]),
            'errors': errors[1] if errors else None, 'non2xx': int(bad[1]) if bad else 0}


def other_qemus(own):
    """How many QEMUs besides ours (pid own) run on this host now.  Other
    engineers' tests share its two cores: a figure measured next to one is
    lower, and the table says so."""
    n = 0
    for proc in Path('/proc').iterdir():
        try:
            if proc.name.isdigit() and int(proc.name) != own and \
                    (proc / 'comm').read_text().startswith('qemu-system'):
                n += 1
        except OSError:
            pass  # it ended while we looked
    return n


def measure(port, big, index, scratch, own):
    """The figures of the guest serving on port (its QEMU is pid own):
    first one checked download of each file (its bytes must be ours; it also
    lets both guests translate their code paths before the clock runs), then
    the timed runs."""
    base = f'http://127.0.0.1:{port}'
    others = other_qemus(own)
    got = Path(scratch) / 'got'
    for path, want in (('/big.bin', big), ('/index.html', index)):
        code, size, _ = curl(base + path, got)
        if code != 200 or got.read_bytes() != want:
            raise RuntimeError(f'GET {path}: status {code}, {size} bytes, not the file served')
    runs = []
    cpu = qemu_cpu_seconds(own)
    for _ in range(RUNS):
        others = max(others, other_qemus(own))
        code, size, seconds = curl(base + '/big.bin', '/dev/null')
        if code != 200 or size != len(big):
            raise RuntimeError(f'GET /big.bin: status {code}, {size} of {len(big)} bytes')
        runs.append(seconds)
    others = max(others, other_qemus(own))
    # QEMU's CPU time (all its threads) per download and per request: what
    # the guest costs, less dependent on what else the host runs.
    figures = {'curl': runs, 'curl_cpu': (qemu_cpu_seconds(own) - cpu) / RUNS}
    cpu = qemu_cpu_seconds(own)
    figures['wrk'] = wrk(base + '/index.html')
    figures['wrk_cpu'] = (qemu_cpu_seconds(own) - cpu) / figures['wrk']['requests']
    figures['others'] = max(others, other_qemus(own))
    return figures


# --- Fomos --------------------------------------------------------------------------

def fomos_figures(big, index):
    port = free_port()
    with tempfile.TemporaryDirectory(prefix='fomos-netbench-') as d:
        # The same address as the Linux guest's, from boot.cfg: no DHCP to
        # wait for, and a connection that arrives before DHCP is done would
        # be lost to SYN retransmission timers.
        with Machine(Path(d), memory=MEMORY, vga=False, input_devices=False,
                     cfg='ip=10.0.2.15/24\ngw=10.0.2.2\n', extra_args=netdev(port),
                     files={'/fomos/init': b'httpd nofb\n',
                            '/fomos/data/httpd/big.bin': big}) as m:
            t0 = time.monotonic()
            m.wait_seen(r'net: eth0 \S+ 10\.0\.2\.15/24', BOOT_TIMEOUT)
            m.wait_seen(r'httpd: serving', BOOT_TIMEOUT)
            boot = time.monotonic() - t0
            figures = measure(port, big, index, d, m.proc.pid)
    figures['boot'] = boot
    return figures


# --- the Linux guest ----------------------------------------------------------------

def apt_download(name):
    """build/netbench/NAME_*.deb: downloaded once, then taken from there."""
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(f'{name}_*.deb'))
    if not found:
        r = subprocess.run(['apt-get', 'download', name], cwd=CACHE, capture_output=True, text=True)
        found = sorted(CACHE.glob(f'{name}_*.deb'))
        if r.returncode != 0 or not found:
            raise RuntimeError(f'apt-get download {name} failed:\n{r.stdout}{r.stderr}')
    return found[-1]


def kernel_package():
    """The image the linux-image-amd64 metapackage points at now, e.g.
    linux-image-6.1.0-57-amd64; without apt's lists, the one cached."""
    r = subprocess.run(['apt-cache', 'depends', 'linux-image-amd64'], capture_output=True, text=True)
    m = re.search(r'Depends: (linux-image-\S+-amd64)\b', r.stdout)
    if m:
        return m[1]
    cached = sorted(CACHE.glob('linux-image-*-amd64_*.deb'))
    if cached:
        return cached[-1].name.split('_')[0]
    raise RuntimeError('apt-cache knows no linux-image-amd64: run apt-get update')


def modinfo(ko):
    """The key=value strings of a kernel module's .modinfo ELF section."""
    shoff, = struct.unpack_from('<Q', ko, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', ko, 0x3a)

    def section(i):
        name, _, _, _, off, size = struct.unpack_from('<IIQQQQ', ko, shoff + i * shentsize)
        return name, off, size

    _, names, _ = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        if ko[names + name:ko.index(b'\0', names + name)] == b'.modinfo':
            fields = ko[off:off + size].decode(errors='replace').split('\0')
            return dict(f.split('=', 1) for f in fields if '=' in f)
    return {}


def module_bytes(path):
    # busybox insmod takes plain ELF only; Debian's kernels have shipped
    # .ko, .ko.xz and .ko.zst over the years.
    data = path.read_bytes()
    if path.name.endswith('.ko.xz'):
        return lzma.decompress(data)
    if path.name.endswith('.ko.gz'):
        return gzip.decompress(data)
    if not path.name.endswith('.ko'):
        raise RuntimeError(f'{path.name}: no decompressor for this module format')
    return data


def modules_in_order(moddir, wanted):
    """[(name, ELF bytes)] of the modules `wanted` needs that are not built
    into the kernel, each after the modules it depends on (the package has
    no modules.dep: depmod writes it at install time; the dependencies are
    in each module's .modinfo)."""
    norm = lambda n: n.replace('-', '_')
    builtin = {norm(Path(line).name.split('.ko')[0])
               for line in (moddir / 'modules.builtin').read_text().split()}
    files = {norm(p.name.split('.ko')[0]): p for p in (moddir / 'kernel').rglob('*.ko*')}
    order = []

    def add(name):
        if name in builtin or any(n == name for n, _ in order):
            return
        if name not in files:
            raise RuntimeError(f'{moddir.name} has no module {name} and does not build it in')
        data = module_bytes(files[name])
        for dep in filter(None, modinfo(data).get('depends', '').split(',')):
            add(norm(dep))
        order.append((name, data))

    for name in wanted:
        add(name)
    return order


def cpio_newc(entries):
    """An initramfs: entries are (path, mode, data, rdev), in order (a
    folder before what it holds).  The newc format is a 110-byte ASCII
    header, the name and the data, each padded to 4 bytes."""
    out = bytearray()

    def put(ino, name, mode, data, rdev=(0, 0)):
        name = name.encode() + b'\0'
        fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name), 0)
        out.extend(b'070701' + b''.join(b'%08X' % f for f in fields) + name)
        out.extend(b'\0' * (-len(out) % 4) + data)
        out.extend(b'\0' * (-len(out) % 4))

    for ino, (path, mode, data, rdev) in enumerate(entries, 1):
        put(ino, path, mode, data, rdev)
    put(0, 'TRAILER!!!', 0, b'')
    return bytes(out)


INIT = r'''#!/bin/sh
# /init of the netbench Linux guest (test/boot/netbench.py writes it).
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in MODULES; do insmod /lib/modules/$m.ko || echo "netbench: insmod $m failed"; done
# virtio_net probes the card as it loads; give it a moment all the same.
i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0
ip link set eth0 up
ip route add default via 10.0.2.2
httpd -f -p 80 -h /www &
# The host starts measuring at our line: print it once httpd listens.
until netstat -ltn | grep -q ':80 '; do sleep 0.1; done
echo "netbench: serving on $(ip -4 -o addr show eth0 | awk '{print $4}'), Linux $(uname -r)"
while true; do sleep 3600; done
'''


def linux_guest(big, index):
    """(vmlinuz, initrd, kernel version, modules loaded): the first two in
    build/netbench/, made now from the cached (or just downloaded) packages."""
    kdeb, bdeb = apt_download(kernel_package()), apt_download('busybox-static')
    with tempfile.TemporaryDirectory(prefix='extract-', dir=CACHE) as d:
        kroot, broot = Path(d) / 'k', Path(d) / 'b'
        subprocess.run(['dpkg-deb', '-x', str(kdeb), str(kroot)], check=True)
        subprocess.run(['dpkg-deb', '-x', str(bdeb), str(broot)], check=True)
        vmlinuz = sorted((kroot / 'boot').glob('vmlinuz-*'))[-1]
        moddir = sorted(list(kroot.glob('lib/modules/*')) + list(kroot.glob('usr/lib/modules/*')))[-1]
        modules = modules_in_order(moddir, ['virtio_pci', 'virtio_net'])
        busybox = (broot / 'bin' / 'busybox').read_bytes()
        shutil.copyfile(vmlinuz, CACHE / 'vmlinuz')
    init = INIT.replace('MODULES', ' '.join(n for n, _ in modules)).encode()
    folder, exe, plain = 0o040755, 0o100755, 0o100644
    entries = [(p, folder, b'', (0, 0)) for p in ('bin', 'dev', 'proc', 'sys', 'lib', 'lib/modules', 'www')]
    # The kernel opens /dev/console for init before anything is mounted.
    entries += [('dev/console', 0o020600, b'', (5, 1)),
                ('bin/busybox', exe, busybox, (0, 0)),
                ('bin/sh', 0o120777, b'busybox', (0, 0)),
                ('init', exe, init, (0, 0)),
                ('www/index.html', plain, index, (0, 0)),
                ('www/big.bin', plain, big, (0, 0))]
    entries += [(f'lib/modules/{n}.ko', plain, data, (0, 0)) for n, data in modules]
    (CACHE / 'initrd.cpio').write_bytes(cpio_newc(entries))
    return CACHE / 'vmlinuz', CACHE / 'initrd.cpio', moddir.name, [n for n, _ in modules]


def linux_figures(big, index):
    vmlinuz, initrd, version, modules = linux_guest(big, index)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix='linux-netbench-') as d:
        serial = Path(d) / 'serial.log'
        args = ['qemu-system-x86_64', *QEMU_COMMON, '-no-reboot', '-monitor', 'none',
                '-serial', f'file:{serial}', '-kernel', str(vmlinuz), '-initrd', str(initrd),
                '-append', 'console=ttyS0 quiet', *netdev(port)]
        with open(Path(d) / 'qemu.log', 'wb') as log:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            t0 = time.monotonic()
            while not (serial.exists() and b'netbench: serving' in serial.read_bytes()):
                if proc.poll() is not None or time.monotonic() - t0 > BOOT_TIMEOUT:
                    tail = serial.read_text(errors='replace')[-3000:] if serial.exists() else ''
                    raise RuntimeError(f'the Linux guest did not serve (QEMU exit {proc.poll()}):\n'
                                       + tail + (Path(d) / 'qemu.log').read_text(errors='replace'))
                time.sleep(0.2)  # polling a file: nothing to wait on
            boot = time.monotonic() - t0
            if b'insmod' in serial.read_bytes():
                raise RuntimeError('a module did not load:\n' + serial.read_text(errors='replace'))
            figures = measure(port, big, index, d, proc.pid)
        finally:
            proc.kill()
            proc.wait()
    figures.update(boot=boot, version=version, modules=modules)
    return figures


# --- the table ----------------------------------------------------------------------

def mbs(seconds):
    return BIG_SIZE / seconds / 1e6


def table(fomos, linux):
    fc, lc = statistics.median(fomos['curl']), statistics.median(linux['curl'])
    fw, lw = fomos['wrk'], linux['wrk']
    times = lambda f: ', '.join(f'{s:.3f}' for s in f['curl'])
    wrk_cell = lambda w: (f'{w["rps"]:.0f}/s ({w["requests"]} in {w["seconds"]:.2f} s, '
                          f'mean latency {w["latency"] * 1000:.2f} ms)')
    lines = ['| | Fomos | Linux | Fomos/Linux |', '|---|---:|---:|---:|',
             f'| download 16 MiB, curl, median of {RUNS} | {mbs(fc):.1f} MB/s ({fc:.3f} s) | '
             f'{mbs(lc):.1f} MB/s ({lc:.3f} s) | {lc / fc:.2f}x |',
             f'| requests/s, wrk {" ".join(WRK_ARGS)}, /index.html | {wrk_cell(fw)} | '
             f'{wrk_cell(lw)} | {fw["rps"] / lw["rps"]:.2f}x |', '',
             f'curl runs (s): Fomos {times(fomos)}; Linux {times(linux)}.',
             f'QEMU CPU time (all threads) per download: Fomos {fomos["curl_cpu"]:.2f} s, '
             f'Linux {linux["curl_cpu"]:.2f} s; per request under wrk: Fomos '
             f'{fomos["wrk_cpu"] * 1000:.2f} ms, Linux {linux["wrk_cpu"] * 1000:.2f} ms.',
             f'Boot to serving (from QEMU start): Fomos {fomos["boot"]:.1f} s, Linux {linux["boot"]:.1f} s.',
             f'Other QEMUs on this host while measuring (the most seen, sampled between runs): '
             f'Fomos {fomos["others"]}, Linux {linux["others"]}.']
    for who, w in (('Fomos', fw), ('Linux', lw)):
        if w['errors'] or w['non2xx']:
            lines.append(f'wrk against {who}: socket errors {w["errors"] or "none"}, '
                         f'{w["non2xx"]} answers not 2xx/3xx.')
    return lines


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else 'build/netbench.txt')
    for tool in ('curl', 'wrk', 'apt-get', 'dpkg-deb'):
        if not shutil.which(tool):
            sys.exit(f'netbench: {tool} is missing (.ci/setup installs it)')
    started = datetime.datetime.now()
    load = os.getloadavg()[0]
    # The same incompressible bytes for both guests, the same every run.
    big = random.Random(14).randbytes(BIG_SIZE)
    index = INDEX.read_bytes()
    fomos = fomos_figures(big, index)
    linux = linux_figures(big, index)
    lines = [f'Network benchmark, {started:%Y-%m-%d %H:%M}',
             f'{qemu_version()}, TCG, host CPU: {host_cpu()}, {os.cpu_count()} cores, '
             f'load average {load:.2f} at the start',
             f'Both guests: {" ".join(QEMU_COMMON)} -netdev user,restrict=on,hostfwd=... '
             '-device virtio-net-pci',
             'Fomos: httpd alone (/fomos/init "httpd nofb"), OVMF, the file on its virtio-blk disk.',
             f'Linux: Debian {linux["version"]}, busybox httpd (a fork per connection, no keep-alive),',
             f'  the file in the initramfs; modules {", ".join(linux["modules"]) or "none"}.',
             'MB/s are 10^6 bytes per second of curl\'s total time; one guest at a time.', '']
    lines += table(fomos, linux)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    print(f'\nwritten to {out}')


if __name__ == '__main__':
    main()
