"""Boots a copy of build/esp-pristine.img with virgl (virtio-vga-gl in an
OpenGL window on an Xvfb of its own), runs the cube, and saves the part of
QEMU's window around it (QMP's screendump cannot read a GL scan-out).

    /usr/bin/python3 test/boot/screenshot_cube.py OUT.png      (ninja screenshot)
"""

import sys
import tempfile
import time
from pathlib import Path

import png
import xvfb
from qemu import Machine

AREA = (0, 0, 480, 320)		# the guest screen's top-left: the cube's window at (32, 32)


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: screenshot_cube.py OUT.png')
    x = xvfb.Xvfb('1920x1200x24')
    try:
        with tempfile.TemporaryDirectory(prefix='fomos-shot-') as tmp:
            with Machine(Path(tmp), vga='virtio-gl', x_display=x.display,
                         files={'/fomos/init': b'background budget=2000\ncursor\n'}) as m:
                m.wait_for(r'background: .* drawn on the', timeout=120)
                m.send('run cube\r')
                m.wait_for(r'opened GPU context', timeout=60)
                # The frame rate over the cube is measured over a second.
                time.sleep(2.5)
                img = x.capture(x.window())
    finally:
        x.stop()
    x0, y0, x1, y1 = AREA
    rows = [[img.pixel(px, py) for px in range(x0, x1)] for py in range(y0, y1)]
    Path(sys.argv[1]).write_bytes(png.encode(x1 - x0, y1 - y0, rows))
    print(f'{sys.argv[1]}: {x1 - x0}x{y1 - y0}')


if __name__ == '__main__':
    main()
