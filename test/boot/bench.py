"""ninja bench: boots the kernel with bench=yes and writes its figures.

    /usr/bin/python3 test/boot/bench.py build/bench.txt

The kernel measures everything itself, in one boot, each figure next to its
reference measured the same way (see kernel/bench/bench.c); this script only
collects the `bench:` lines and lays them out as a table.
"""

import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qemu import ESP, ROOT, Machine


def host_cpu():
    for line in Path('/proc/cpuinfo').read_text().splitlines():
        if line.startswith('model name'):
            return line.split(':', 1)[1].strip()
    return platform.processor() or 'unknown'


def qemu_version():
    out = subprocess.run(['qemu-system-x86_64', '--version'], capture_output=True, text=True)
    return out.stdout.splitlines()[0] if out.returncode == 0 else 'unknown'


def run():
    with tempfile.TemporaryDirectory(prefix='fomos-bench-') as d:
        # A USB stick with a copy of the same image, next to the virtio boot disk.
        stick = Path(d) / 'stick.img'
        shutil.copyfile(ESP, stick)
        usb = ['-device', 'qemu-xhci,id=xhci', '-drive', f'if=none,id=stick,format=raw,file={stick}',
               '-device', 'usb-storage,bus=xhci.0,drive=stick']
        # virtio-vga: the display figures compare its scan-out with the
        # firmware's framebuffer, both there in one boot.
        with Machine(Path(d), memory='1G', cfg='bench=yes\n', extra_args=usb, vga='virtio',
                     files={'/fomos/init': b'# the benchmark starts its own apps\n'}) as m:
            m.wait_for(r'bench: start', timeout=120)
            m.wait_for(r'bench: done', timeout=1200)
            return m.serial_text


# The keyboard each latency figure is measured with: Machine's arguments.
KEYBOARDS = {
    'virtio': {},
    'PS/2': {'input_devices': False},                                   # q35's i8042
    'USB': {'input_devices': 'usb', 'machine': 'q35,i8042=off'},        # usb-kbd on qemu-xhci
}


def input_latency(kind='virtio', keys=200):
    """Boots with the latency app and the keyboard `kind` (KEYBOARDS), types
    `keys` keys through QMP; returns the app's summary (median, p99, max in ns)."""
    letters = 'abcdefghijklmnopqrstuvwxyz'
    with tempfile.TemporaryDirectory(prefix='fomos-bench-') as d:
        with Machine(Path(d), memory='512M', files={'/fomos/init': b'latency\n'}, **KEYBOARDS[kind]) as m:
            m.wait_for(r'exec: started latency', timeout=120)
            for i in range(keys):
                m.qmp('send-key', keys=[{'type': 'qcode', 'data': letters[i % 26]}],
                      **{'hold-time': 1})
                # 50 keys a second, faster than anyone types: QEMU's USB
                # keyboard reports at most every 8 ms (its bInterval), one
                # key change per report, and drops keys past 16 waiting.
                time.sleep(0.02)
            r = m.wait_for(r'latency: keys=(\d+) median_ns=(\d+) p99_ns=(\d+) max_ns=(\d+)\r', 60)
            return [int(g) for g in r.groups()]


def qemu_cpu_seconds(pid):
    """User + system CPU time QEMU has used so far, from /proc."""
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return ticks / os.sysconf('SC_CLK_TCK')


def idle_desktop_cpu(seconds=10):
    """Boots the desktop (/fomos/init as shipped), waits until the wallpaper
    is drawn and the console is up, then measures the CPU time the QEMU
    process uses over `seconds` of nobody touching anything."""
    with tempfile.TemporaryDirectory(prefix='fomos-bench-') as d:
        with Machine(Path(d), memory='512M') as m:
            m.wait_for(r'console: window at', timeout=120)
            m.wait_for(r'background: .* drawn on the', timeout=120)
            time.sleep(2)  # let the first frames and the log settle before measuring
            t0, c0 = time.monotonic(), qemu_cpu_seconds(m.proc.pid)
            time.sleep(seconds)  # the measurement interval itself
            t1, c1 = time.monotonic(), qemu_cpu_seconds(m.proc.pid)
            return (c1 - c0) / (t1 - t0) * 100, t1 - t0


def idle_lines(result):
    percent, seconds = result
    return ['', f'Idle desktop (wallpaper, console, cursor; nothing moves): the QEMU process used',
            f'{percent:.1f}% of one host core over {seconds:.1f} s (aim: under 10%).']


def snapshot_figures():
    """The time to save and to resume a snapshot of a 64 MiB app (bigmem64,
    test/apps/bigmem.c), on a 256 MiB disk (two slots of 64 MiB do not fit
    build/esp.img).  Three saves: the first two make slot 0 and slot 1 (new
    files: their clusters are allocated as they are written), the
    `suspend` rewrites slot 0 in place; then the next boot resumes it."""
    from test_snapshot_kill import big_esp  # the same bigger disk the kill test boots

    saved = r'snapshot: saved (\d+) apps \((\d+) KiB\) to \S+, sequence \d+, in (\d+) ms\r'
    with tempfile.TemporaryDirectory(prefix='fomos-bench-') as d:
        image = big_esp(Path(d) / 'big.img')
        init = b'bigmem64 nofb quota=80M\n'
        with Machine(Path(d) / 'm0', memory='1G', image=image, files={'/fomos/init': init}) as m:
            m.wait_for(r'bigmem: allocated 64 MiB in 16384 pages\r', 120)
            m.wait_for(r'bigmem: g=10 ', 60)
            m.send('save\r')
            new = m.wait_for(saved, 120).groups()
            m.send('save\r')
            m.wait_for(saved, 120)
            m.send('suspend\r')
            rewrite = m.wait_for(saved, 120).groups()
            m.wait_for(r'snapshot: suspended', 30)
            m.proc.wait(60)
        with Machine(Path(d) / 'm1', memory='1G', image=image) as m:
            m.wait_for(r'kernel: ready in', 120)
            t0 = time.monotonic()
            r = m.wait_for(r'snapshot: (\d+) of (\d+) apps resumed in (\d+) ms\r', 120)
            host_ms = (time.monotonic() - t0) * 1000
            ok = m.wait_for(r'bigmem: g=\d+ pages=\d+ consistent=(\w+)\r', 60).group(1)
            assert r.group(1) == r.group(2) == '1' and ok == 'yes', r.group(0)
    return {'kib': int(rewrite[1]), 'new_ms': int(new[2]), 'rewrite_ms': int(rewrite[2]),
            'resume_ms': int(r.group(3)), 'resume_host_ms': host_ms}


def snapshot_lines(f):
    mib = f['kib'] / 1024
    return ['', f'Snapshots of a 64 MiB app (bigmem64: every page written; the snapshot is {mib:.1f} MiB):',
            '', '| save, new file | save, rewrite in place | resume (kernel) | resume (host) |',
            '|---------------:|-----------------------:|----------------:|--------------:|',
            f'| {f["new_ms"]} ms ({mib / f["new_ms"] * 1000:.0f} MiB/s) | '
            f'{f["rewrite_ms"]} ms ({mib / f["rewrite_ms"] * 1000:.0f} MiB/s) | '
            f'{f["resume_ms"]} ms | {f["resume_host_ms"]:.0f} ms |',
            '(resume (kernel): the kernel\'s own figure, from reading /fomos/state/ to the',
            'app back in its home; resume (host): from its `kernel: ready` line to its',
            '`apps resumed` line, as the serial line shows them to the host)']


def disk_lines(text):
    seq = re.search(r'bench: disk seq read: disk=(\S+) mib=(\d+) req_kib=(\d+) ovmf_mbs=([\d.]+) '
                    r'qd1_mbs=([\d.]+) qd8_mbs=([\d.]+)', text)
    rnd = re.search(r'bench: disk rand read: disk=\S+ reads=(\d+) req_kib=(\d+) ovmf_iops=(\d+) '
                    r'qd1_iops=(\d+) qd32_iops=(\d+)', text)
    wr = re.search(r'bench: disk write: file=\S+ mib=(\d+) call_kib=(\d+) new_mbs=([\d.]+) '
                   r'rewrite_mbs=([\d.]+) read_mbs=([\d.]+)', text)
    out = []
    if seq and rnd:
        out += ['', f'Disk reads on the boot disk ({seq[1]}, virtio-blk), our driver after', 
                'ExitBootServices next to OVMF\'s own BlockIo driver measured before it, in the same boot:', '',
                '| | OVMF BlockIo | ours, 1 in flight | ours, many in flight |',
                '|---|---:|---:|---:|',
                f'| sequential, {seq[3]} KiB requests over {seq[2]} MiB | {seq[4]} MB/s | {seq[5]} MB/s | '
                f'{seq[6]} MB/s (8) |',
                f'| random {rnd[2]} KiB reads ({rnd[1]}) | {rnd[3]} IOPS | {rnd[4]} IOPS | {rnd[5]} IOPS (32) |']
    if wr:
        out += ['', f'Files through the FAT32 file service: a {wr[1]} MiB file written in {wr[2]} KiB calls',
                f'and one flush: {wr[3]} MB/s new, {wr[4]} MB/s rewritten in place; read back {wr[5]} MB/s.']
    usb = re.search(r'bench: usb disk read: disk=(\S+) mib=(\d+) req_kib=(\d+) ovmf_mbs=([\d.]+) '
                    r'qd1_mbs=([\d.]+) qd8_mbs=([\d.]+) reads=(\d+) rand_req_kib=(\d+) ovmf_iops=(\d+) '
                    r'qd1_iops=(\d+) qd32_iops=(\d+)', text)
    if usb and seq and rnd:
        ratio = float(usb[5]) / max(float(seq[5]), 0.1)
        out += ['', f'The same reads on a USB stick ({usb[1]}: QEMU\'s usb-storage on qemu-xhci, a copy of the',
                'same image), ours (bulk-only transport: one command at a time, 128 KiB each; "many in',
                'flight" only queues them) next to OVMF\'s USB BlockIo, in the same boot:', '',
                '| | OVMF BlockIo | ours, 1 in flight | ours, many queued | ours / virtio-blk, 1 in flight |',
                '|---|---:|---:|---:|---:|',
                f'| sequential, {usb[3]} KiB requests over {usb[2]} MiB | {usb[4]} MB/s | {usb[5]} MB/s | '
                f'{usb[6]} MB/s (8) | {ratio:.2f} |',
                f'| random {usb[8]} KiB reads ({usb[7]}) | {usb[9]} IOPS | {usb[10]} IOPS | {usb[11]} IOPS (32) | '
                f'{int(usb[10]) / max(int(rnd[4]), 1):.2f} |']
    raw = re.findall(r'bench: disk raw write: disk=(\S+) mib=(\d+) seq_mbs=([\d.]+) rand_req_kib=(\d+) '
                     r'qd1_iops=(\d+) qd32_iops=(\d+)', text)
    if raw:
        out += ['', f'Raw writes over the last {raw[0][1]} MiB of each disk (sequential: 1 MiB requests, or',
                'the largest the device takes, 8 in flight, then a flush; random: '
                f'{raw[0][3]} KiB writes):', '',
                '| disk | sequential | random, 1 in flight | random, 32 in flight |', '|---|---:|---:|---:|']
        out += [f'| {d} | {mbs} MB/s | {q1} IOPS | {q32} IOPS |' for d, _, mbs, _, q1, q32 in raw]
    return out


def compositor_lines(text):
    m = re.search(r'bench: compositor: frame=(\d+)x(\d+) windows=\S+ memcpy_us=(\d+) full_us=(\d+) '
                  r'small_us=(\d+) full/memcpy=([\d.]+) small/memcpy=([\d.]+) '
                  r'opaque_us=(\d+) opaque/memcpy=([\d.]+)', text)
    if not m:
        return []
    return ['', f'Compositor, one {m[1]}x{m[2]} frame: a wallpaper, two opaque windows, a',
            'third window half-transparent everywhere, and a cursor, all overlapping',
            '(kernel/gfx/compose.c), next to one plain memcpy of a whole frame in the same',
            'boot (best of 9 turns each); "all opaque" is the same desktop with the',
            'third window opaque too:', '',
            '| memcpy of a frame | full frame | full frame, all opaque | 24x32 damage |',
            '|------------------:|-----------:|-----------------------:|-------------:|',
            f'| {int(m[3]) / 1000:.2f} ms | {int(m[4]) / 1000:.2f} ms ({m[6]}x) | '
            f'{int(m[8]) / 1000:.2f} ms ({m[9]}x) | {int(m[5]) / 1000:.3f} ms ({m[7]}x) |',
            '(aims: a full frame within 3x of the memcpy, a small damage under 0.1x)']


def display_lines(text):
    m = re.search(r'bench: display: (\d+)x(\d+) gpu_full_us=([\d.]+) fb_full_us=([\d.]+) '
                  r'gpu_small_us=([\d.]+) fb_small_us=([\d.]+) hw_cursor_move_us=([\d.]+) '
                  r'composed_cursor_move_us=([\d.]+) gpu_full_cpu_us=([\d.]+) '
                  r'gpu_small_cpu_us=([\d.]+) hw_cursor_cpu_us=([\d.]+)', text)
    if not m:
        return []
    f = [float(x) for x in m.groups()[2:]]
    return ['', f'Display, {m[1]}x{m[2]}, one boot on QEMU\'s virtio-vga: frames composed and sent to',
            'the virtio-gpu scan-out (TRANSFER_TO_HOST_2D + RESOURCE_FLUSH of the damaged',
            'rectangle) against the same frames written to the firmware\'s GOP framebuffer;',
            'the pointer moved as the hardware cursor (one MOVE_CURSOR) against composed',
            '(a 16x24 arrow: its old and new place redrawn).  "guest" is the kernel\'s own',
            'work; "answered" waits until QEMU has done the commands too.  The framebuffer',
            'has no answer to wait for: QEMU reads it on its own display refresh.', '',
            '| | virtio-gpu, guest | virtio-gpu, answered | GOP framebuffer | guest gpu/fb |',
            '|---|---:|---:|---:|---:|',
            f'| full-screen frame | {f[6]:.1f} us | {f[0]:.1f} us | {f[1]:.1f} us | {f[6] / f[1]:.2f} |',
            f'| 64x64 damage | {f[7]:.1f} us | {f[2]:.1f} us | {f[3]:.1f} us | {f[7] / f[3]:.2f} |',
            f'| pointer move | {f[8]:.1f} us (hardware) | {f[4]:.1f} us | {f[5]:.1f} us (composed) | '
            f'{f[8] / f[5]:.2f} |']


CUBE_FRAMES = 300


def cube_fps():
    """The cube's frames per second: under the kernel (QEMU's virtio-vga-gl,
    virglrenderer on llvmpipe in an Xvfb window; the guest under TCG), and
    the same app file under fomos-host (virglrenderer in-process, native
    llvmpipe).  Each is timed from the app's GPU context opening (kernel)
    or as a run of CUBE_FRAMES less a run of one frame (fomos-host) to its
    CUBE_FRAMES-th frame read back."""
    import xvfb
    x = xvfb.Xvfb('1920x1200x24')
    try:
        with tempfile.TemporaryDirectory(prefix='fomos-bench-') as d:
            with Machine(Path(d), vga='virtio-gl', x_display=x.display,
                         files={'/fomos/init': b'background budget=2000\n'}) as m:
                m.wait_for(r'background: .* drawn on the', 120)
                m.send(f'run cube -- fast frames={CUBE_FRAMES}\r')
                m.wait_for(r'opened GPU context', 60)
                t0 = time.monotonic()
                m.wait_for(rf'cube: frame {CUBE_FRAMES} ', 600)
                kernel = CUBE_FRAMES / (time.monotonic() - t0)
    finally:
        x.stop()
    host = ROOT / 'build' / 'fomos-host'
    cube = ROOT / 'build' / 'apps' / 'cube.app'

    def timed(frames):
        t0 = time.monotonic()
        r = subprocess.run([str(host), '--headless', '--seconds', '120', '--args', f'fast frames={frames}',
                            str(cube)], capture_output=True, text=True)
        assert f'cube: frame {frames} ' in r.stdout, r.stdout + r.stderr
        return time.monotonic() - t0
    native = (CUBE_FRAMES - 1) / max(timed(CUBE_FRAMES) - timed(1), 1e-6)
    return kernel, native


def cube_lines(fps):
    kernel, native = fps
    return ['', f'3D: the cube app (apps/cube, 256x256, a depth buffer, 36 vertices, every frame read',
            f'back into its window), frames per second over {CUBE_FRAMES} frames. Under the kernel',
            'the guest runs under TCG and QEMU hands the virgl streams to virglrenderer on',
            "Mesa's llvmpipe (Xvfb); fomos-host feeds the same streams to virglrenderer in its",
            'own process.  With `fast` the cube draws its next frame as soon as the last one',
            'is in its window (it otherwise keeps to 60 a second):', '',
            '| kernel (QEMU TCG, virgl) | fomos-host (native) | kernel/host |',
            '|---:|---:|---:|',
            f'| {kernel:.1f} fps | {native:.1f} fps | {kernel / native:.2f} |']


def latency_lines(results):
    keys = next(iter(results.values()))[0]
    base = results['virtio'][1]
    out = ['', 'Input latency: from the device interrupt announcing a key to the app',
           f'seeing it in ctx->input, over {keys} keys typed through QMP (50 a second), one boot per',
           'keyboard (the app returns 0, so it is called every round; PS/2: IRQ 1 through',
           'the I/O APIC; USB: the xHCI\'s MSI-X, a usb-kbd on qemu-xhci):', '',
           '| keyboard | median | p99 | max | median / virtio |', '|---|-------:|----:|----:|---:|']
    for kind, (_, median, p99, top) in results.items():
        out.append(f'| {kind} | {median / 1000:.1f} µs | {p99 / 1000:.1f} µs | {top / 1000:.1f} µs | '
                   f'{median / max(base, 1):.2f} |')
    return out


def native_dispatch(counts=(1, 16, 256, 4096)):
    """The executor core on this host's CPU (build/dispatch-bench, the core
    fomos-host runs): ns per call natively, and, under callgrind,
    instructions per call and what the executor's are spent in."""
    bench, noop = ROOT / 'build' / 'dispatch-bench', ROOT / 'build' / 'apps' / 'noop.app'
    args = [str(bench), str(noop), *map(str, counts)]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=600).stdout
    rows = {int(m[1]): {'calls': int(m[2]), 'executor': float(m[3]), 'direct': float(m[4]),
                        'bare': float(m[5])}
            for m in re.finditer(r'dispatch: apps=(\d+) calls=(\d+) executor_ns=([\d.]+) '
                                 r'direct_ns=([\d.]+) bare_ns=([\d.]+)', out)}
    parts = []
    if shutil.which('valgrind') and shutil.which('callgrind_annotate'):
        with tempfile.TemporaryDirectory(prefix='fomos-bench-') as d:
            cg = Path(d) / 'cg.out'
            run = subprocess.run(['valgrind', '--tool=callgrind', '--collect-atstart=no',
                                  f'--callgrind-out-file={cg}', *args], capture_output=True, text=True,
                                 timeout=1800, env=dict(os.environ, DISPATCH_CALLS='20000'))
            calls = {int(m[1]): int(m[2]) for m in re.finditer(r'dispatch: apps=(\d+) calls=(\d+)', run.stdout)}
            for dump in sorted(Path(d).glob('cg.out.*')):
                text = dump.read_text(errors='replace')
                what = re.search(r'^desc: Trigger: Client Request: (\w+) (\d+)$', text, re.M)
                total = re.search(r'^totals: (\d+)', text, re.M)
                if not what or not total:
                    continue
                n = int(what[2])
                rows[n][what[1] + '_ir'] = int(total[1]) / calls[n]
                if what[1] == 'executor' and n == 16:
                    ann = subprocess.run(['callgrind_annotate', '--inclusive=no', '--auto=no', str(dump)],
                                         capture_output=True, text=True).stdout
                    for m in re.finditer(r'^\s*([\d,]+) \([\s\d.]+%\)\s+(\S+):(\S+)', ann, re.M):
                        parts.append((int(m[1].replace(',', '')) / calls[n], m[3], m[2]))
    return rows, parts


# What the executor's instructions are spent in, by function.
DISPATCH_PARTS = {
    'exec_round': 'the round and the call: the app\'s record, its fresh context fields, '
                  'its return value, the next wake-up',
    'exec_enter': 'enter.S: save registers, switch to the app\'s stack, call it, come back',
    'plat_now_ns': 'the clock, read once per call (rdtsc, scaled)',
    'bench_executor': 'the benchmark\'s own loop',
    'memcpy': 'a fresh copy of the context (168 bytes) for the app to scribble on',
}


def native_lines(result):
    rows, parts = result
    out = ['', 'Native app dispatch: the same executor core (kernel/exec/exec.c) on this host\'s',
           'CPU, as fomos-host runs it (build/dispatch-bench), over N copies of noop.app;',
           'ns per call (best of 5 turns) and, under callgrind, instructions per call',
           '(these do not move with the machine\'s load):', '',
           '|  apps | executor ns | direct ns | bare ns | executor/bare | executor instr | '
           'direct instr | bare instr |',
           '|------:|------------:|----------:|--------:|--------------:|---------------:|'
           '-------------:|-----------:|']
    for n, r in sorted(rows.items()):
        ir = [f'{r[k]:.1f}' if k in r else '-' for k in ('executor_ir', 'direct_ir', 'bare_ir')]
        out.append(f'| {n:>5} | {r["executor"]:>11.2f} | {r["direct"]:>9.2f} | {r["bare"]:>7.2f} | '
                   f'{r["executor"] / r["bare"]:>13.1f} | {ir[0]:>14} | {ir[1]:>12} | {ir[2]:>10} |')
    if parts:
        out += ['', 'Where the executor\'s instructions go, per call, 16 apps (callgrind, by function):', '']
        grouped = {}
        for ir, fn, where in parts:
            name = 'exec_enter' if 'enter.S' in where else 'memcpy' if 'memcpy' in fn else fn
            grouped[name] = grouped.get(name, 0) + ir
        for name, ir in sorted(grouped.items(), key=lambda kv: -kv[1]):
            if ir >= 0.5:
                out.append(f'  {ir:6.1f}  {DISPATCH_PARTS.get(name, name)}')
    return out


def table(text):
    rows = []
    for m in re.finditer(r'bench: app calls: apps=(\d+) executor_ns=([\d.]+) '
                         r'direct_ns=([\d.]+) bare_ns=([\d.]+) ratio=([\d.]+)', text):
        rows.append(f'| {m[1]:>5} | {m[2]:>11} | {m[3]:>11} | {m[4]:>12} | {m[5]:>15} |')
    out = ['App calls: nanoseconds per call of a no-op app, measured in one boot.',
           '  executor: a turn of the kernel loop (round, serial poll, frame) over N apps',
           '  direct:   the same N apps\' start() called from a table, no executor',
           '  bare:     one kernel function called N times from a table', '',
           '|  apps | executor ns | direct ns   | bare call ns | executor/direct |',
           '|------:|------------:|------------:|-------------:|----------------:|']
    out += rows
    prot = re.search(r'bench: protection: apps=(\d+) protected_ns=([\d.]+) '
                     r'unprotected_ns=([\d.]+)', text)
    if prot:
        out += ['', 'The cost of protection: the same 16 apps called on their own stacks',
                'under the timer budget, and called plainly on the kernel stack:', '',
                '| apps | protected ns | unprotected ns |', '|-----:|-------------:|---------------:|',
                f'| {prot[1]:>4} | {prot[2]:>12} | {prot[3]:>14} |']
    iso = re.findall(r'bench: isolation: apps=(\d+) ring0_ns=([\d.]+) ring3_ns=([\d.]+) keys_ns=([\d.]+) '
                     r'pkru_writes_per_call=([\d.]+) retags=(\d+)', text)
    if iso:
        out += ['', 'What isolation costs (under TCG, in one boot): ns per app call in ring 0 as',
                'before isolation (benchmark only), in ring 3 (SYSRET in, SYSCALL back), and in',
                'ring 3 with a protection key per home; how often a call wrote PKRU (skipped',
                'when the key set does not change) and how many homes were given a key (14',
                'keys for more homes: the most recently run home is parked).  Under TCG one',
                'WRPKRU flushes QEMU\'s whole TLB (~2 us); on hardware WRPKRU costs ~20-30',
                'cycles and SYSCALL+SYSRET ~100 (published figures, not measured here).', '',
                '|  apps | ring 0 ns | ring 3 ns | ring 3 + keys ns | PKRU writes/call | homes keyed |',
                '|------:|----------:|----------:|-----------------:|-----------------:|------------:|']
        out += [f'| {a:>5} | {r0:>9} | {r3:>9} | {k:>16} | {w:>16} | {t:>11} |' for a, r0, r3, k, w, t in iso]
    svc = re.search(r'bench: service round trip: ring0_ns=([\d.]+) ring3_ns=([\d.]+) keys_ns=([\d.]+)', text)
    if svc:
        out += ['', 'A null service round trip (damage() of nothing), ns: ring 0 (a call) '
                f'{svc[1]}, ring 3 (SYSCALL+SYSRET) {svc[2]}, ring 3 with keys {svc[3]}.']
    sv = re.search(r'bench: services: plain_ns=([\d.]+) kernel_ns=([\d.]+) cross_ns=([\d.]+) '
                   r'region_MBps=(\d+) copy_MBps=(\d+) ring3_kernel_ns=([\d.]+) ring3_cross_ns=([\d.]+)', text)
    if sv:
        ratio = float(sv[3]) / max(float(sv[2]), 0.01)
        out += ['', 'Services between apps (ring 3 with keys, one boot), ns per call: a plain',
                'indirect call inside an app, a null kernel service, a cross-app call to another',
                'app\'s null function (SYSCALL, PKRU to the provider, SYSRET onto its stack, and',
                'back); and MB/s moved to a provider through its shared region (no copy) and',
                'through a buffer of the caller\'s (copied into its call buffer):', '',
                '| plain ns | kernel service ns | cross-app ns | cross / kernel | region MB/s | copied MB/s |',
                '|---------:|------------------:|-------------:|---------------:|------------:|------------:|',
                f'| {sv[1]:>8} | {sv[2]:>17} | {sv[3]:>12} | {ratio:>14.2f} | {sv[4]:>11} | {sv[5]:>11} |',
                '', 'Without protection keys (ring 3 only, homes open to each other) the same cross-app',
                f'call costs {sv[7]} ns next to {sv[6]} ns for the null kernel service: under TCG each',
                'PKRU write flushes QEMU\'s TLB, which is most of the figure with keys.']
    others = [line for line in text.splitlines()
              if line.startswith('bench: ') and 'app calls:' not in line
              and 'isolation:' not in line and 'service round trip:' not in line
              and 'services:' not in line
              and 'protection:' not in line and 'compositor:' not in line
              and 'disk seq read:' not in line and 'disk rand read:' not in line
              and 'disk write:' not in line and 'usb disk read:' not in line
              and 'disk raw write:' not in line
              and line not in ('bench: start', 'bench: done')]
    if others:
        out += [''] + others
    return out


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else 'build/bench.txt')
    text = run()
    lines = [f'Fomos benchmarks, {datetime.date.today()}',
             f'{qemu_version()}, TCG, host CPU: {host_cpu()}', ''] + table(text)
    lines += native_lines(native_dispatch())
    lines += disk_lines(text)
    lines += compositor_lines(text)
    lines += display_lines(text)
    lines += cube_lines(cube_fps())
    lines += latency_lines({kind: input_latency(kind) for kind in KEYBOARDS})
    lines += idle_lines(idle_desktop_cpu())
    lines += snapshot_lines(snapshot_figures())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    print(f'\nwritten to {out}')


if __name__ == '__main__':
    if sys.argv[1:] == ['--snapshot']:  # this figure alone
        print('\n'.join(snapshot_lines(snapshot_figures())))
    elif sys.argv[1:] == ['--native']:  # this one alone (no QEMU)
        print('\n'.join(native_lines(native_dispatch())))
    else:
        main()
