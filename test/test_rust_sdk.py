"""The Rust SDK (sdk/rust/) as an app author meets it, outside this tree:
the mirror of fomos.h that refuses to build when a field moves, a new app
built with cargo and run under fomos-host, and the linker's clear refusal
of an app that links std.  Uses whatever cargo is on the PATH."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SDK = ROOT / 'sdk'
HOST = ROOT / 'build' / 'fomos-host'


def cargo(cwd, *args, target=None):
    if not shutil.which('cargo'):
        pytest.fail('cargo is missing: .ci/setup installs it', pytrace=False)
    cmd = ['cargo', 'build', '--release', '--offline', *args]
    if target:
        cmd += ['--target-dir', str(target)]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def copy_crate(tmp_path):
    """sdk/fomos.h and sdk/rust/fomos/ as they sit in the SDK, in tmp_path."""
    sdk = tmp_path / 'sdk'
    shutil.copytree(SDK / 'rust' / 'fomos', sdk / 'rust' / 'fomos',
                    ignore=shutil.ignore_patterns('target', 'Cargo.lock'))
    shutil.copy(SDK / 'fomos.h', sdk / 'fomos.h')
    return sdk


def swap(path, a, b):
    text = path.read_text()
    assert text.count(a) == 1 and text.count(b) == 1
    path.write_text(text.replace(a, '\0').replace(b, a).replace('\0', b))


def test_the_rust_mirror_builds_only_while_it_matches_fomos_h(tmp_path):
    sdk = copy_crate(tmp_path)
    crate = sdk / 'rust' / 'fomos'
    r = cargo(crate, target=tmp_path / 't')
    assert r.returncode == 0, r.stderr
    # Two fields of the context swapped on the Rust side...
    abi = crate / 'src' / 'abi.rs'
    swap(abi, '    pub win_x: i32,', '    pub win_y: i32,')
    r = cargo(crate, target=tmp_path / 't')
    assert r.returncode != 0
    assert "the fomos crate's fomos_ctx.win_x is at 92: fomos.h disagrees" in r.stderr
    swap(abi, '    pub win_x: i32,', '    pub win_y: i32,')
    assert cargo(crate, target=tmp_path / 't').returncode == 0
    # ...or a constant changed on the C side.
    header = sdk / 'fomos.h'
    header.write_text(header.read_text().replace('#define FOMOS_E_GONE\t\t(-32)', '#define FOMOS_E_GONE\t\t(-33)'))
    r = cargo(crate, target=tmp_path / 't')
    assert r.returncode != 0
    assert 'the fomos crate says FOMOS_E_GONE is -32: fomos.h disagrees' in r.stderr


NEW_APP = '''#![no_std]
#![no_main]
extern crate alloc;
use alloc::string::String;
struct Hi { calls: u32, text: String }
impl fomos::App for Hi {
    fn new(_ctx: &mut fomos::Context) -> Self { Hi { calls: 0, text: String::from("hi") } }
    fn call(&mut self, ctx: &mut fomos::Context) -> i32 {
        self.calls += 1;
        self.text.push('!');
        fomos::log!("{} from pid {}, call {}", self.text, ctx.pid(), self.calls);
        if self.calls == 3 { -1 } else { 0 }
    }
}
fomos::app!(Hi);
'''


def new_app(tmp_path, source):
    """A crate as sdk/README.md says to make one, outside this tree."""
    app = tmp_path / 'hi'
    (app / 'src').mkdir(parents=True)
    (app / 'src' / 'main.rs').write_text(source)
    (app / 'Cargo.toml').write_text(
        '[package]\nname = "hi"\nversion = "0.1.0"\nedition = "2021"\n\n'
        f'[dependencies]\nfomos = {{ path = "{SDK / "rust" / "fomos"}" }}\n\n'
        '[profile.dev]\npanic = "abort"\n\n[profile.release]\npanic = "abort"\n')
    (app / '.cargo').mkdir()
    config = (SDK / 'rust' / 'config.toml').read_text().replace('/path/to/sdk', str(SDK))
    (app / '.cargo' / 'config.toml').write_text(config)
    return app


def test_a_new_rust_app_builds_with_cargo_as_the_sdk_guide_says_and_runs(tmp_path):
    app = new_app(tmp_path, NEW_APP)
    r = cargo(app)
    assert r.returncode == 0, r.stderr
    built = app / 'target' / 'release' / 'hi.app'
    data = built.read_bytes()
    assert data[:8] == b'FOMOSAPP'
    assert data[12] == 6, 'the header says context version 6'
    assert data.find(b'hi\0') >= 0
    out = subprocess.run([str(HOST), '--headless', '--seconds', '2', str(built)],
                         capture_output=True, text=True, timeout=60, check=False).stdout
    assert 'hi[1]: hi! from pid 1, call 1\n' in out
    assert 'hi[1]: hi!!! from pid 1, call 3\n' in out
    assert re.search(r'exec: hi\[1\] ended', out), out


def test_fomos_link_refuses_an_app_that_links_std_and_says_why(tmp_path):
    app = new_app(tmp_path, 'fn main() { println!("hello"); }\n')
    r = cargo(app)
    assert r.returncode != 0
    assert "hi-" in r.stderr and "links Rust's std: a Fomos app is #![no_std] (and #![no_main])" in r.stderr


def test_fomos_cc_links_a_rust_static_library_into_an_app(tmp_path):
    app = new_app(tmp_path, NEW_APP.replace('#![no_main]\n', ''))
    (app / 'src' / 'main.rs').rename(app / 'src' / 'lib.rs')
    with open(app / 'Cargo.toml', 'a') as f:
        f.write('\n[lib]\ncrate-type = ["staticlib"]\n')
    r = cargo(app)
    assert r.returncode == 0, r.stderr
    lib = app / 'target' / 'release' / 'libhi.a'
    for flags in ([], ['-nolibfomos']):
        out = tmp_path / 'hi.app'
        r = subprocess.run([str(SDK / 'fomos-cc'), '-o', str(out), str(lib), *flags],
                           capture_output=True, text=True, timeout=120, check=False,
                           env={**os.environ, 'FOMOS_CACHE': str(ROOT / 'build' / 'libfomos')})
        assert r.returncode == 0, r.stderr
        run = subprocess.run([str(HOST), '--headless', '--seconds', '2', str(out)],
                             capture_output=True, text=True, timeout=60, check=False).stdout
        assert 'hi[1]: hi!!! from pid 1, call 3\n' in run, (flags, run)
