"""Networking: virtio-net, lwIP, the apps' sockets, httpd, fetch, ping.

Every packet stays on this machine: QEMU's user network with restrict=on
(the guest reaches only what a test forwards), or QEMU's socket network
between two guests or between a guest and this test.  Each machine's
frames are captured (qemu.Machine(net=...) adds filter-dump) and the
capture is read back with tshark: no malformed packets, no
retransmissions on a clean link, no destination outside the test network.
"""

import hashlib
import http.client
import http.server
import ipaddress
import os
import re
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

from console import command
from qemu import ROOT

NET = r'net: eth0 52:54:00:12:34:56 10\.0\.2\.15/24'
SERVING = r'httpd: serving /fomos/data/httpd/ on port 80'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def user_net(port, extra=''):
    return f'user,restrict=on,hostfwd=tcp:127.0.0.1:{port}-:80{extra}'


def tshark(pcap, *args):
    out = subprocess.run(['tshark', '-r', str(pcap), *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def check_capture(pcap, network, retransmissions_ok=False):
    """No malformed packet, no retransmission (unless the test broke a
    connection on purpose), every IPv4 destination in `network` or a
    broadcast.  Returns the number of frames."""
    assert pcap.exists() and pcap.stat().st_size > 24, f'no capture at {pcap}'
    bad = tshark(pcap, '-Y', '_ws.malformed || _ws.expert.severity == "error"')
    assert not bad.strip(), 'malformed packets:\n' + bad[:2000]
    if not retransmissions_ok:
        again = tshark(pcap, '-Y', 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission')
        assert not again.strip(), 'retransmissions on a clean link:\n' + again[:2000]
    net = ipaddress.ip_network(network)
    for dst in set(tshark(pcap, '-T', 'fields', '-e', 'ip.dst').split()):
        addr = ipaddress.ip_address(dst)
        assert addr in net or addr == ipaddress.ip_address('255.255.255.255'), \
            f'a packet went to {dst}, outside {network}'
    return len(tshark(pcap, '-T', 'fields', '-e', 'frame.number').split())


def wait_http(port, path='/', timeout=60):
    """The first answer from the guest's httpd (QEMU accepts on the host
    side before the guest listens: retry until an answer comes)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
            c.request('GET', path)
            r = c.getresponse()
            body = r.read()
            c.close()
            return r, body
        except (ConnectionError, http.client.HTTPException, socket.timeout, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)  # the guest is still booting; nothing to wait on


def raw_exchange(port, data, timeout=20):
    """Sends data on a fresh connection; returns everything the server
    answers until it closes."""
    with socket.create_connection(('127.0.0.1', port), timeout=timeout) as s:
        s.sendall(data)
        out = b''
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk


def file_on_disk(m, path, scratch):
    """The bytes of `path` on the (powered-off) machine's disk, read with mtools."""
    subprocess.run(['mcopy', '-o', '-i', str(m.image), '::' + path, str(scratch)], check=True)
    return scratch.read_bytes()


def console_ready(m):
    """The console took the serial line and printed its first prompt: what
    `command` sends from now on is answered by it."""
    m.wait_seen(r"Fomos console: type 'help' for the commands\r?\n> ", timeout=60)


def pid_of(m, name):
    ps = command(m, 'ps')
    found = re.search(rf'^\s*(\d+) {name}\s+running', ps, re.M)
    assert found, ps
    return int(found.group(1))


def test_httpd_serves_the_host_and_the_kernel_answers_ping(machine, tmp_path):
    """curl downloads 16 MiB intact; keep-alive serves 100 requests on one
    connection; 404/400/405/301, HEAD, listings and /status; `net`, `ping`
    and `resolve`; an httpd killed mid-transfer resets its connection and a
    new one serves again; the capture is clean."""
    big = os.urandom(16 << 20)
    port = free_port()
    m = machine(net=user_net(port), memory='512M',
                files={'/fomos/data/httpd/big.bin': big,
                       '/fomos/data/httpd/docs/a.txt': b'alpha\n',
                       '/fomos/data/httpd/docs/b&c.txt': b'beta\n'})
    m.wait_seen(NET + r' via none, dns none \(dhcp\)', timeout=120)
    m.wait_seen(SERVING, timeout=60)
    console_ready(m)
    r, body = wait_http(port)
    assert r.status == 200 and b'Hello from Fomos' in body
    assert r.getheader('Content-Type') == 'text/html; charset=utf-8'
    assert int(r.getheader('Content-Length')) == len(body)

    # 16 MiB through curl, checked end to end.
    out = tmp_path / 'big.bin'
    t0 = time.monotonic()
    subprocess.run(['curl', '-sS', '--fail', '-m', '300', '-o', str(out),
                    f'http://127.0.0.1:{port}/big.bin'], check=True)
    took = time.monotonic() - t0
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(big).digest()
    print(f'16 MiB in {took:.2f} s ({16 / took:.1f} MiB/s)')

    # Keep-alive: 100 requests, one connection.
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    c.connect()
    sock = c.sock
    for i in range(100):
        c.request('GET', '/docs/a.txt' if i % 2 else '/')
        r = c.getresponse()
        data = r.read()
        assert r.status == 200 and r.getheader('Connection') == 'keep-alive'
        assert data == b'alpha\n' if i % 2 else b'Hello from Fomos' in data
        assert c.sock is sock, f'request {i} needed a new connection'
    # HEAD: the head only, with the length of the body it did not send.
    c.request('HEAD', '/big.bin')
    r = c.getresponse()
    assert r.status == 200 and int(r.getheader('Content-Length')) == len(big) and r.read() == b''
    assert r.getheader('Content-Type') == 'application/octet-stream'
    for path, status in (('/nothing.html', 404), ('/docs', 301), ('/docs/../big.bin', 400)):
        c.request('GET', path)
        r = c.getresponse()
        r.read()
        assert r.status == status, path
        if status == 301:
            assert r.getheader('Location') == '/docs/'
    c.close()
    listing = wait_http(port, '/docs/')[1].decode()
    assert '<a href="a.txt">a.txt</a>' in listing
    assert 'b&amp;c.txt' in listing and 'b&c' not in listing
    status = wait_http(port, '/status')[1].decode()
    assert re.search(r'\d+ httpd\s+running', status), status

    # Bad requests: a clear answer, then the connection closes.
    answer = raw_exchange(port, b'GARBAGE\r\n\r\n')
    assert answer.startswith(b'HTTP/1.1 400 Bad Request\r\n') and b'Connection: close' in answer
    assert raw_exchange(port, b'DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n').startswith(b'HTTP/1.1 405 ')
    assert raw_exchange(port, b'GET / HTTP/1.1\r\n\r\n').startswith(b'HTTP/1.1 400 ')  # no Host
    assert raw_exchange(port, b'GET /' + b'a' * 5000 + b' HTTP/1.1\r\n\r\n').startswith(b'HTTP/1.1 431 ')

    # The kernel's side: the interface, ping and a numeric lookup.
    net = command(m, 'net')
    assert re.search(r'address 10\.0\.2\.15/24 \(dhcp\)', net), net
    packets = re.search(r'in: +(\d+) packets, (\d+) bytes; errors (\d+)', net)
    assert packets and int(packets.group(1)) > 10000 and int(packets.group(3)) == 0, net
    assert 'started as pid' in command(m, 'ping 10.0.2.2 3')
    m.wait_for(r'ping: 10\.0\.2\.2: 3 sent, 3 received, 0% lost, rtt', timeout=60)
    assert 'started as pid' in command(m, 'resolve 10.0.2.2')
    m.wait_for(r'resolve: 10\.0\.2\.2 is 10\.0\.2\.2\r', timeout=30)
    assert 'usage: ping HOST' in command(m, 'ping')

    # Killed mid-transfer: the client sees the connection end, not a hang.
    pid = pid_of(m, 'httpd')
    out = tmp_path / 'cut.bin'
    slow = subprocess.Popen(['curl', '-sS', '--limit-rate', '300k', '-m', '120', '-o', str(out),
                             f'http://127.0.0.1:{port}/big.bin'], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < (256 << 10)) and time.monotonic() < deadline:
        time.sleep(0.1)  # curl's progress is a file size: nothing to wait on
    command(m, f'kill {pid}')
    t0 = time.monotonic()
    rc = slow.wait(timeout=60)
    assert rc != 0 and out.stat().st_size < len(big), 'the download went on after the kill'
    assert time.monotonic() - t0 < 30, 'the client waited for a dead server'
    # Started again, it gets its port back at once and serves.
    assert 'started httpd' in command(m, 'run httpd nofb')
    m.wait_for(SERVING, timeout=30)
    assert wait_http(port, '/docs/a.txt')[1] == b'alpha\n'
    m.send('shutdown\r')
    m.wait_exit(timeout=60)
    frames = check_capture(m.pcap, '10.0.2.0/24', retransmissions_ok=True)
    assert frames > 10000


class _Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_fetch_saves_a_file_that_survives_a_reboot(machine, tmp_path):
    """`fetch URL NAME` (an app) downloads from an HTTP server on the host,
    reached only through guestfwd, into /fomos/data/fetch/NAME; after the
    machine is off, the file read from its disk has the same SHA-256.
    Without NAME the answer is logged; an HTTP error is reported."""
    served = tmp_path / 'www'
    served.mkdir()
    data = os.urandom(3 << 20)
    (served / 'data.bin').write_bytes(data)
    (served / 'hello.txt').write_text('hello from the host\n')
    handler = lambda *a: _Files(*a, directory=str(served))  # noqa: E731
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    relay = f'/usr/bin/python3 {ROOT}/test/boot/relay.py {server.server_address[1]}'
    try:
        m = machine(net=f'user,restrict=on,guestfwd=tcp:10.0.2.100:8000-cmd:{relay}')
        m.wait_seen(NET, timeout=120)
        m.wait_seen(r'httpd: serving', timeout=60)
        console_ready(m)
        assert 'started as pid' in command(m, 'fetch http://10.0.2.100:8000/data.bin data.bin')
        m.wait_for(r'fetch: saved 3145728 bytes as /fomos/data/fetch/data\.bin', timeout=180)
        command(m, 'fetch http://10.0.2.100:8000/hello.txt')
        m.wait_for(r'hello from the host', timeout=60)
        m.wait_for(r'fetch: 20 bytes from http://10\.0\.2\.100:8000/hello\.txt', timeout=30)
        command(m, 'fetch http://10.0.2.100:8000/missing.bin x.bin')
        m.wait_for(r'fetch: http://10\.0\.2\.100:8000/missing\.bin: HTTP status 404', timeout=60)
        command(m, 'fetch ftp://nowhere/x')
        m.wait_for(r'fetch: usage: fetch http://HOST\[:PORT\]/PATH \[NAME\]', timeout=30)
        m.send('shutdown\r')
        m.wait_exit(timeout=60)
    finally:
        server.shutdown()
    got = file_on_disk(m, '/fomos/data/fetch/data.bin', tmp_path / 'got.bin')
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    assert subprocess.run(['fsck.fat', '-n', str(m.image)], capture_output=True).returncode == 0
    check_capture(m.pcap, '10.0.2.0/24')


def test_two_fomos_guests_one_serves_the_other_fetches(machine, tmp_path):
    """Two machines on one QEMU socket network, addresses from boot.cfg:
    the second fetches the first's index page and a 1 MiB file."""
    port = free_port()
    blob = os.urandom(1 << 20)
    a = machine(net=f'socket,listen=127.0.0.1:{port}', mac='52:54:00:00:00:01',
                cfg='ip=10.0.3.1/24\n', files={'/fomos/data/httpd/blob.bin': blob})
    a.wait_seen(r'net: eth0 52:54:00:00:00:01 10\.0\.3\.1/24 via none, dns none \(boot\.cfg\)', timeout=120)
    a.wait_seen(SERVING, timeout=60)
    b = machine(net=f'socket,connect=127.0.0.1:{port}', mac='52:54:00:00:00:02',
                cfg='ip=10.0.3.2/24\ngw=10.0.3.1\ndns=10.0.3.1\n')
    console_ready(b)
    b.wait_seen(r'net: eth0 52:54:00:00:00:02 10\.0\.3\.2/24 via 10\.0\.3\.1, dns 10\.0\.3\.1 \(boot\.cfg\)',
               timeout=120)
    command(b, 'fetch http://10.0.3.1/ page.html')
    b.wait_for(r'fetch: saved 593 bytes as /fomos/data/fetch/page\.html', timeout=120)
    command(b, 'fetch http://10.0.3.1:80/blob.bin blob.bin')
    b.wait_for(r'fetch: saved 1048576 bytes as /fomos/data/fetch/blob\.bin', timeout=180)
    command(b, 'ping 10.0.3.1 2')
    b.wait_for(r'ping: 10\.0\.3\.1: 2 sent, 2 received', timeout=60)
    b.send('shutdown\r')
    b.wait_exit(timeout=60)
    assert file_on_disk(b, '/fomos/data/fetch/blob.bin', tmp_path / 'blob.bin') == blob
    check_capture(b.pcap, '10.0.3.0/24')


def _frame(dst, src, ethertype, payload):
    return dst + src + struct.pack('>H', ethertype) + payload


def _ipv4(src, dst, proto, payload, bad_checksum=False, total=None):
    head = struct.pack('>BBHHHBBH4s4s', 0x45, 0, total or 20 + len(payload), 1, 0, 64, proto, 0,
                       socket.inet_aton(src), socket.inet_aton(dst))
    s = sum(struct.unpack('>10H', head))
    s = (s & 0xffff) + (s >> 16)
    s = ~((s & 0xffff) + (s >> 16)) & 0xffff
    if bad_checksum:
        s ^= 0x5555
    return head[:10] + struct.pack('>H', s) + head[12:] + payload


class _Frames:
    """Frames from QEMU's socket netdev: each a 4-byte big-endian length,
    then the frame."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b''

    def next(self):
        while len(self.buf) < 4 or len(self.buf) < 4 + struct.unpack('>I', self.buf[:4])[0]:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError('QEMU closed the socket network')
            self.buf += chunk
        n = struct.unpack('>I', self.buf[:4])[0]
        frame, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
        return frame


def test_garbage_frames_cost_nothing_but_are_counted(machine):
    """A peer on the wire sends truncated, oversized and corrupt frames and
    a flood: the kernel and its apps go on, `net` counts the bad ones, and
    the link still works: the peer's ARP request is answered, and the peer,
    as the name server, answers `resolve`."""
    port = free_port()
    listener = socket.socket()
    listener.bind(('127.0.0.1', port))
    listener.listen(1)
    m = machine(net=f'socket,connect=127.0.0.1:{port}', cfg='ip=10.0.4.1/24\ndns=10.0.4.2\n')
    peer, _ = listener.accept()
    listener.close()
    m.wait_seen(r'net: eth0 52:54:00:12:34:56 10\.0\.4\.1/24', timeout=120)
    m.wait_seen(SERVING, timeout=60)
    console_ready(m)
    mine = bytes.fromhex('525400123456')
    me = bytes.fromhex('020000000099')

    def send(frame):
        peer.sendall(struct.pack('>I', len(frame)) + frame)  # QEMU's socket netdev framing

    udp = struct.pack('>HHHH', 1000, 9, 8 + 4, 0) + b'abcd'
    tcp = struct.pack('>HHIIBBHHH', 4000, 80, 1, 0, 0x50, 0x02, 8192, 0xdead, 0)
    bad = [
        b'\x00' * 5,                                                     # shorter than a header
        mine + me,                                                       # no type
        _frame(mine, me, 0x0800, b'\x45'),                               # IPv4 cut short
        _frame(mine, me, 0x0800, _ipv4('10.0.4.2', '10.0.4.1', 17, udp, bad_checksum=True)),
        _frame(mine, me, 0x0800, _ipv4('10.0.4.2', '10.0.4.1', 17, udp, total=400)),  # claims more
        _frame(mine, me, 0x0800, _ipv4('10.0.4.2', '10.0.4.1', 6, tcp)),  # bad TCP checksum
        _frame(mine, me, 0x0806, b'\x00\x01\x08\x00\x06\x04'),           # ARP cut short
        _frame(mine, me, 0x0800, os.urandom(1400)),                      # noise
        _frame(mine, me, 0x0800, os.urandom(1700)),                      # over the MTU
    ]
    for frame in bad:
        send(frame)
    for i in range(3000):                                                # a flood
        send(bad[3 + i % 6])
    # The link still works: an ARP request from the peer is answered.
    arp = _frame(b'\xff' * 6, me, 0x0806, struct.pack('>HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, me,
                 socket.inet_aton('10.0.4.2'), b'\0' * 6, socket.inet_aton('10.0.4.1')))
    send(arp)
    peer.settimeout(60)
    frames = _Frames(peer)
    while True:
        frame = frames.next()
        if frame[12:14] == b'\x08\x06' and frame[20:22] == b'\x00\x02':
            assert frame[28:32] == socket.inet_aton('10.0.4.1') and frame[32:38] == me
            break
    # And its name server (boot.cfg's dns=) is the peer: `resolve` asks it
    # over UDP, and gets an address, or "no such name".
    stop = threading.Event()
    answered = []

    def name_server():
        peer.settimeout(0.2)
        while not stop.is_set():
            try:
                frame = frames.next()
            except socket.timeout:
                continue
            if frame[12:14] == b'\x08\x06' and frame[20:22] == b'\x00\x01' and \
                    frame[38:42] == socket.inet_aton('10.0.4.2'):   # who has 10.0.4.2?
                send(_frame(frame[6:12], me, 0x0806, struct.pack(
                    '>HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 2, me, socket.inet_aton('10.0.4.2'),
                    frame[6:12], frame[28:32])))
            elif frame[12:14] == b'\x08\x00' and frame[23] == 17 and frame[36:38] == b'\x00\x35':
                hl = (frame[14] & 15) * 4
                udp = frame[14 + hl:]
                query = udp[8:]
                qend = query.index(b'\0', 12) + 5                     # name, type, class
                name = query[12:qend - 4]
                known = name == b'\x05fomos\x04test\x00'
                answer = query[:2] + (b'\x81\x80' if known else b'\x81\x83') + b'\x00\x01' + \
                    (b'\x00\x01' if known else b'\x00\x00') + b'\x00\x00\x00\x00' + query[12:qend]
                if known:
                    answer += b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04' + bytes([10, 0, 4, 77])
                reply = struct.pack('>HHHH', 53, struct.unpack('>H', udp[:2])[0], 8 + len(answer), 0) + answer
                send(_frame(frame[6:12], me, 0x0800, _ipv4('10.0.4.2', '10.0.4.1', 17, reply)))
                answered.append(name)

    server = threading.Thread(target=name_server, daemon=True)
    server.start()
    try:
        command(m, 'resolve fomos.test')
        m.wait_for(r'resolve: fomos\.test is 10\.0\.4\.77\r', timeout=60)
        command(m, 'resolve nowhere.test')
        m.wait_for(r'resolve: nowhere\.test: no address', timeout=60)
    finally:
        stop.set()
        server.join(timeout=10)
    assert b'\x05fomos\x04test\x00' in answered
    net = command(m, 'net')
    errors = re.search(r'in: +(\d+) packets, \d+ bytes; errors (\d+), dropped (\d+)', net)
    assert errors and int(errors.group(2)) + int(errors.group(3)) >= 3000, net
    ps = command(m, 'ps')
    assert re.search(r'\d+ httpd\s+running', ps) and re.search(r'\d+ console\s+running', ps), ps
    peer.close()


def test_hostile_calls_to_the_network_get_errors_and_resumed_sockets_are_gone(machine, tmp_path):
    """nethostile hands every network service bad pointers, wrapping
    lengths, forged and closed handles and an over-quota socket: each gets
    its error, the kernel goes on.  Then `suspend` and a new boot: the
    resumed httpd finds its old sockets gone (FOMOS_E_GONE, no hang),
    listens again and serves."""
    port = free_port()
    m = machine(net=user_net(port))
    m.wait_seen(SERVING, timeout=120)
    console_ready(m)
    assert 'started nethostile' in command(m, 'run nethostile nofb')
    done = m.wait_for(r'nethostile: done, (\d+) wrong', timeout=60)
    log = m.serial_text
    assert done.group(1) == '0', '\n'.join(l for l in log.splitlines() if 'WRONG' in l)
    assert len(re.findall(r'nethostile: ok ', log)) >= 30
    assert wait_http(port, '/')[0].status == 200  # httpd never noticed
    m.send('suspend\r')
    m.wait_exit(timeout=120)
    port2 = free_port()
    again = machine(net=user_net(port2), image=m.image)
    pid = again.wait_seen(r'snapshot: resumed httpd as pid (\d+)', timeout=120).group(1)
    again.wait_seen(rf'httpd\[{pid}\]: ' + SERVING, timeout=60)
    r, body = wait_http(port2, '/')
    assert r.status == 200 and b'Hello from Fomos' in body
    status = wait_http(port2, '/status')[1].decode()   # its own ps: one httpd, the resumed one
    assert re.findall(r'(\d+) httpd\s+running', status) == [pid], status
