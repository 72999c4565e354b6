"""Old apps keep running: an app built against the frozen version-1 header
(test/abi/v1/) runs, unchanged, next to apps built against today's header."""

import re


def test_a_v1_app_runs_next_to_v2_apps_and_keeps_its_full_screen_surface(machine):
    m = machine(files={'/fomos/init': b'v1app\npainter\n'})
    version, size = m.wait_for(r'v1app\[1\]: v1app: kernel speaks version/size (\d+) (\d+)\r', 30).groups()
    # The kernel speaks a newer version, with a bigger context: the v1 app
    # reads only the fields it knows.
    assert int(version) >= 3 and int(size) > 88
    w, h = m.wait_for(r'v1app\[1\]: v1app: surface (\d+) (\d+)\r', 30).groups()
    m.wait_for(r'painter\[2\]: painter: drew on a (\d+)x(\d+) surface', 30)
    m.wait_for(r'v1app\[1\]: v1app: calls 20 0\r', 30)     # its store survives calls
    m.wait_for(r'painter: drew', 30)  # a frame has been composed since both drew
    img = m.screendump()
    assert (img.width, img.height) == (int(w), int(h)), 'a v1 surface is the whole screen'
    assert img.pixel(150, 550) == (0, 0, 255), 'the v1 app\'s blue square'
    assert img.pixel(820, 350) == (0, 255, 0), 'the v2 app\'s green square'
    assert not re.search(r'v1app\[1\]: .*(stopped|refused)', m.serial_text)


def test_a_v2_app_runs_next_to_v1_and_today_s_apps_and_keeps_its_window(machine):
    """test/abi/v2/: windows, damage and system() as version 2 laid them out."""
    m = machine(files={'/fomos/init': b'v1app\nv2app\npainter\n'})
    version, size = m.wait_for(r'v2app\[2\]: v2app: kernel speaks version/size (\d+) (\d+)\r', 30).groups()
    assert int(version) >= 3 and int(size) > 88
    m.wait_for(r'v2app\[2\]: v2app: window at 300 450\r', 30)
    length, cut = m.wait_for(r'v2app\[2\]: v2app: time answer length, cut (\d+) (\d+)\r', 30).groups()
    assert int(length) > 20 and int(cut) == 0, 'the full length, the answer cut to its 8 bytes'
    m.wait_for(r'v2app\[2\]: uptim\r', 30)
    m.wait_for(r'v2app\[2\]: v2app: calls 20 \d\r', 30)
    m.wait_for(r'painter: drew', 30)
    img = m.screendump()
    assert img.pixel(350, 500) == (255, 0, 0), 'the v2 app\'s red window'
    assert img.pixel(150, 550) == (0, 0, 255), 'the v1 app\'s blue square'
    assert not re.search(r'v[12]app\[\d\]: .*(stopped|refused)', m.serial_text)
