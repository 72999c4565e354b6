"""Typing and pointing reach every app: virtio keyboard, mouse and tablet,
and the serial line, seen through ctx->input by the inputlog app.

Input is injected through QMP (send-key, input-send-event) and over the
serial line; inputlog logs every event it finds in its ring:

    inputlog[1]: inputlog: key code=30 value=1 cp=97 held=1
    inputlog[1]: inputlog: pointer 640,400 buttons=0 count=2
"""

import re
import time

from console import PROMPT, READY

# cp=... is matched only once the character after it has arrived.
EVENT = r'inputlog: (key|button|motion|wheel) code=(\d+) value=(-?\d+) cp=(\d+)[ \r]'
POINTER = r'inputlog: pointer (\d+),(\d+) buttons=(\d+) count=(\d+)\r'


def boot(machine, cfg=None, init='inputlog\n', **kwargs):
    m = machine(files={'/fomos/init': init.encode()}, cfg=cfg, **kwargs)
    m.wait_for(READY)
    m.wait_for(PROMPT, timeout=10)
    return m


def send_keys(m, *combos):
    """send-key for each combo, e.g. 'a', 'shift-a', 'altgr-0'."""
    for combo in combos:
        m.qmp('send-key', keys=[{'type': 'qcode', 'data': k} for k in combo.split('-')])


def key_event(m, qcode, down):
    m.qmp('input-send-event', events=[{'type': 'key', 'data': {
        'down': down, 'key': {'type': 'qcode', 'data': qcode}}}])


def typed(m, count, timeout=30):
    """The text of the next `count` key presses that type something (Shift,
    Caps Lock and dead keys type nothing), as inputlog reports them."""
    out = ''
    while len(out) < count:
        e = m.wait_for(EVENT, timeout)
        if e.group(1) == 'key' and e.group(3) == '1' and int(e.group(4)):
            out += chr(int(e.group(4)))
    return out


def pointer(m, timeout=30):
    p = m.wait_for(POINTER, timeout)
    return int(p.group(1)), int(p.group(2)), int(p.group(3))


def test_keyboard_types_plain_shifted_and_caps_locked_text_on_a_us_layout(machine):
    m = boot(machine)
    send_keys(m, 'a', 'shift-a', 'caps_lock', 'a', 'shift-a', 'caps_lock', 'z',
              '1', 'shift-1', 'minus', 'shift-minus', 'semicolon', 'shift-apostrophe',
              'slash', 'shift-slash', 'spc', 'ret')
    # Caps Lock gives capitals, and Shift with Caps Lock lowercase; the
    # Caps Lock key itself types nothing.
    assert typed(m, 15) == 'aAAaz1!-_;"/? \n'


def test_keyboard_types_french_azerty_text_with_keymap_fr(machine):
    m = boot(machine, cfg='keymap=fr\n')
    # On AZERTY the key where US has q types a, and the digit row needs Shift.
    send_keys(m, 'q', 'a', 'w', 'semicolon', '1', 'shift-1', '2', '7', '9', '0',
              'alt_r-0', 'alt_r-e', 'm', 'shift-m', 'caps_lock', '2', 'caps_lock')
    assert typed(m, 15) == 'aqzm&1éèçà@€,?É'
    # ^ is a dead key: it waits for the letter it accents.
    send_keys(m, 'bracket_left', 'e', 'shift-bracket_left', 'i')
    assert typed(m, 2) == 'êï'


def test_keys_are_held_between_press_and_release(machine):
    m = boot(machine)
    key_event(m, 'a', True)
    e = m.wait_for(r'inputlog: key code=30 value=1 cp=97 held=(\d)')
    assert e.group(1) == '1', 'keys[KEY_A] is 1 while A is down'
    key_event(m, 'a', False)
    e = m.wait_for(r'inputlog: key code=30 value=0 cp=0 held=(\d)')
    assert e.group(1) == '0'


def test_relative_motion_moves_the_pointer_and_stops_at_the_screen_edges(machine):
    m = boot(machine)
    x0, y0, _ = 640, 400, 0  # the pointer starts in the middle of 1280x800

    def move(dx, dy):
        m.qmp('input-send-event', events=[
            {'type': 'rel', 'data': {'axis': 'x', 'value': dx}},
            {'type': 'rel', 'data': {'axis': 'y', 'value': dy}}])
        return pointer(m)

    assert move(30, -20)[:2] == (x0 + 30, y0 - 20)
    assert re.search(r'inputlog: motion code=0 value=30\b', m.serial_text)
    assert re.search(r'inputlog: motion code=1 value=-20\b', m.serial_text)
    assert move(-5000, -5000)[:2] == (0, 0)
    assert move(5000, 5000)[:2] == (1279, 799)


def test_tablet_positions_are_scaled_to_the_screen(machine):
    m = boot(machine)
    for ax, ay, want in [(0, 0, (0, 0)), (32767, 32767, (1279, 799)),
                         (16384, 8192, (16384 * 1279 // 32767, 8192 * 799 // 32767))]:
        m.qmp('input-send-event', events=[
            {'type': 'abs', 'data': {'axis': 'x', 'value': ax}},
            {'type': 'abs', 'data': {'axis': 'y', 'value': ay}}])
        assert pointer(m)[:2] == want


def test_buttons_and_wheel_reach_the_apps(machine):
    m = boot(machine)
    m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': True, 'button': 'left'}}])
    assert pointer(m)[2] == 1
    m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': True, 'button': 'right'}}])
    assert pointer(m)[2] == 3
    m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': False, 'button': 'left'}}])
    assert pointer(m)[2] == 2
    m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': True, 'button': 'wheel-down'}}])
    m.wait_for(r'inputlog: wheel code=8 value=-1')
    m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': True, 'button': 'wheel-up'}}])
    m.wait_for(r'inputlog: wheel code=8 value=1')
    assert re.search(r'inputlog: button code=272 value=1', m.serial_text), 'BTN_LEFT press'


def test_the_serial_line_is_a_keyboard_too(machine):
    m = boot(machine)
    m.send('Hi, wörld!\t\x7f\x1b[A\x1b[D\r')
    presses = []
    while not presses or presses[-1][0] != 28:  # up to Enter
        e = m.wait_for(EVENT, 30)
        if e.group(1) == 'key' and e.group(3) == '1':
            presses.append((int(e.group(2)), int(e.group(4))))
    text = ''.join(chr(cp) for _, cp in presses if cp)
    assert text == 'Hi, wörld!\t\b\n'
    codes = [code for code, _ in presses]
    assert codes[:2] == [42, 35], 'H is Shift then the H key'
    assert 103 in codes and 105 in codes, 'ESC [ A and ESC [ D are Up and Left'
    assert codes[-1] == 28, 'Enter'


def test_no_event_is_lost_or_repeated_when_500_keys_arrive_quickly(machine):
    m = boot(machine, init='inputcount\n')
    letters = 'abcdefghijklmnopqrstuvwxyz'
    keys = [letters[i % 26] for i in range(500)]
    # About 150 keys a second, far faster than anyone types.  (Faster, QEMU
    # itself drops events: a flood of QMP commands holds its big lock, the
    # guest cannot run to hand the device fresh buffers, and virtio-input
    # discards a whole batch when its 64-entry queue has no room.  At 300 a
    # second this happened on a machine loaded by other QEMUs.)
    for k in keys:
        m.qmp('send-key', keys=[{'type': 'qcode', 'data': k}], **{'hold-time': 1})
        time.sleep(0.005)  # the typing rate, not a wait for anything
    total = sum(ord(k) for k in keys)
    deadline = time.monotonic() + 120
    presses = 0
    while presses < 500 and time.monotonic() < deadline:  # a pause mid-way reports early
        r = m.wait_for(r'inputcount: events=(\d+) presses=(\d+) releases=(\d+) text=(\d+) '
                       r'lost=(\d+) count=(\d+)\r', 120)
        events, presses, releases, text, lost, count = map(int, r.groups())
    assert (presses, releases, lost) == (500, 500, 0)
    assert events == count == 1000, 'every event seen once, and the ring counted each once'
    assert text == total, 'the codepoints add up to the letters sent'


def test_without_input_devices_the_system_boots_and_says_so(machine):
    # No virtio input devices, and no i8042 either (q35 has one by default).
    m = machine(input_devices=False, machine='q35,i8042=off', files={'/fomos/init': b'inputlog\n'})
    m.wait_for(r'input: no keyboard or pointer found; the serial line is the keyboard')
    m.wait_for(READY)
    m.wait_for(PROMPT, timeout=10)
    m.send('q')
    m.wait_for(r'inputlog: key code=16 value=1 cp=113')


def test_an_unknown_virtio_device_is_listed_and_left_alone(machine):
    m = machine(extra_args=['-device', 'virtio-rng-pci'])
    line = m.wait_for(r'pci: (\S+) 1af4:(\S+) class \S+ - \(virtio-rng: no driver, left alone\)')
    m.wait_for(READY)
    assert re.search(r'virtio-input .* is a keyboard', m.serial_text)
    assert line
