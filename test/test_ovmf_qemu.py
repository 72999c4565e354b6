"""ovmf/qemu, the script behind `ninja qemu`: QEMU ends with its terminal.

Closing the terminal window that runs a headless `ninja qemu` hangs its
terminal up.  Only the session leader gets SIGHUP, and ninja (the leader
when a window runs `ninja qemu` directly) neither passes it on to a console
job nor stops waiting for it: QEMU must notice by itself that its terminal
is gone, or it runs on at full speed with nobody to see it.
"""

import os
import pty
import re
import select
import shutil
import signal
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IMAGE = ROOT / 'build' / 'esp-pristine.img'


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_qemu_ends_when_its_terminal_is_closed(tmp_path):
    if not IMAGE.exists():
        pytest.fail(f'{IMAGE} is missing: run ninja first', pytrace=False)
    img, pidfile = tmp_path / 'esp.img', tmp_path / 'qemu.pid'
    shutil.copyfile(IMAGE, img)
    leader, master = pty.fork()
    if leader == 0:
        # The session leader, as ninja is: it takes the hang-up itself and
        # keeps waiting for its console job.
        signal.signal(signal.SIGHUP, lambda *_: None)
        pid = os.fork()
        if pid == 0:
            os.execv(str(ROOT / 'ovmf' / 'qemu'),
                     [str(ROOT / 'ovmf' / 'qemu'), '--headless', str(img), '-pidfile', str(pidfile)])
        while True:
            try:
                os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
        os._exit(0)
    qemu = None
    try:
        # QEMU's serial console is the terminal: read it (a full terminal
        # would stop QEMU) until the kernel is up.
        seen, deadline = b'', time.monotonic() + 120
        while not re.search(rb'kernel: ready in', seen):
            assert time.monotonic() < deadline, f'no kernel on the terminal:\n{seen[-2000:]!r}'
            if select.select([master], [], [], 1)[0]:
                seen += os.read(master, 65536)
        qemu = int(pidfile.read_text())
        assert alive(qemu)
        os.close(master)	# the window closes
        master = None
        deadline = time.monotonic() + 20
        while alive(qemu) and time.monotonic() < deadline:
            time.sleep(0.2)	# polling another process's end: nothing to wait on
        assert not alive(qemu), 'QEMU still runs 20 s after its terminal went away'
    finally:
        if master is not None:
            os.close(master)
        if qemu and alive(qemu):
            os.kill(qemu, signal.SIGKILL)
        os.kill(leader, signal.SIGKILL)
        os.waitpid(leader, 0)
