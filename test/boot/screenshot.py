"""Boots a copy of build/esp-pristine.img headless to the desktop of the default /fomos/init
(wallpaper, console, pointer), types a few commands into the console through
the serial line, points somewhere, and saves the screen.

    /usr/bin/python3 test/boot/screenshot.py OUT.png      (ninja screenshot)
"""

import sys
import tempfile
import time

from qemu import Machine

TABLET_MAX = 32767


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: screenshot.py OUT.png')
    with tempfile.TemporaryDirectory(prefix='fomos-shot-') as tmp:
        with Machine(tmp, resolution='1280x800') as m:
            m.wait_for(r'kernel: ready in (\d+\.\d) ms')
            m.wait_for(r'console: window at', timeout=60)
            m.wait_for(r'background: .* drawn on the', timeout=120)
            for line in ('help', 'ps', 'mem'):
                m.send(line + '\r')
                m.wait_for(r'(?m)^> ', timeout=30)
            m.qmp('input-send-event', events=[
                {'type': 'abs', 'data': {'axis': 'x', 'value': 900 * TABLET_MAX // 1279}},
                {'type': 'abs', 'data': {'axis': 'y', 'value': 560 * TABLET_MAX // 799}}])
            # The console draws at most 600 cells a call and the screen is
            # composed at most 60 times a second; nothing announces the
            # frame that shows it all, so give it a moment.
            time.sleep(1.5)
            img = m.screendump(sys.argv[1])
    print(f'{sys.argv[1]}: {img.width}x{img.height}')


if __name__ == '__main__':
    main()
