"""USB: the xHCI driver, the core, hubs, HID and mass storage
(drivers/xhci.c, usb.c, usb_hub.c, usb_hid.c, usb_storage.c), on QEMU's
qemu-xhci with no virtio device and no i8042 at all where it matters: what
works then works through USB or not at all.

Two boots.  The first is a PC whose only disk is a USB stick and whose
only keyboard, tablet and mouse are USB ones: the desktop comes up from the
stick, typing and pointing reach the console and the cursor, `save` then
`reboot` (the same QEMU: the firmware boots the stick again) resumes the
apps from the stick, and the stick's FAT is clean afterwards.  The second
has a keyboard behind a hub, unplugs and replugs it (and a tablet on a root
port), and carries sticks that misbehave: one whose sectors from BAD_SECTOR
on fail, one so slow its reads never answer in time, and a CD drive.
"""

import random
import re
import subprocess
import zlib

from console import PROMPT, READY, command
from test_console import BANNER
from test_desktop import LEFT, WHITE, arrow_at, button, point, wait_screen
from test_input import EVENT, send_keys

SAVED = r'snapshot: saved (\d+) apps \((\d+) KiB\) to /fomos/state/slot(\d)\.snap, sequence (\d+), in (\d+) ms\r'
W, H = 1280, 800                # OVMF's default mode on QEMU's VGA
BAD_SECTORS, BAD_SECTOR = 4096, 3000
SLOW_SECTORS = 2048


def lsusb(m):
    """path -> (class, drivers) from `lsusb`."""
    rows = re.findall(r'(?m)^(\d+-[\d.]+) +[0-9a-f]{4}:[0-9a-f]{4} \S+ +(mass storage|HID|hub|\S+) +(.*?)\s*$',
                      command(m, 'lsusb'))
    return {path: (cls, rest) for path, cls, rest in rows}


def test_a_pc_with_only_usb_boots_from_its_stick_types_points_saves_and_resumes(machine):
    m = machine(machine='q35,i8042=off', disk='usb', input_devices='usb')
    m.wait_for(READY, 90)
    m.wait_for(re.escape(BANNER), 30)   # the console has the serial line now
    m.wait_for(PROMPT, 30)
    log = m.serial_text
    assert 'virtio' not in log, 'no virtio device on this machine'
    assert re.search(r'files: sda FAT32 volume FOMOS, \d+ MiB, \d+ MiB free, read-write', log), \
        'the boot volume is the USB stick'
    assert re.search(r'paging: framebuffer at 0x[0-9a-f]+ \(\d+ KiB\) write-combining \(PAT\)', log)
    assert re.search(r'usb-storage: sda 131072 sectors \(64 MiB\), read-write', log)

    devices = lsusb(m)
    drivers = sorted(rest.split('  ')[0] for _, rest in devices.values())
    assert drivers == ['usb-hid keyboard', 'usb-hid mouse', 'usb-hid tablet', 'usb-hub hub',
                       'usb-storage sda'], devices
    assert sorted(cls for cls, _ in devices.values()) == ['HID', 'HID', 'HID', 'hub', 'mass storage']

    # The USB keyboard types into the console (mirrored on the serial line).
    send_keys(m, 't', 'i', 'm', 'e', 'ret')
    m.wait_for(r'uptime \d+\.\d{3} s')

    # The tablet puts the cursor where it points; the mouse moves it on
    # from there; a button held shows in its colour.
    point(m, 300, 200, W, H)
    wait_screen(m, arrow_at(300, 200), 'the arrow where the tablet points')
    m.qmp('input-send-event', events=[{'type': 'rel', 'data': {'axis': 'x', 'value': 40}},
                                      {'type': 'rel', 'data': {'axis': 'y', 'value': 30}}])
    wait_screen(m, arrow_at(340, 230), 'the arrow moved on by the mouse')
    button(m, 'left', True)
    wait_screen(m, arrow_at(340, 230, LEFT), 'the arrow blue while the left button is held')
    button(m, 'left', False)
    wait_screen(m, arrow_at(340, 230, WHITE), 'the arrow white again')

    # Saved to the stick, then the same machine reboots and resumes it.
    command(m, 'save')
    apps = m.wait_for(SAVED, 120).group(1)
    m.send('reboot\r')
    m.wait_for(r'power: reboot', 30)
    m.wait_for(READY, 90)
    m.wait_for(rf'snapshot: resuming {apps} apps from /fomos/state/slot0\.snap', 60)
    m.wait_for(r'snapshot: resumed console as pid \d+', 30)
    assert re.search(r'files: sda FAT32 volume FOMOS', m.serial_text[m.serial_text.rfind('power: reboot'):])
    # The keyboard works after the warm reset too, into the resumed console.
    send_keys(m, 'm', 'e', 'm', 'ret')
    m.wait_for(r'\d+ MiB free of \d+ MiB')
    m.send('shutdown\r')
    m.wait_for(r'power: off', 30)
    assert m.wait_exit(60) == 0
    fsck = subprocess.run(['fsck.fat', '-n', str(m.image)], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr


def test_a_hub_replugging_and_sticks_that_fail_or_stall(machine, tmp_path):
    rnd = random.Random(16)
    bad, slow = rnd.randbytes(BAD_SECTORS * 512), rnd.randbytes(SLOW_SECTORS * 512)
    (tmp_path / 'bad.img').write_bytes(bad)
    (tmp_path / 'slow.img').write_bytes(slow)
    (tmp_path / 'bad.conf').write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\n'
                                       f'sector = "{BAD_SECTOR}"\nonce = "off"\n')
    extra = ['-device', 'qemu-xhci,id=xhci',
             '-device', 'usb-hub,bus=xhci.0,port=1,id=hub0',
             '-device', 'usb-kbd,bus=xhci.0,port=1.2,id=hubkbd',
             '-device', 'usb-tablet,bus=xhci.0,port=2,id=tab',
             # Reads from BAD_SECTOR on fail with EIO (QEMU's blkdebug).
             '-drive', f'if=none,id=bad,driver=raw,file.driver=blkdebug,file.config={tmp_path / "bad.conf"},'
             f'file.image.filename={tmp_path / "bad.img"}',
             '-device', 'usb-storage,bus=xhci.0,port=3,drive=bad',
             # 512 bytes a second: after a first read, the next one waits
             # longer than the driver waits for an answer.
             '-drive', f'if=none,id=slow,format=raw,file={tmp_path / "slow.img"},bps=512',
             '-device', 'usb-storage,bus=xhci.0,port=4,drive=slow',
             # A CD drive: found, not supported.
             '-device', 'usb-bot,bus=xhci.0,port=1.3,id=bot0',
             '-drive', 'if=none,id=cd0,media=cdrom',
             '-device', 'scsi-cd,bus=bot0.0,drive=cd0']
    m = machine(machine='q35,i8042=off', input_devices=False, extra_args=extra,
                files={'/fomos/init': b'inputlog\n'})
    m.wait_for(READY, 90)
    m.wait_for(PROMPT, 30)
    log = m.serial_text
    hub = re.search(r'usb (\d+-\d+) \(QEMU USB Hub\): 0409:55aa, full speed, hub \(usb-hub\)', log)
    kbd = re.search(r'usb (\S+) \(QEMU USB Keyboard\): 0627:0001, full speed', log)
    tablet = re.search(r'usb (\S+) \(QEMU USB Tablet\): 0627:0001', log)
    assert hub and kbd and tablet, 'the hub, the keyboard behind it and the tablet'
    assert kbd.group(1) == hub.group(1) + '.2', 'the keyboard is on the hub\'s port 2'
    assert re.search(r'usb \S+ \(.*\): a CD/DVD drive, not supported; left alone', log)
    disks = dict((int(n), name) for name, n in re.findall(r'usb-storage: (sd[a-z]) (\d+) sectors', log))
    assert set(disks) == {BAD_SECTORS, SLOW_SECTORS}, log

    # Typing through the hub.
    send_keys(m, 'q')
    m.wait_for(r'inputlog: key code=16 value=1 cp=113')
    # Unplugged and plugged again: the same path, and it types again.
    m.qmp('device_del', id='hubkbd')
    m.wait_for(rf'usb {re.escape(kbd.group(1))} \(QEMU USB Keyboard\): disconnected')
    m.qmp('device_add', driver='usb-kbd', bus='xhci.0', port='1.2', id='hubkbd')
    m.wait_for(rf'usb {re.escape(kbd.group(1))} \(QEMU USB Keyboard\): 0627:0001, full speed, keyboard')
    send_keys(m, 'w')
    m.wait_for(r'inputlog: key code=17 value=1 cp=119')
    # A tablet on a root port, likewise.
    m.qmp('device_del', id='tab')
    m.wait_for(rf'usb {re.escape(tablet.group(1))} \(QEMU USB Tablet\): disconnected')
    m.qmp('device_add', driver='usb-tablet', bus='xhci.0', port='2', id='tab')
    m.wait_for(rf'usb {re.escape(tablet.group(1))} \(QEMU USB Tablet\): 0627:0001, high speed, tablet')
    for ax, want in [(0, '0,0'), (32767, '1279,799')]:
        m.qmp('input-send-event', events=[{'type': 'abs', 'data': {'axis': 'x', 'value': ax}},
                                          {'type': 'abs', 'data': {'axis': 'y', 'value': ax}}])
        m.wait_for(rf'inputlog: pointer {want} ')
    paths = lsusb(m)
    assert paths[kbd.group(1)][1].startswith('usb-hid keyboard'), paths

    # The failing stick: its good sectors read right, a bad one is an
    # error for that request only, logged with the device's reason.
    name = disks[BAD_SECTORS]
    out = command(m, f'disk sum {name} 0 {BAD_SECTOR}', 60)
    assert re.search(rf'crc32 {zlib.crc32(bad[:BAD_SECTOR * 512]):08x}', out), out
    out = command(m, f'disk sum {name} {BAD_SECTOR} 8', 60)
    assert f'disk sum: {name}: read at sector {BAD_SECTOR} failed: I/O error reported by the device' in out, out
    assert re.search(rf'usb: {name}: read at sector {BAD_SECTOR} failed: sense key', out), out
    out = command(m, f'disk sum {name} 100 8', 60)
    assert re.search(rf'crc32 {zlib.crc32(bad[100 * 512:108 * 512]):08x}', out), 'it still reads after the error'

    # The stick that does not answer in time: the transfer is cancelled,
    # the transport reset, the request fails, and the system goes on.
    name = disks[SLOW_SECTORS]
    out = command(m, f'disk sum {name} 0 8', 60)   # the first read passes QEMU's throttle
    assert re.search(rf'crc32 {zlib.crc32(slow[:8 * 512]):08x}', out), out
    out = command(m, f'disk sum {name} 8 1', 90)
    assert re.search(rf'usb: {name}: no answer in the data phase of SCSI command 28; resetting the transport', out), out
    assert f'disk sum: {name}: read at sector 8 failed: no answer from the device' in out, out
    send_keys(m, 'e')
    m.wait_for(r'inputlog: key code=18 value=1 cp=101')
    assert not re.search(r'xhci: .* given up', m.serial_text), 'the controller itself never gave up'
