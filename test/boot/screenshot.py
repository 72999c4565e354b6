"""Boots build/esp.img headless and saves the screen once the kernel is ready.

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
            img = m.screendump(sys.argv[1])
    print(f'{sys.argv[1]}: {img.width}x{img.height}')


if __name__ == '__main__':
    main()
