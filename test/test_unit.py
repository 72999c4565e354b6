"""The host unit tests (build/unit-tests), one pytest case per unit test.

`ninja test` builds build/unit-tests first; run by hand, build it with
`ninja build/unit-tests`.
"""
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / "build" / "unit-tests"


def _names():
    # Collection must not crash when the binary is missing: report it as
    # one failing case instead, so the cause is in the test output.
    if not BINARY.exists():
        return ["<build/unit-tests missing: run ninja build/unit-tests>"]
    out = subprocess.run([str(BINARY), "--list"], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    return out.split()


@pytest.mark.parametrize("name", _names())
def test_unit(name):
    assert BINARY.exists(), f"{BINARY} is missing: run ninja build/unit-tests"
    r = subprocess.run([str(BINARY), name], capture_output=True, text=True,
                       timeout=60, cwd=ROOT)
    assert r.returncode == 0, (
        f"build/unit-tests {name} exited {r.returncode}\n"
        f"--- stdout ---\n{r.stdout}--- stderr ---\n{r.stderr}")
