"""Boots build/esp.img headless and saves the screen once the apps of the
default /fomos/init have run a little (their drawing composed) and a few
commands were typed on the serial command line.

    /usr/bin/python3 test/boot/screenshot.py OUT.png      (ninja screenshot)
"""

import sys
import tempfile

from qemu import Machine


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: screenshot.py OUT.png')
    with tempfile.TemporaryDirectory(prefix='fomos-shot-') as tmp:
        with Machine(tmp) as m:
            m.wait_for(r'kernel: ready in (\d+\.\d) ms')
            m.wait_for(r'(?m)^> ', timeout=10)
            m.send('ps\r')
            m.wait_for(r'hello\[1\]: call 3', timeout=30)
            # A frame is composed at most 1/30 s after a change; let one pass.
            m.wait_for(r'hello\[1\]: call 4', timeout=30)
            img = m.screendump(sys.argv[1])
    print(f'{sys.argv[1]}: {img.width}x{img.height}')


if __name__ == '__main__':
    main()
