"""The console app: a terminal window for the kernel's commands, mirrored on
the serial line.

Commands are typed on the serial line (which the console takes over) and
their answers read back from it; what the window shows is read from QMP
screendumps with screen.py's reader, pointed at the window's cells.  The
console logs where its window is (`console: window at X,Y, CxR cells of
WxH`) when it starts and after each drag; the tests check the pixels there.
"""

import re
import time

from console import READY, command
from png import Image
from screen import read_screen
from test_input import send_keys

PROMPT = r'(?m)^> '
BANNER = "Fomos console: type 'help' for the commands"
WINDOW = r'console: window at (-?\d+),(-?\d+), (\d+)x(\d+) cells of (\d+)x(\d+)\r'
# apps/console/console.h: a 1-pixel border, a title bar 4 pixels taller
# than the font, a 4-pixel margin around the cells.
BORDER, PAD = 1, 4
TITLE_ON = (0x2f, 0x6f, 0xb0)   # the title bar of the focused window
TITLE_OFF = (0x3a, 0x3f, 0x46)
BORDER_RGB = (0x5a, 0x64, 0x70)
TABLET_MAX = 32767


class Window:
    def __init__(self, match):
        self.x, self.y, self.cols, self.rows, self.cw, self.ch = map(int, match.groups())
        self.width = 2 * BORDER + 2 * PAD + self.cols * self.cw
        self.height = 2 * BORDER + self.ch + 4 + 2 * PAD + self.rows * self.ch

    def cells(self):
        """The screen position of the top-left cell."""
        return self.x + BORDER + PAD, self.y + BORDER + self.ch + 4 + PAD


def boot(machine, init='console admin\n'):
    m = machine(files={'/fomos/init': init.encode()})
    m.wait_for(READY)
    win = Window(m.wait_for(WINDOW))
    m.wait_for(re.escape(BANNER))
    m.wait_for(PROMPT, timeout=10)
    return m, win


def window_text(img, win):
    """The text of the window's cells, one string per row (see read_screen)."""
    x0, y0 = win.cells()
    w, h, n = win.cols * win.cw, win.rows * win.ch, img.channels
    rows = [img.data[((y0 + y) * img.width + x0) * n:((y0 + y) * img.width + x0 + w) * n]
            for y in range(h)]
    return read_screen(Image(w, h, n, b''.join(rows)), scale=1)


def wait_window(m, win, check, timeout=20):
    """Screendumps until check(lines) holds; returns the lines.  Nothing
    says when the compositor has put a change on the screen, so we look."""
    deadline = time.monotonic() + timeout
    while True:
        lines = window_text(m.screendump(), win)
        if check(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def shows(lines, want):
    return any(want in line for line in lines)


def screen_text(lines):
    return '\n'.join(line for line in lines if line)


def tablet_to(m, x, y):
    """Moves the tablet pointer to screen pixel (x, y) of 1280x800."""
    def axis(v, size):  # the kernel maps a to a * (size - 1) // 32767
        return -(-v * TABLET_MAX // (size - 1))
    m.qmp('input-send-event', events=[
        {'type': 'abs', 'data': {'axis': 'x', 'value': axis(x, 1280)}},
        {'type': 'abs', 'data': {'axis': 'y', 'value': axis(y, 800)}}])


def left_button(m, down):
    m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': down, 'button': 'left'}}])


def drag(m, start, end):
    tablet_to(m, *start)
    left_button(m, True)
    tablet_to(m, (start[0] + end[0]) // 2, (start[1] + end[1]) // 2)
    tablet_to(m, *end)
    left_button(m, False)


def ps(m):
    """pid -> (name, state) from the console's `ps`."""
    rows = re.findall(r'(?m)^ +(\d+) (\S+) +(\S+) ', command(m, 'ps'))
    return {int(pid): (name, state) for pid, name, state in rows}


def test_ps_kill_and_run_through_the_console(machine):
    m, _ = boot(machine, init='sleeper\nconsole admin\n')
    apps = ps(m)
    running = {name: pid for pid, (name, state) in apps.items() if state == 'running'}
    assert set(running) == {'sleeper', 'console'}, apps
    answer = command(m, f'kill {running["sleeper"]}')
    assert 'usage' not in answer and 'kill:' not in answer, answer
    apps = ps(m)
    assert apps[running['sleeper']] == ('sleeper', 'ended')
    assert [name for name, state in apps.values() if state == 'running'] == ['console']
    answer = command(m, 'run sleeper')
    new = int(re.search(r'started sleeper as pid (\d+)\r', answer).group(1))
    assert new > running['console']
    assert ps(m)[new] == ('sleeper', 'running')


def test_the_kernels_commands_answer_on_the_serial_mirror(machine):
    m, _ = boot(machine)
    assert re.search(r'\d+ MiB free of \d+ MiB', command(m, 'mem'))
    assert re.search(r'uptime \d+\.\d{3} s', command(m, 'time'))
    assert 'exec: started console as pid' in command(m, 'log')
    assert re.search(r'1af4:1052 class 0900 virtio-input', command(m, 'lspci'))
    answer = command(m, 'help')
    for word in ('help', 'clear', 'ps', 'run', 'kill', 'mem', 'time', 'log', 'lspci',
                 'shutdown', 'reboot'):
        assert re.search(rf'(?m)^  {word} ', answer), f'help lacks {word}:\n{answer}'


def test_unknown_commands_and_bad_arguments_get_one_line(machine):
    m, _ = boot(machine)
    for line, want in [('frobnicate now', "unknown command 'frobnicate' (try 'help')"),
                       ('kill', 'usage: kill PID'), ('kill 12x', 'usage: kill PID'),
                       ('kill 999', 'kill: no running app with pid 999'),
                       ('run', 'usage: run NAME'), ('clear up', 'usage: clear'),
                       ('help me', 'usage: help')]:
        answer = command(m, line).split('\r\n')
        assert answer[0].endswith(line), answer
        assert len(answer) == 3 and answer[2] == '', f'{line!r}: {answer}'
        assert answer[1].startswith(want), f'{line!r}: {answer}'


def test_line_editing_and_history_over_the_serial_line(machine):
    m, _ = boot(machine)
    # Left twice, then insert: "tme" becomes "time".
    assert 'uptime' in command(m, 'tme\x1b[D\x1b[Di')
    # Backspace (DEL and BS), Home and Delete, End.
    assert 'MiB free' in command(m, 'memxy\x7f\x08')
    assert 'MiB free' in command(m, 'Xmem\x1b[H\x1b[3~\x1b[F')
    # Home as ESC [ 1 ~ and ESC O H, Right as ESC O C.
    assert 'uptime' in command(m, 'ime\x1b[1~t')
    assert 'uptime' in command(m, 'tim\x1bOH\x1bOC\x1bOC\x1bOCe')
    # History: Up recalls the last line, Up Up the one before, Down the
    # next one again.  (A line the same as the last one is kept once.)
    command(m, 'mem')
    command(m, 'time')
    assert 'uptime' in command(m, '\x1b[A')                          # time
    assert 'MiB free' in command(m, '\x1b[A\x1b[A')                  # time, mem
    assert 'uptime' in command(m, '\x1b[A\x1b[A\x1b[A\x1b[B')         # mem, time, mem; time
    # Down past the newest line brings back what was being typed.
    assert 'MiB free' in command(m, 'me\x1b[A\x1b[B\x1b[Fm')
    # Ctrl-C drops the line: the next prompt comes without running it.
    start = m.mark()
    m.send('reboot\x03')
    end = m.wait_for(PROMPT)
    assert end.string[start:end.start()] == 'reboot^C\r\n'
    assert 'uptime' in command(m, 'time')
    # A line typed in pieces is one line.
    start = m.mark()
    m.send('ti')
    m.wait_for('ti')
    m.send('me\r')
    end = m.wait_for(PROMPT)
    assert 'uptime' in end.string[start:end.start()]


def test_typed_text_shows_in_the_window_which_scrolls_back_and_clears(machine):
    m, win = boot(machine)
    lines = wait_window(m, win, lambda ls: shows(ls, BANNER))
    assert lines[0] == BANNER, screen_text(lines)
    send_keys(m, 'e', 'c', 'h', 'o', 'spc', 'shift-h', 'i')
    m.wait_for('echo Hi')  # the keyboard's text is mirrored on the serial line
    lines = wait_window(m, win, lambda ls: shows(ls, '> echo Hi'))
    assert shows(lines, '> echo Hi'), screen_text(lines)
    send_keys(m, 'left', 'left', 'left', 'backspace', 'end', 'ret')
    m.wait_for("unknown command 'ech' \\(try 'help'\\)")
    lines = wait_window(m, win, lambda ls: shows(ls, "unknown command 'ech'"))
    assert shows(lines, '> ech Hi'), screen_text(lines)

    # Enough output to push the banner off the top; PageUp brings it back.
    command(m, 'help')
    command(m, 'help')
    lines = wait_window(m, win, lambda ls: not shows(ls, BANNER))
    assert not shows(lines, BANNER), screen_text(lines)
    # Pages enough for two `help`s as the command list grows: the top of
    # the scrollback stops the rest.
    send_keys(m, 'pgup', 'pgup', 'pgup', 'pgup')
    lines = wait_window(m, win, lambda ls: shows(ls, BANNER))
    assert lines[0] == BANNER, screen_text(lines)
    send_keys(m, 'pgdn', 'pgdn', 'pgdn', 'pgdn')
    lines = wait_window(m, win, lambda ls: not shows(ls, BANNER))
    assert not shows(lines, BANNER)
    # The wheel scrolls too, over the window.
    x0, y0 = win.cells()
    tablet_to(m, x0 + 100, y0 + 100)
    for _ in range(20):  # enough for two `help`s (the command list grows)
        m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': True, 'button': 'wheel-up'}}])
        m.qmp('input-send-event', events=[{'type': 'btn', 'data': {'down': False, 'button': 'wheel-up'}}])
    lines = wait_window(m, win, lambda ls: shows(ls, BANNER))
    assert shows(lines, BANNER), screen_text(lines)

    assert '\x1b[2J' in command(m, 'clear')
    lines = wait_window(m, win, lambda ls: not any(ls[1:]))
    assert lines[0].startswith('>') and not any(lines[1:]), screen_text(lines)


def test_dragging_the_title_bar_moves_the_window_and_the_corner_resizes_it(machine):
    m, win = boot(machine)
    old = win
    assert shows(wait_window(m, win, lambda ls: shows(ls, BANNER)), BANNER)
    img = m.screendump()
    assert img.pixel(win.x + win.width - 10, win.y + 5) == TITLE_ON, 'the console has the focus'

    drag(m, (win.x + 200, win.y + 8), (win.x + 200 + 150, win.y + 8 + 120))
    win = Window(m.wait_for(WINDOW))
    assert (win.x, win.y, win.cols, win.rows) == (old.x + 150, old.y + 120, old.cols, old.rows)
    lines = wait_window(m, win, lambda ls: shows(ls, BANNER))
    assert lines[0] == BANNER, screen_text(lines)
    img = m.screendump()
    assert not shows(window_text(img, old), BANNER), 'the old place shows the window no more'
    assert img.pixel(win.x + win.width - 10, win.y + 5) == TITLE_ON
    assert img.pixel(win.x, win.y + win.height - 1) == BORDER_RGB

    # Ten columns and three rows more, from the bottom-right corner.
    corner = (win.x + win.width - 3, win.y + win.height - 3)
    drag(m, corner, (corner[0] + 10 * win.cw + 4, corner[1] + 3 * win.ch + 4))
    big = Window(m.wait_for(WINDOW))
    assert (big.x, big.y, big.cols, big.rows) == (win.x, win.y, win.cols + 10, win.rows + 3)
    # A long line wraps at the new width.
    m.send('x' * 100)
    m.wait_for('x' * 100)
    tail = 'x' * (100 - big.cols + 2)
    lines = wait_window(m, big, lambda ls: any(line.startswith(tail) for line in ls))
    edit = next(i for i, line in enumerate(lines) if line.startswith('> x'))
    assert lines[edit] == '> ' + 'x' * (big.cols - 2), screen_text(lines)
    assert lines[edit + 1].startswith(tail), screen_text(lines)
    img = m.screendump()
    assert img.pixel(big.x + big.width - 1, big.y + big.height // 2) == BORDER_RGB
    assert img.pixel(big.x + big.width // 2, big.y + big.height - 1) == BORDER_RGB


def test_the_title_bar_shows_whether_the_console_has_the_focus(machine):
    # hello's window is the whole screen, transparent but for a badge at
    # (1020..1240, 40..160); the console's is above it.
    m, win = boot(machine, init='hello\nconsole admin\n')
    title = (win.x + win.width - 10, win.y + 5)

    def title_rgb(want):
        deadline = time.monotonic() + 20
        while True:
            rgb = m.screendump().pixel(*title)
            if rgb == want or time.monotonic() > deadline:
                return rgb
            time.sleep(0.2)  # nothing says when the compositor has drawn

    assert title_rgb(TITLE_ON) == TITLE_ON
    tablet_to(m, 1100, 100)     # a click on hello's badge takes the focus away
    left_button(m, True)
    left_button(m, False)
    assert title_rgb(TITLE_OFF) == TITLE_OFF
    # Keys now go to hello, not to the console: nothing is typed.
    send_keys(m, 'q')
    tablet_to(m, win.x + 300, win.y + 8)    # a click on the title brings it back
    left_button(m, True)
    left_button(m, False)
    assert title_rgb(TITLE_ON) == TITLE_ON
    send_keys(m, 'w')
    m.wait_for('w')
    assert "unknown command 'w' " in command(m, '')
