"""What the boot tests share: the kernel's log lines and talking to its
serial command line."""

import re
import time

from screen import read_screen

READY = r'kernel: ready in (\d+\.\d) ms'
MEM = r'mem: (\d+) MiB usable'
FB = r'fb: (\d+)x(\d+) (\w+)\b[,\r]'
TSC = r'tsc: (\d+) MHz'
PROMPT = r'(?m)^> '
# OVMF's default GOP mode on QEMU's VGA (measured with QEMU 7.2, Debian OVMF).
DEFAULT_MODE = (1280, 800)


def mib(size):
    """'256M' or '4G' in MiB."""
    return int(size[:-1]) * {'M': 1, 'G': 1024}[size[-1]]


def logged(m, regex):
    """The match of `regex` in everything the machine printed so far."""
    found = re.search(regex, m.serial_text)
    assert found, f'no line matching {regex!r} on serial'
    return found


def boot_to_prompt(m):
    """Waits for `kernel: ready`, then for the console's first prompt."""
    ready = m.wait_for(READY)
    m.wait_for(PROMPT, timeout=10)
    return ready


def command(m, line, timeout=30):
    """Types `line` and Enter; returns what the serial line printed from then
    until the kernel's next prompt.  Apps may log while the command line
    echoes what is typed, so the echo can come in pieces between their
    lines: only the prompt that follows the answer is waited for."""
    if not m.seen(PROMPT):
        # The kernel's first prompt comes after the apps' first calls:
        # let it come, or it would pass for the end of this answer.
        m.mark()
        m.wait_for(PROMPT, timeout)
    start = m.mark()
    m.send(line + '\r')
    end = m.wait_for(PROMPT, timeout)
    return end.string[start:end.start()]


def screen_text(m, want, timeout=10):
    """The screen's text lines, once some line contains `want` (or at timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = read_screen(m.screendump())
        if any(want in line for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)  # nothing tells us when the screen changes


def assert_on_screen(lines, want):
    shown = '\n'.join(line for line in lines if line)
    assert any(want in line for line in lines), \
        f'{want!r} not on screen; read_screen found:\n{shown}'
