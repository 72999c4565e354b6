"""The same httpd.app under fomos-host: Linux's sockets behind the same
context calls (sdk/host/host_net.c).  It serves the same files, with the
same answers, as on the kernel (test/boot/test_net.py)."""

import hashlib
import http.client
import os
import socket
import subprocess
import time

import pytest

from test_host import HOST, app


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def httpd(tmp_path):
    path = app('httpd')  # the very file the kernel boots
    data = tmp_path / 'data'
    (data / 'httpd' / 'docs').mkdir(parents=True)
    big = os.urandom(4 << 20)
    (data / 'httpd' / 'big.bin').write_bytes(big)
    (data / 'httpd' / 'docs' / 'a.txt').write_bytes(b'alpha\n')
    port = free_port()
    log = open(tmp_path / 'host.log', 'w+')
    proc = subprocess.Popen([str(HOST), '--headless', '--seconds', '120', '--data', str(data),
                             '--args', f'port={port}', path + ':nofb'],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while 'httpd: serving' not in (tmp_path / 'host.log').read_text():
        assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / 'host.log').read_text()
        time.sleep(0.05)  # its log line is the only sign it listens
    yield port, big
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def test_the_kernels_httpd_app_serves_files_under_fomos_host(httpd, tmp_path):
    port, big = httpd
    out = tmp_path / 'got.bin'
    subprocess.run(['curl', '-sS', '--fail', '-m', '60', '-o', str(out),
                    f'http://127.0.0.1:{port}/big.bin'], check=True)
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(big).digest()
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    c.connect()
    sock = c.sock
    for i in range(50):
        c.request('GET', '/docs/a.txt')
        r = c.getresponse()
        assert r.status == 200 and r.read() == b'alpha\n' and c.sock is sock
    for path, status in (('/missing', 404), ('/docs', 301), ('/docs/', 200), ('/status', 200)):
        c.request('GET', path)
        r = c.getresponse()
        body = r.read()
        assert r.status == status, path
    assert b'httpd' in body  # /status lists it
    c.close()
