"""Boots build/esp-pristine.img in QEMU + OVMF, headless, for the boot tests.

    with Machine(tmp_path, cfg='resolution=1024x768\\n') as m:
        m.wait_for(r'kernel: ready in (\\d+\\.\\d) ms')
        m.send('help\\r')
        lines = read_screen(m.screendump())

Each Machine works on its own copy of the ESP and of the OVMF variables, in
its own directory, so tests run in parallel (pytest -n 2).  The serial port
and QMP are UNIX sockets that we listen on and QEMU connects to while it
starts, before the guest runs: no output is lost and no connection has to
be retried.  QEMU also writes the whole serial output to serial.log in tmp_path.
"""

import codecs
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import png

ROOT = Path(__file__).resolve().parents[2]
# The image as built, never booted: what `ninja qemu` saved into build/esp.img
# (snapshots, apps' files) must not change what a test or a benchmark sees.


def ctx_version():
    """FOMOS_CTX_VERSION: what sdk/fomos.h, the one place that says it, says."""
    text = (ROOT / 'sdk' / 'fomos.h').read_text()
    return int(re.search(r'#define FOMOS_CTX_VERSION\s+(\d+)', text).group(1))


def ctx_size():
    """sizeof(struct fomos_ctx), as a C compiler lays out sdk/fomos.h."""
    out = subprocess.run(['clang', '-fsyntax-only', '-x', 'c', '-', '-I', str(ROOT / 'sdk'),
                          '-Wno-everything', '-Xclang', '-fdump-record-layouts-simple'],
                         input='#include <fomos.h>\nint x = sizeof(struct fomos_ctx);\n',
                         capture_output=True, text=True, check=True).stdout
    layout = out.split('Type: struct fomos_ctx')[1]
    return int(re.search(r'Size:(\d+)', layout).group(1)) // 8
ESP = ROOT / 'build' / 'esp-pristine.img'
SOCKET_DIR_MAX = 80  # sun_path holds 108 bytes; keep well below


class QMPError(Exception):
    pass


def ovmf():
    """(CODE, VARS template) as found by ovmf/find."""
    out = subprocess.run([str(ROOT / 'ovmf' / 'find')], check=True,
                         capture_output=True, text=True).stdout.split('\n')
    return out[0], out[1]


def put_file(img, path, data, scratch):
    """Writes data as `path` (e.g. /fomos/apps/x.app) into the FAT image."""
    scratch = Path(scratch)
    scratch.write_bytes(data)
    parts = path.strip('/').split('/')
    for i in range(1, len(parts)):
        folder = '::/' + '/'.join(parts[:i])
        if subprocess.run(['mdir', '-i', str(img), folder],
                          capture_output=True).returncode != 0:
            subprocess.run(['mmd', '-i', str(img), folder], check=True)
    subprocess.run(['mcopy', '-o', '-i', str(img), str(scratch), '::' + path],
                   check=True)


class Machine:
    """One QEMU + OVMF machine booting a copy of build/esp-pristine.img.

    memory and machine go to -m and -machine; cfg (str or bytes) replaces
    /fomos/boot.cfg on the copy; resolution ('1024x768' or (w, h)) appends a
    resolution= line to it; extra_args go last on QEMU's command line;
    vga=False boots with no display device at all.  image: boot this disk
    image as it is (e.g. the one an earlier Machine left in its directory,
    `machine.image`) instead of a fresh copy of build/esp-pristine.img; cfg and files
    still go into it.  esp_readonly=True attaches the disk read-only
    (the guest sees a read-only virtio-blk device).  net: a -netdev backend
    without its id ('user,restrict=on,hostfwd=tcp:127.0.0.1:P-:80', 'socket,
    listen=127.0.0.1:P'): the guest gets a virtio-net card (MAC `mac`) on
    it, and every frame is captured into `machine.pcap` (the first 256
    bytes of each).  Without net the machine has no network card.

    vga='virtio' gives a virtio-vga display instead of std VGA ('virtio-gl':
    with virgl); trace='virtio_gpu_*' logs those QEMU trace events into
    `machine.trace_log`.

    disk='usb' puts the boot disk on a USB stick (usb-storage on a qemu-xhci
    controller, id xhci) instead of virtio-blk; input_devices='usb' gives a
    USB keyboard, tablet and mouse (ids kbd0, tablet0, mouse0) on that
    controller instead of the virtio ones.  esp_offset: where the FAT volume
    starts in the image, in bytes (a GPT image like build/fomos-usb.img),
    for writing cfg and files into it.
    """

    def __init__(self, tmp_path, memory='256M', machine='q35', cfg=None,
                 resolution=None, extra_args=(), vga=True, files=None, input_devices=True,
                 image=None, esp_readonly=False, net=None, mac='52:54:00:12:34:56',
                 disk='virtio', esp_offset=0, trace=None, x_display=None, qemu_display=None, env=None):
        self.dir = Path(tmp_path)
        self.memory, self.machine = memory, machine
        self.cfg = cfg.encode() if isinstance(cfg, str) else cfg
        if resolution is not None:
            if not isinstance(resolution, str):
                resolution = '%dx%d' % tuple(resolution)
            self.cfg = (self.cfg or b'') + f'resolution={resolution}\n'.encode()
        self.extra_args = list(extra_args)
        # The three virtio input devices `ninja qemu` has too, or their USB twins.
        self.input_devices = ['-device', 'virtio-keyboard-pci,id=kbd0',
                              '-device', 'virtio-mouse-pci,id=mouse0',
                              '-device', 'virtio-tablet-pci,id=tablet0'] if input_devices else []
        if input_devices == 'usb':
            self.input_devices = ['-device', 'usb-kbd,bus=xhci.0,id=kbd0',
                                  '-device', 'usb-tablet,bus=xhci.0,id=tablet0',
                                  '-device', 'usb-mouse,bus=xhci.0,id=mouse0']
        self.disk_args = (['-device', 'usb-storage,bus=xhci.0,drive=esp,bootindex=0,removable=on']
                          if disk == 'usb' else ['-device', 'virtio-blk-pci,drive=esp,bootindex=0'])
        if disk == 'usb' or input_devices == 'usb':
            self.disk_args = ['-device', 'qemu-xhci,id=xhci'] + self.disk_args
        self.esp_offset = esp_offset
        # trace: QEMU trace events to log ('virtio_gpu_*'), into trace.log
        # (QEMU then writes its guest errors there too: conftest finds them).
        self.trace_log = self.dir / 'trace.log'
        self.trace = ['-trace', f'enable={trace},file={self.trace_log}'] if trace else []
        # x_display=':N': QEMU shows its window on that X server (Xvfb), with
        # OpenGL: what virgl needs here (design.md, GPU).  qemu_display:
        # another -display ('dbus' for host-driven resizes).
        self.x_display = x_display
        self.env = dict(env or {})
        if x_display:
            self.env['DISPLAY'] = x_display
        self.qemu_display = qemu_display or ('sdl,gl=on' if x_display else 'none')
        # QEMU's own complaints about what the guest did to its devices.
        self.guest_errors = self.dir / 'guest-errors.log'
        # ESP path -> bytes: written into this machine's copy of the ESP
        # (e.g. {'/fomos/init': b'hello\n'}).
        self.files = dict(files or {})
        # QMP's input-send-event names the display device: keep its id vga0.
        # vga='virtio': virtio-vga (GOP at boot, then the kernel's
        # virtio-gpu scan-out); 'virtio-gl' adds virgl (3D: needs a GL
        # display, see gl_display).
        self.display = {True: ['-device', 'VGA,id=vga0'], False: [],
                        'virtio': ['-device', 'virtio-vga,id=vga0'],
                        'virtio-gl': ['-device', 'virtio-vga-gl,id=vga0']}[vga]
        self.serial_log = self.dir / 'serial.log'
        self.qemu_log = self.dir / 'qemu.log'
        self.proc = None
        self.given_image = Path(image) if image else None
        self.image = self.given_image or self.dir / 'esp.img'
        self.esp_readonly = esp_readonly
        self.pcap = self.dir / 'net.pcap'
        self.nic = ['-nic', 'none'] if net is None else [
            '-netdev', f'{net},id=n0', '-device', f'virtio-net-pci,netdev=n0,mac={mac}',
            '-object', f'filter-dump,id=dump0,netdev=n0,file={self.pcap},maxlen=256']
        self._text = ''
        self._decoder = codecs.getincrementaldecoder('utf-8')('replace')
        self._pos = 0  # wait_for searches from here
        self._eof = False
        self._cond = threading.Condition()
        self._own_sockdir = None
        self._shots = 0

    # --- starting and stopping -------------------------------------------------

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        self._stop()
        if exc_type is not None:
            print(f'serial log: {self.serial_log}')
            print(f'qemu log:   {self.qemu_log}')
            print('--- last serial output ---')
            print('\n'.join(self.serial_text.splitlines()[-40:]))
        return False

    def _start(self):
        if not ESP.exists():
            raise FileNotFoundError(f'{ESP} is missing: run ninja first')
        self.dir.mkdir(parents=True, exist_ok=True)
        img = self.image
        if self.given_image is None:
            shutil.copyfile(ESP, img)
        fat = f'{img}@@{self.esp_offset}' if self.esp_offset else img
        if self.cfg is not None:
            cfg = self.dir / 'boot.cfg'
            cfg.write_bytes(self.cfg)
            subprocess.run(['mcopy', '-o', '-i', str(fat), str(cfg),
                            '::/fomos/boot.cfg'], check=True)
        for i, (path, data) in enumerate(self.files.items()):
            put_file(fat, path, data, self.dir / f'file{i}')
        code, vars_template = ovmf()
        vars_copy = self.dir / 'vars.fd'
        shutil.copyfile(vars_template, vars_copy)

        sockdir = self.dir
        if len(str(sockdir)) > SOCKET_DIR_MAX:
            sockdir = self._own_sockdir = Path(tempfile.mkdtemp(prefix='fomos-'))
        serial_path, qmp_path = sockdir / 'serial.sock', sockdir / 'qmp.sock'
        serial_listener = self._listen(serial_path)
        qmp_listener = self._listen(qmp_path)

        args = ['qemu-system-x86_64',
                '-machine', self.machine, '-accel', 'tcg', '-cpu', 'max',
                '-m', self.memory,
                '-drive', f'if=pflash,unit=0,format=raw,readonly=on,file={code}',
                '-drive', f'if=pflash,unit=1,format=raw,file={vars_copy}',
                '-drive', f'if=none,id=esp,format=raw,file={img}'
                + (',readonly=on' if self.esp_readonly else ''),
                *self.disk_args,
                *self.nic, '-display', self.qemu_display, '-vga', 'none',
                *self.input_devices,
                '-d', 'guest_errors', '-D', str(self.guest_errors), *self.trace,
                *self.display,
                '-chardev', f'socket,id=ser0,path={serial_path},logfile={self.serial_log}',
                '-serial', 'chardev:ser0',
                '-chardev', f'socket,id=qmp0,path={qmp_path}',
                '-mon', 'chardev=qmp0,mode=control',
                *self.extra_args]
        (self.dir / 'qemu.cmd').write_text(' '.join(args) + '\n')
        with open(self.qemu_log, 'wb') as log:
            env = dict(os.environ, **self.env) if self.env else None
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            self._serial = self._accept(serial_listener, 'serial')
            self._qmp_sock = self._accept(qmp_listener, 'QMP')
        finally:
            serial_listener.close()
            qmp_listener.close()
        self._reader = threading.Thread(target=self._read_serial, daemon=True)
        self._reader.start()
        self._qmp_file = self._qmp_sock.makefile('rwb')
        greeting = self._qmp_read()
        if 'QMP' not in greeting:
            raise QMPError(f'no QMP greeting: {greeting}')
        self.qmp('qmp_capabilities')

    def _listen(self, path):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(str(path))
        s.listen(1)
        return s

    def _accept(self, listener, what, timeout=30):
        # QEMU connects while it parses its options; if it dies first (a bad
        # option), say so instead of waiting out the timeout.
        listener.settimeout(0.2)
        deadline = time.monotonic() + timeout
        while True:
            try:
                conn, _ = listener.accept()
                conn.settimeout(None)
                return conn
            except socket.timeout:
                if self.proc.poll() is not None:
                    raise RuntimeError(f'QEMU exited with {self.proc.returncode} before '
                                       f'connecting its {what} socket:\n'
                                       + self.qemu_log.read_text()) from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f'QEMU did not connect its {what} socket '
                                       f'in {timeout} s') from None

    def _stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait()
        for name in ('_qmp_file', '_qmp_sock', '_serial'):
            obj = getattr(self, name, None)
            if obj is not None:
                try:
                    obj.close()
                except OSError:
                    pass
        reader = getattr(self, '_reader', None)
        if reader is not None:
            reader.join(timeout=5)
        if self._own_sockdir is not None:
            shutil.rmtree(self._own_sockdir, ignore_errors=True)

    # --- serial -----------------------------------------------------------------

    def _read_serial(self):
        while True:
            try:
                data = self._serial.recv(65536)
            except OSError:
                data = b''
            with self._cond:
                if not data:
                    self._eof = True
                    self._text += self._decoder.decode(b'', final=True)
                else:
                    self._text += self._decoder.decode(data)
                self._cond.notify_all()
            if not data:
                return

    @property
    def serial_text(self):
        """Every complete line the machine wrote on its serial port so far.
        (A line still arriving is left out: `counter 1` may be the start of
        `counter 12`.)  A line is complete at its '\r' already: that is what
        wait_for patterns end with, and the '\n' may not have arrived yet."""
        with self._cond:
            return self._text[:max(self._text.rfind('\n'), self._text.rfind('\r')) + 1]

    def seen(self, regex):
        """True if `regex` matches anything the machine wrote so far, a line
        still arriving included (a prompt has no end of line)."""
        with self._cond:
            return re.search(regex, self._text) is not None

    def mark(self):
        """Skips what arrived so far: the next wait_for looks only at what
        comes after this.  Returns that position in serial_text."""
        with self._cond:
            self._pos = len(self._text)
            return self._pos

    def wait_for(self, regex, timeout=60):
        """Waits for `regex` in the serial output after the previous match.
        A pattern that ends in a number should end in \\r too (lines end
        "\\r\\n"), or it may match a number still arriving.

        Each call continues where the last match ended, so calling it twice
        for the same pattern waits for a second occurrence.
        """
        pattern = re.compile(regex)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = pattern.search(self._text, self._pos)
                if m:
                    self._pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    why = 'QEMU closed the serial port' if self._eof else f'{timeout} s passed'
                    tail = '\n'.join(self._text[self._pos:].splitlines()[-30:])
                    raise AssertionError(
                        f'{why} without {regex!r} on serial; '
                        f'since the last match it printed:\n{tail}\n'
                        f'(whole log: {self.serial_log})')
                self._cond.wait(left)

    def wait_seen(self, regex, timeout=60):
        """Waits until `regex` matches anywhere in the output, wherever
        earlier matches were: for lines that may come in any order.  Does
        not move where wait_for continues."""
        pattern = re.compile(regex)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = pattern.search(self._text)
                if m:
                    return m
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    why = 'QEMU closed the serial port' if self._eof else f'{timeout} s passed'
                    raise AssertionError(f'{why} without {regex!r} on serial (whole log: {self.serial_log})')
                self._cond.wait(left)

    def send(self, text):
        """Types `text` on the serial port (a terminal's Enter is '\\r')."""
        self._serial.sendall(text.encode() if isinstance(text, str) else text)

    # --- QMP, screen, exit ----------------------------------------------------------

    def _qmp_read(self):
        line = self._qmp_file.readline()
        if not line:
            raise QMPError('QEMU closed the QMP socket')
        return json.loads(line)

    def qmp(self, cmd, **args):
        """Runs a QMP command; returns its 'return' value, raises QMPError on 'error'."""
        msg = {'execute': cmd}
        if args:
            msg['arguments'] = args
        self._qmp_sock.settimeout(60)
        self._qmp_file.write(json.dumps(msg).encode() + b'\n')
        self._qmp_file.flush()
        while True:
            reply = self._qmp_read()
            if 'event' in reply:
                continue
            if 'error' in reply:
                raise QMPError(f'{cmd}: {reply["error"]}')
            return reply['return']

    def screendump(self, path=None):
        """The screen as it is now, as a png.Image.

        QEMU writes the PNG to `path`, by default a new file in tmp_path.
        """
        self._shots += 1
        path = Path(path or self.dir / f'screen-{self._shots}.png').resolve()
        self.qmp('screendump', filename=str(path), format='png')
        return png.decode(path.read_bytes())

    def wait_exit(self, timeout=60):
        """Waits for QEMU to exit by itself; returns its exit status."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f'QEMU still running after {timeout} s; serial '
                                 f'ends with:\n{self.serial_text[-2000:]}') from None
