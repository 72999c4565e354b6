"""An X server of our own for the 3D boot tests: QEMU's virgl needs an
OpenGL window here (design.md, GPU), and Xvfb with Mesa's llvmpipe gives
one without a screen.  Each Xvfb picks a free display number itself
(-displayfd), so parallel tests never share one."""

import os
import subprocess
import time

import xwd


class Xvfb:
    def __init__(self, size='1600x1000x24'):
        r, w = os.pipe()
        self.proc = subprocess.Popen(['Xvfb', '-displayfd', str(w), '-screen', '0', size,
                                      '-nolisten', 'tcp'], pass_fds=(w,),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            number = f.readline().strip()
        if not number:
            self.proc.kill()
            raise RuntimeError('Xvfb did not start')
        self.display = f':{number}'

    def env(self):
        return dict(os.environ, DISPLAY=self.display)

    def window(self, name='QEMU', timeout=30):
        """The id of the first window whose name contains `name`."""
        deadline = time.monotonic() + timeout
        while True:
            r = subprocess.run(['xdotool', 'search', '--onlyvisible', '--name', name], env=self.env(),
                               capture_output=True, text=True)
            ids = r.stdout.split()
            if ids:
                return ids[0]
            assert time.monotonic() < deadline, f'no X window named {name!r} after {timeout} s'
            time.sleep(0.3)

    def capture(self, window):
        """What the window shows now, as a png.Image."""
        data = subprocess.run(['xwd', '-silent', '-id', window], env=self.env(),
                              capture_output=True, check=True).stdout
        return xwd.decode(data)

    def stop(self):
        self.proc.kill()
        self.proc.wait()
