"""The first services between apps, on the desktop: apps/clipboard and
apps/notify, used by the console (Ctrl-Shift-C, Ctrl-Shift-V, `notify TEXT`)
and by test/apps/paster.c.

One boot serves every test: the default desktop (apps/init's lines, read
from the file) plus paster, which sets the clipboard to "hello from paster"
once, logs the clipboard's text whenever it changes ("paster: clipboard is
'...'") and shows one notification ("paster says hi", 5000 ms).  The tests
run in the order of this file: the first pastes what paster set, before the
second copies something else over it.

Keys reach the console through QMP (the window has the focus from its
start): send-key, each key held 100 ms, and tap(), a whole chord pressed and
released before the console's next turn.  What it prints is read on the
serial line, which it mirrors, and in its window on screendumps.  The notify app's boxes are checked pixel
by pixel where apps/notify/notify.c puts them: its window's right edge 8
pixels from the screen's, its top 8 pixels down; each box a 2-pixel frame
around a 6-pixel margin and 38 cells of the console's font per line.
"""

import re
import time
from types import SimpleNamespace

import pytest

from console import PROMPT, READY, command
from png import Image
from qemu import ROOT
from screen import read_screen
from test_console import BANNER, TITLE_ON, WINDOW, Window, screen_text, wait_window
from test_input import send_keys

INIT = (ROOT / 'apps' / 'init').read_text() + 'paster nofb\n'
PASTED = 'hello from paster'

# apps/notify/notify.c
NOTE_COLS, NOTE_BORDER, NOTE_PAD, NOTE_MARGIN, NOTE_SHOWN = 38, 2, 6, 8, 4
NOTE_FRAME = (0xE0, 0xC0, 0x60)
NOTE_BG = (0x20, 0x28, 0x38)
NOTE_FG = (0xFF, 0xFF, 0xFF)


def tap(m, *qcodes):
    """Presses the keys in order and releases them in reverse, all in one
    QMP command: the whole chord has come and gone before the console's next
    turn, as when a key is tapped while another app's long call runs."""
    def event(qcode, down):
        return {'type': 'key', 'data': {'down': down, 'key': {'type': 'qcode', 'data': qcode}}}
    m.qmp('input-send-event', events=[event(k, True) for k in qcodes]
          + [event(k, False) for k in reversed(qcodes)])


def logged(m, app, text, timeout=30):
    """Waits for APP[pid]: TEXT anywhere on serial (lines come in any order)."""
    return m.wait_seen(rf'{app}\[\d+\]: {re.escape(text)}\r', timeout)


def wait_screen(m, check, timeout=30):
    """Screendumps until check(img) is true; returns the last image (the
    caller asserts on it).  Nothing says when the compositor has put a change
    on the screen, so we look."""
    deadline = time.monotonic() + timeout
    while True:
        img = m.screendump()
        if check(img) or time.monotonic() > deadline:
            return img
        time.sleep(0.1)  # between looks, not a wait for anything


# --- the notify app's boxes ------------------------------------------------------


class Notes:
    """Where notify's boxes are on a screen of img's size, with the font's
    cell size (the console logs it; notify reads the same font)."""

    def __init__(self, img, cw, ch):
        self.cw, self.ch = cw, ch
        self.w = 2 * (NOTE_BORDER + NOTE_PAD) + NOTE_COLS * cw
        self.h = 2 * (NOTE_BORDER + NOTE_PAD) + ch    # a box of one line
        self.x = img.width - self.w - NOTE_MARGIN
        self.y = NOTE_MARGIN

    def box_errors(self, img, top, text):
        """What is wrong with the one-line box whose top edge is at `top`:
        pixels of the wrong colour (the frame exactly NOTE_FRAME, inside only
        NOTE_BG and NOTE_FG), or text that reads otherwise."""
        bad = []
        for y in range(top, top + self.h):
            for x in range(self.x, self.x + self.w):
                frame = (x - self.x < NOTE_BORDER or self.x + self.w - 1 - x < NOTE_BORDER
                         or y - top < NOTE_BORDER or top + self.h - 1 - y < NOTE_BORDER)
                got = img.pixel(x, y)
                if (got != NOTE_FRAME) if frame else (got not in (NOTE_BG, NOTE_FG)):
                    bad.append(((x, y), got))
        if bad:
            return f'{len(bad)} pixels of the box at y={top} are wrong, e.g. {bad[:4]}'
        inner = NOTE_BORDER + NOTE_PAD
        read = read_screen(crop(img, self.x + inner, top + inner, NOTE_COLS * self.cw, self.ch), scale=1)
        if read != [text]:
            return f'the box at y={top} reads {read}, not {[text]}'
        return None

    def errors(self, img, texts):
        """What differs from boxes showing `texts`, oldest at the top, and
        nothing below them; None if nothing."""
        for i, text in enumerate(texts):
            err = self.box_errors(img, self.y + i * self.h, text)
            if err:
                return err
        # Around them, no more frame: not above, left, right or below.
        below = self.y + len(texts) * self.h
        around = [(x, y) for y in (self.y - 1, below) for x in range(self.x, self.x + self.w)]
        around += [(x, y) for x in (self.x - 1, self.x + self.w) for y in range(self.y, below)
                   if x < img.width]
        stray = [xy for xy in around if img.pixel(*xy) == NOTE_FRAME]
        if stray:
            return f'frame colour around the boxes, at {stray[:4]}'
        return None

    def remnants(self, img):
        """Pixels of a box's colours where the boxes go (room for NOTE_SHOWN)."""
        return [(x, y) for y in range(self.y, self.y + NOTE_SHOWN * self.h)
                for x in range(self.x, self.x + self.w)
                if img.pixel(x, y) in (NOTE_FRAME, NOTE_BG)]


def crop(img, x, y, w, h):
    n = img.channels
    rows = [img.data[((y + j) * img.width + x) * n:((y + j) * img.width + x + w) * n] for j in range(h)]
    return Image(w, h, n, b''.join(rows))


# --- the boot ---------------------------------------------------------------------------


@pytest.fixture(scope='module')
def booted(shared_machine_factory):
    """The desktop plus paster, at the console's first prompt.  Paster's
    notification shows 5 s from its start: it is looked for here, at once."""
    m = shared_machine_factory(files={'/fomos/init': INIT.encode()})
    m.wait_for(READY, 120)
    win = Window(m.wait_seen(WINDOW, 60))
    logged(m, 'notify', 'notify: paster says hi', 60)
    seen = []  # the last screen with a box's colours on it: what the test judges

    def shown(img):
        notes = Notes(img, win.cw, win.ch)
        if notes.remnants(img):
            seen[:] = [img]
        return notes.errors(img, ['paster says hi']) is None
    last = wait_screen(m, shown)
    first = seen[0] if seen else last
    # The console's first prompt: after its banner (the kernel had one before).
    m.wait_for(re.escape(BANNER), 30)
    m.wait_for(PROMPT, 30)
    return SimpleNamespace(m=m, win=win, first=first)


def window_lines(desk, check, timeout=20):
    return wait_window(desk.m, desk.win, check, timeout)


def after(lines, first, then):
    """True if some line is `first` and the next one starts with `then`."""
    return any(a == first and b.startswith(then) for a, b in zip(lines, lines[1:]))


def editing(lines, text):
    """True if the window's last line being edited shows `text`: the line, and
    the focused console's cursor after it, a solid block (read as '?')."""
    return any(line in (text, text + '?') for line in lines)


@pytest.fixture
def desk(booted):
    """The shared boot, with the console's line empty whatever an earlier
    test left there: Ctrl-C (on the serial line) drops it."""
    booted.m.mark()
    booted.m.send('\x03')
    booted.m.wait_for(r'\^C\r\n> ')
    return booted


# --- the tests --------------------------------------------------------------------------


def test_ctrl_shift_v_pastes_what_another_app_put_on_the_clipboard(desk):
    m = desk.m
    logged(m, 'paster', 'paster: set 17')
    logged(m, 'paster', f"paster: clipboard is '{PASTED}'")
    win = desk.win
    title = (win.x + win.width - 10, win.y + 5)
    img = wait_screen(m, lambda img: img.pixel(*title) == TITLE_ON)
    assert img.pixel(*title) == TITLE_ON, 'the console has the focus at boot'

    # Into the empty line: the line shows the text, and Enter runs it.
    m.mark()
    send_keys(m, 'ctrl-shift-v')
    m.wait_for(re.escape(PASTED))           # the serial mirror echoes the insertion
    lines = window_lines(desk, lambda ls: editing(ls, f'> {PASTED}'))
    assert editing(lines, f'> {PASTED}'), screen_text(lines)
    send_keys(m, 'ret')
    m.wait_for(r"unknown command 'hello' \(try 'help'\)\r")
    m.wait_for(PROMPT)
    lines = window_lines(desk, lambda ls: after(ls, f'> {PASTED}', "unknown command 'hello'"))
    assert after(lines, f'> {PASTED}', "unknown command 'hello' (try 'help')"), screen_text(lines)

    # At the cursor, inside a line: `notify <>`, Left, paste, Enter.  The
    # notify app logs the whole text it was given.
    send_keys(m, 'n', 'o', 't', 'i', 'f', 'y', 'spc', 'shift-comma', 'shift-dot', 'left')
    # (send-key's keys come one after another, each held 100 ms, while QMP
    # has answered at once; tap's go at once: wait for Left's echo first.)
    m.wait_for(r'notify <>\x08')
    tap(m, 'ctrl', 'shift', 'v')
    send_keys(m, 'ret')
    logged(m, 'notify', f'notify: <{PASTED}>')
    m.wait_for(PROMPT)


def test_ctrl_shift_c_copies_the_line_or_the_last_output_for_another_app(desk):
    m = desk.m
    m.mark()
    send_keys(m, 'c', 'o', 'p', 'y', 'spc', 'm', 'e', 'spc', '4', '2')
    m.wait_for('copy me 42')
    send_keys(m, 'ctrl-shift-c')
    m.wait_for(r'copied 10 bytes to the clipboard\r')
    logged(m, 'paster', "paster: clipboard is 'copy me 42'")
    # The note is under the line, which carries on below it, unchanged.
    lines = window_lines(desk, lambda ls: after(ls, 'copied 10 bytes to the clipboard', '> copy me 42'))
    assert after(lines, 'copied 10 bytes to the clipboard', '> copy me 42'), screen_text(lines)
    assert editing(lines[lines.index('copied 10 bytes to the clipboard') + 1:], '> copy me 42'), \
        screen_text(lines)
    m.mark()
    m.send('\x03')                          # drop the line
    m.wait_for(r'\^C\r\n> ')

    # An empty line: the last line of output is copied, as printed.
    answer = command(m, 'time')
    last = re.search(r'(?m)^(uptime \d+\.\d{3} s, .*)\r$', answer).group(1)
    m.mark()
    tap(m, 'ctrl', 'shift', 'c')
    m.wait_for(rf'copied {len(last)} bytes to the clipboard\r')
    logged(m, 'paster', f"paster: clipboard is '{last}'")


def test_notifications_show_in_the_top_right_corner_and_go_away(desk):
    m = desk.m
    # Paster's, at boot: show() answered the bytes kept, and the box was there.
    logged(m, 'paster', 'paster: notified 14')
    logged(m, 'notify', 'notify: paster says hi')
    notes = Notes(desk.first, desk.win.cw, desk.win.ch)
    err = notes.errors(desk.first, ['paster says hi'])
    assert err is None, f"paster's notification: {err}"

    # Earlier boxes (paster's, the first test's) go away by themselves.
    img = wait_screen(m, lambda img: not notes.remnants(img), 60)
    assert not notes.remnants(img), f'a box stays: {notes.remnants(img)[:4]}'

    # Two from the console: stacked, the older on top.  The command answers
    # nothing: what follows its echo is notify's log line alone.
    for text in ('hello world', 'second note'):
        answer = command(m, f'notify {text}').split('\r\n')
        assert answer[0] == f'notify {text}', answer
        assert all(re.match(r'\w+\[\d+\]: ', line) for line in answer[1:] if line), answer
        logged(m, 'notify', f'notify: {text}')
        if text == 'hello world':
            shown = time.monotonic()
    want = ['hello world', 'second note']
    img = wait_screen(m, lambda img: notes.errors(img, want) is None)
    assert notes.errors(img, want) is None, notes.errors(img, want)

    # 3 s each (the console asks for notify's default): then the corner is
    # the wallpaper again.  (It may stay a little longer, never shorter; 2 s
    # leaves room for the serial line's delay.)
    img = wait_screen(m, lambda img: not notes.remnants(img), 60)
    assert not notes.remnants(img), f'the boxes stay: {notes.remnants(img)[:4]}'
    assert time.monotonic() - shown > 2, 'the boxes went away at once'


def test_services_and_ps_show_who_provides_and_uses_the_clipboard_and_notify(desk):
    m = desk.m
    rows = re.findall(r'(?m)^ +(\d+) (\S+) +(\S+) +\d+ +\d+ +\d+  (.*?)\r$', command(m, 'ps'))
    ps = {name: (int(pid), state, shares) for pid, name, state, shares in rows}
    for name in ('clipboard', 'notify', 'paster', 'console'):
        assert ps.get(name, (0, ''))[1] == 'running', f'{name}: {ps.get(name)}'
    assert ps['clipboard'][2] == 'provides clipboard', ps['clipboard']
    assert ps['notify'][2] == 'provides notify', ps['notify']
    assert set(ps['paster'][2].split(', ')) == {'uses clipboard', 'uses notify'}, ps['paster']

    listed = command(m, 'services')
    table = {name: (int(version), provider, int(pid), int(fns), users.split())
             for name, version, provider, pid, fns, users in
             re.findall(r'(?m)^(\S+) +(\d+) (\S+)\[(\d+)\] +(\d+) +\d+ +\d+  (.*?)\r$', listed)}
    assert table.get('clipboard', (0,))[:4] == (1, 'clipboard', ps['clipboard'][0], 3), listed
    assert table.get('notify', (0,))[:4] == (1, 'notify', ps['notify'][0], 1), listed
    paster = f'paster[{ps["paster"][0]}]'
    assert paster in table['clipboard'][4] and paster in table['notify'][4], listed
