"""QEMU's guestfwd `cmd:` end: one guest connection, relayed to a TCP
server on the host.

    guestfwd=tcp:10.0.2.100:8000-cmd:/usr/bin/python3 test/boot/relay.py PORT

QEMU runs this once per connection the guest opens to 10.0.2.100:8000, with
the connection as standard input and output; it is copied both ways to
127.0.0.1:PORT until either side closes.  (restrict=on lets the guest reach
nothing else: this is how a test gives it exactly one server.)
"""

import os
import selectors
import socket
import sys


def main():
    sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
    sel = selectors.DefaultSelector()
    sel.register(0, selectors.EVENT_READ)
    sel.register(sock, selectors.EVENT_READ)
    open_ends = 2
    while open_ends:
        for key, _ in sel.select():
            if key.fileobj == 0:
                data = os.read(0, 65536)
                if not data:
                    sock.shutdown(socket.SHUT_WR)
                    sel.unregister(0)
                    open_ends -= 1
                else:
                    sock.sendall(data)
            else:
                data = sock.recv(65536)
                if not data:
                    # The server is done.  QEMU gave us one socket as both
                    # stdin and stdout: only our exit closes it, which the
                    # guest sees as the server's FIN.
                    return
                else:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(1, view):]


if __name__ == '__main__':
    main()
