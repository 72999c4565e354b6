"""PS/2 keyboard and mouse through the i8042 (drivers/i8042.c), as most
laptops' built-in keyboards and touchpads are: QEMU's pc and q35 machines
with no virtio and no USB input device at all, so every key and every
motion reaches the apps through the i8042 or not at all.

One boot per machine checks typing (scan code set 2, shifted, Caps Locked
and extended keys), the Caps Lock light (QEMU traces what the keyboard is
told: ps2_set_ledstate), pointer motion, buttons and the wheel.
"""

import re
import time

import pytest

from console import PROMPT, READY
from test_input import EVENT, pointer, send_keys, typed

PROBED = (r'i8042: PS/2 keyboard and PS/2 mouse with a wheel, scan code set 2, '
          r'IRQ 1 and 12 through the I/O APIC')


def leds(m, count, timeout=30):
    """The first `count` LED states the keyboard was sent (QEMU's trace, in
    the -D file), once there are that many."""
    deadline = time.monotonic() + timeout
    while True:
        text = m.guest_errors.read_text(errors='replace') if m.guest_errors.exists() else ''
        states = [int(s) for s in re.findall(r'ps2_set_ledstate \S+ ledstate (\d+)', text)]
        if len(states) >= count or time.monotonic() > deadline:
            return states
        time.sleep(0.1)  # QEMU writes the file; nothing tells us when


def presses(m, count, timeout=30):
    """The key codes of the next `count` presses inputlog reports."""
    codes = []
    while len(codes) < count:
        e = m.wait_for(EVENT, timeout)
        if e.group(1) == 'key' and e.group(3) == '1':
            codes.append(int(e.group(2)))
    return codes


@pytest.mark.parametrize('kind', ['pc', 'q35'])
def test_ps2_keyboard_and_mouse_reach_the_apps(machine, kind):
    m = machine(machine=kind, input_devices=False, files={'/fomos/init': b'inputlog\n'},
                extra_args=['-trace', 'ps2_set_ledstate'])
    m.wait_for(READY)
    m.wait_for(PROMPT, timeout=10)
    assert re.search(PROBED, m.serial_text), 'the i8042 found both devices'
    assert 'virtio-input' not in m.serial_text and 'usb' not in m.serial_text.lower()
    booted = len(leds(m, 1))  # the reset's "all off"

    # Typing: plain, Shift, Caps Lock, the number row and punctuation.
    send_keys(m, 'a', 'shift-a', 'caps_lock', 'a', 'shift-a', 'caps_lock', 'z', '1', 'shift-1',
              'minus', 'shift-minus', 'semicolon', 'shift-apostrophe', 'slash', 'shift-slash', 'spc', 'ret')
    assert typed(m, 15) == 'aAAaz1!-_;"/? \n'
    # Caps Lock's light went on (bit 2), then off again.
    states = leds(m, booted + 2)[booted:]
    assert states[:2] == [4, 0], f'LED states after the two Caps Locks: {states}'

    # Keys behind the E0 prefix: Up, keypad Enter, right Ctrl, Delete, End.
    # One at a time: QEMU's PS/2 keyboard queues only 16 bytes, and five
    # E0 keys pressed and released are 25; a guest slowed by a loaded host
    # may not have read the first ones before the last arrive.
    got = []
    for key in ('up', 'kp_enter', 'ctrl_r', 'delete', 'end'):
        send_keys(m, key)
        got += presses(m, 1)
    assert got == [103, 96, 97, 111, 107]

    # The mouse: motion (PS/2's Y grows upwards: the driver turns it),
    # buttons, the IntelliMouse wheel.
    m.qmp('input-send-event', events=[{'type': 'rel', 'data': {'axis': 'x', 'value': 30}},
                                      {'type': 'rel', 'data': {'axis': 'y', 'value': -20}}])
    m.wait_for(r'inputlog: motion code=1 value=-20\b')
    assert pointer(m)[:2] == (670, 380)
    for name, down, want in [('left', True, 1), ('right', True, 3), ('left', False, 2), ('right', False, 0)]:
        m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': down, 'button': name}}])
        m.wait_for(rf'inputlog: button code={272 if name == "left" else 273} value={int(down)}\b')
        assert pointer(m)[2] == want, f'buttons after {name} {"down" if down else "up"}'
    m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': True, 'button': 'wheel-down'}}])
    m.wait_for(r'inputlog: wheel code=8 value=-1\b')
    m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': True, 'button': 'wheel-up'}}])
    m.wait_for(r'inputlog: wheel code=8 value=1\b')
