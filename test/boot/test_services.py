"""Services between apps (context version 4, kernel/exec/exec_share.c).

test/apps/svcprov.c publishes "calc" and a region its consumers may
write; test/apps/svccons.c (one step per call) calls it in every way the
issue names; svctouch hands it pointers that are not its own, then reads
the provider's memory outside a call; svcprov2 tries to take the name.
One boot holds them all: each step is logged as "APP: WHAT -> ANSWER".
"""

import re
import subprocess

import pytest

from console import READY, command

E_PERM, E_NOTFOUND, E_FAULT, E_BUSY, E_BADARG, E_GONE, E_VERSION = -1, -2, -14, -16, -22, -32, -95


def answer(m, app, what, timeout=60):
    """The answer app logged for step `what` (waits for it)."""
    found = m.wait_seen(rf'{app}\[\d+\]: {app}: {re.escape(what)} -> (-?\d+)\r', timeout)
    return int(found.group(1))


@pytest.fixture(scope='module')
def calls(shared_machine_factory):
    # The consumer first: its lookup finds nothing, and it yields for a
    # minute, which publish() cuts short.
    m = shared_machine_factory(files={'/fomos/init': b'svccons admin\nsvcprov restart\nsvcprov2\n'})
    m.wait_for(READY, 60)
    m.wait_seen(r'svccons\[\d+\]: svccons: still running -> 11\r', 120)
    return m


def test_lookups_of_missing_names_and_bad_names_answer_codes(calls):
    assert answer(calls, 'svccons', 'lookup nosuch') == E_NOTFOUND
    assert answer(calls, 'svccons', 'lookup BAD name') == E_BADARG
    assert answer(calls, 'svccons', 'publish back') == 0


def test_a_waiting_lookup_is_woken_when_the_name_appears(calls):
    # It yielded 60 s; the whole run takes less than that only if the
    # kernel woke it when svcprov published.
    assert answer(calls, 'svccons', 'waiting for calc') == 0
    assert answer(calls, 'svccons', 'found calc') == 1
    waited = re.search(r'svccons: waiting for calc', calls.serial_text).start()
    found = re.search(r'svccons: found calc', calls.serial_text).start()
    assert found > waited


def test_a_name_registered_twice_is_refused_and_a_version_too_new_is_told(calls):
    assert answer(calls, 'svcprov', 'publish calc') == 0
    assert answer(calls, 'svcprov', 'publish calc again') == 0, 'its own name: the table is replaced'
    assert answer(calls, 'svcprov2', 'publish calc') == E_BUSY
    assert answer(calls, 'svccons', 'lookup calc version 3') == E_VERSION


def test_calls_return_results_and_copy_buffers_in_and_out(calls):
    assert answer(calls, 'svccons', 'add 40 2') == 42
    assert answer(calls, 'svccons', 'function 99') == E_BADARG
    assert answer(calls, 'svccons', 'handle 77') == E_BADARG
    assert answer(calls, 'svccons', 'upper copied back HELLO') == 5
    assert answer(calls, 'svccons', 'caller is me') > 0


def test_a_shared_region_is_written_by_one_and_read_by_the_other(calls):
    assert answer(calls, 'svcprov', 'grant to consumers') == 0
    assert answer(calls, 'svccons', 'region says region from provider') == 0
    # The consumer wrote 3 and 4 into the provider's region; the provider
    # summed them in place (no copy: the pointer was the region's).
    assert answer(calls, 'svccons', 'sum in the region') == 7


def test_a_call_back_into_the_caller_is_busy(calls):
    assert answer(calls, 'svccons', 'callback into me') == E_BUSY


def test_a_provider_that_faults_or_overruns_in_a_call_ends_not_the_caller(calls):
    assert answer(calls, 'svccons', 'crash') == E_FAULT
    assert answer(calls, 'svccons', 'add after the crash') == E_GONE
    calls.wait_seen(r'exec: svcprov\[\d+\] stopped: page fault writing 0x10 \(nothing mapped there\) at '
                    r'svcprov\.app\+0x[0-9a-f]+, in a call from svccons\[\d+\]', 30)
    assert answer(calls, 'svccons', 'add after the restart') == 2
    assert answer(calls, 'svccons', 'spin') == E_FAULT
    calls.wait_seen(r'exec: svcprov\[\d+\] stopped: ran for more than 100 ms without returning \(its budget\), '
                    r'in a call from svccons\[\d+\]', 30)
    assert not re.search(r'exec: svccons\[\d+\] stopped', calls.serial_text)


def test_a_provider_killed_between_calls_answers_gone(calls):
    assert answer(calls, 'svccons', 'kill the provider') >= 0
    assert answer(calls, 'svccons', 'add after the kill') == E_GONE
    assert answer(calls, 'svccons', 'still running') == 9


def test_pointers_that_are_not_the_callers_are_refused_and_isolation_holds(shared_machine_factory):
    m = shared_machine_factory(files={'/fomos/init': b'svcprov\nsvctouch\n'})
    m.wait_for(READY, 60)
    assert answer(m, 'svctouch', 'upper on the kernel\'s memory') == E_BADARG
    assert answer(m, 'svctouch', 'upper on the provider\'s home') == E_BADARG
    assert answer(m, 'svctouch', 'sum past the end of its region') == E_BADARG
    # Outside a call the provider's memory is closed to it: reading its
    # code ends the consumer, and the provider goes on.
    m.wait_seen(r'exec: svctouch\[\d+\] stopped: touched memory that is not its own at 0x[0-9a-f]+ '
                r'\(reading, at svctouch\.app\+0x[0-9a-f]+\)', 30)
    command(m, 'services')
    m.wait_seen(r'calc\s+2 svcprov\[1\]\s+10\s+\d+\s+0', 30)


def snap_n(m):
    return [int(n) for n in re.findall(r'svcsnap\[\d+\]: svcsnap: n -> (\d+)\r', m.serial_text)]


def test_provider_and_consumer_resume_together_and_without_it_the_consumer_gets_errors(machine):
    from test_snapshot import suspend
    m = machine(files={'/fomos/init': b'svcprov\nsvcsnap\n'})
    m.wait_for(READY, 60)
    m.wait_seen(r'svcsnap\[2\]: svcsnap: n -> 10\r', 60)
    suspend(m)
    before = snap_n(m)[-1]

    # Both come back: the provider's service is published again from its
    # record, the consumer's handle finds it, and the count goes on.
    r = machine(image=m.image)
    r.wait_seen(r'exec: svcprov\[1\] provides service calc, version 2', 60)
    r.wait_seen(rf'svcsnap\[2\]: svcsnap: n -> {before + 3}\r', 60)
    assert snap_n(r)[0] == before + 1, 'it goes on from where it was'
    # Its region came back too, with what the provider wrote into it.
    command(r, 'services')
    r.wait_seen(r'calc\s+2 svcprov\[1\]\s+10\s+\d+\s+0  svcsnap\[2\]', 30)
    suspend(r)

    # Without the provider's file it is not resumed: the consumer's calls
    # answer FOMOS_E_GONE, and it keeps running.
    subprocess.run(['mdel', '-i', str(r.image), '::/fomos/apps/svcprov.app'], check=True)
    g = machine(image=r.image)
    g.wait_seen(r'snapshot: svcprov\[1\]: /fomos/apps/svcprov\.app is gone, not resumed', 60)
    g.wait_seen(rf'svcsnap\[2\]: svcsnap: add -> {E_GONE}\r', 60)
    g.wait_seen(rf'(?s)svcsnap\[2\]: svcsnap: add -> {E_GONE}\r.*svcsnap\[2\]: svcsnap: add -> {E_GONE}\r', 30)
    assert not re.search(r'svcsnap\[\d+\] stopped', g.serial_text)
