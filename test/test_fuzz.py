"""The libFuzzer targets (build/fuzz/fuzz_*), each run for a few seconds.

Each run starts from a copy of its committed seed corpus in pytest's
tmp_path: libFuzzer adds the inputs it finds to the corpus directory and
writes crash files next to it, and neither may land in the repository.
A crash fails the test with the fuzzer's last lines, which name the input
file (keep it: it belongs in a unit test).

Build the targets with `ninja fuzz`.  For a longer run by hand:

    build/fuzz/fuzz_appfile -max_total_time=300 test/fuzz/corpus/appfile
"""
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGETS = ["appfile", "cfg", "init", "snapshot", "fat"]


@pytest.mark.parametrize("name", TARGETS)
def test_fuzz(name, tmp_path):
    binary = ROOT / "build" / "fuzz" / f"fuzz_{name}"
    assert binary.exists(), f"{binary} is missing: run ninja first"
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "test" / "fuzz" / "corpus" / name, corpus)
    r = subprocess.run(
        [str(binary), "-max_total_time=8", "-timeout=5", "-rss_limit_mb=1024",
         f"-artifact_prefix={tmp_path}/", str(corpus)],
        cwd=tmp_path, capture_output=True, text=True, errors="replace",
        timeout=120)
    tail = "\n".join((r.stdout + r.stderr).splitlines()[-40:])
    assert r.returncode == 0, (
        f"fuzz_{name} exited {r.returncode}; crash inputs are in {tmp_path}\n"
        f"--- last lines ---\n{tail}")
