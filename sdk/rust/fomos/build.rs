//! Holds the Rust mirror (src/abi.rs) to the C header (sdk/fomos.h) at
//! every build: this program includes abi.rs itself, measures each field's
//! offset and each struct's size, writes them as C `_Static_assert`s about
//! fomos.h, and has clang check them.  A field that moves on either side,
//! or a constant that differs, fails the build with the field's name.
//!
//! Needs clang (fomos-link needs ld.lld anyway); FOMOS_CLANG picks another.

#[path = "src/abi.rs"]
#[allow(dead_code)]
mod abi;

use std::fmt::Write as _;
use std::mem::{size_of, MaybeUninit};
use std::path::PathBuf;
use std::process::Command;

macro_rules! offset {
    ($t:ty, $f:ident) => {{
        let m = MaybeUninit::<$t>::uninit();
        let base = m.as_ptr();
        // Only addresses are taken: nothing uninitialised is read.
        unsafe { (std::ptr::addr_of!((*base).$f) as usize) - (base as usize) }
    }};
}

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let header = dir.join("../../fomos.h");
    println!("cargo:rerun-if-changed=src/abi.rs");
    println!("cargo:rerun-if-changed={}", header.display());
    println!("cargo:rerun-if-env-changed=FOMOS_CLANG");

    let mut c = String::from("#include <stddef.h>\n#include \"fomos.h\"\n");
    let mut field = |cs: &str, cf: &str, off: usize| {
        writeln!(
            c,
            "_Static_assert(offsetof(struct {cs}, {cf}) == {off}, \"the fomos crate's {cs}.{cf} is at {off}: fomos.h disagrees\");"
        )
        .unwrap();
    };

    use abi::*;
    macro_rules! fields {
        ($t:ident: $($f:ident),*) => { $( field(stringify!($t), stringify!($f), offset!($t, $f)); )* };
    }
    fields!(fomos_surface: pixels, width, height, stride, flags);
    field("fomos_event", "time_ns", offset!(fomos_event, time_ns));
    field("fomos_event", "type", offset!(fomos_event, r#type));
    fields!(fomos_event: code, value, codepoint);
    fields!(fomos_input: pointer_x, pointer_y, buttons, reserved, event_count, events, keys, event_pid);
    fields!(fomos_ctx: version, size, pid, time_ns, log, fb, calloc, free, store, input,
        win_x, win_y, win_flags, focused, screen_width, screen_height, window, raise, damage,
        system, term_read, term_write,
        file,
        caller, publish, lookup, call, share, grant,
        args, net_socket, net_bind, net_listen, net_accept, net_connect, net_send, net_recv,
        net_close, net_poll, net_resolve, net_info,
        gpu_open, gpu_resource, gpu_free, gpu_submit, gpu_show);
    fields!(fomos_gpu_res: target, format, bind, width, height, reserved);
    fields!(fomos_netaddr: ip, port, reserved);
    fields!(fomos_resolve: name, status, ip);
    fields!(fomos_netinfo: name, mac, link_up, prefix, ip, gateway, dns, mtu, dhcp, reserved,
        rx_packets, rx_bytes, tx_packets, tx_bytes, rx_errors, rx_dropped, tx_errors);
    fields!(fomos_file: op, reserved, path, buf, offset, len, status, reserved2, done);
    field("fomos_fn", "fn", offset!(fomos_fn, r#fn));
    fields!(fomos_fn: args, reserved);

    macro_rules! sizes {
        ($($t:ident),*) => { $(
            writeln!(c, "_Static_assert(sizeof(struct {0}) == {1}, \"the fomos crate's {0} is {1} bytes: fomos.h disagrees\");",
                stringify!($t), size_of::<$t>()).unwrap();
        )* };
    }
    sizes!(fomos_surface, fomos_event, fomos_input, fomos_ctx, fomos_file, fomos_fn,
        fomos_netaddr, fomos_resolve, fomos_netinfo, fomos_gpu_res);

    macro_rules! consts {
        ($($c:ident = $r:expr),* $(,)?) => { $(
            writeln!(c, "_Static_assert((long long)({0}) == {1}LL, \"the fomos crate says {0} is {1}: fomos.h disagrees\");",
                stringify!($c), $r as i64).unwrap();
        )* };
    }
    consts!(
        FOMOS_CTX_VERSION = CTX_VERSION, FOMOS_EVENT_RING = EVENT_RING, FOMOS_KEY_COUNT = KEY_COUNT,
        FOMOS_PATH_MAX = PATH_MAX, FOMOS_PENDING = PENDING,
        FOMOS_WIN_TOP = WIN_TOP, FOMOS_WIN_BOTTOM = WIN_BOTTOM, FOMOS_WIN_NOFOCUS = WIN_NOFOCUS,
        FOMOS_WIN_OPAQUE = WIN_OPAQUE, FOMOS_WIN_CURSOR = WIN_CURSOR,
        FOMOS_E_PERM = E_PERM, FOMOS_E_NOTFOUND = E_NOTFOUND, FOMOS_E_IO = E_IO,
        FOMOS_E_NOMEM = E_NOMEM, FOMOS_E_BUSY = E_BUSY, FOMOS_E_NODISK = E_NODISK,
        FOMOS_E_BADARG = E_BADARG, FOMOS_E_NOSPACE = E_NOSPACE, FOMOS_E_PATH = E_PATH,
        FOMOS_E_TOOBIG = E_TOOBIG, FOMOS_E_FAULT = E_FAULT, FOMOS_E_GONE = E_GONE,
        FOMOS_E_VERSION = E_VERSION, FOMOS_E_AGAIN = E_AGAIN, FOMOS_E_INUSE = E_INUSE,
        FOMOS_E_NONET = E_NONET, FOMOS_E_RESET = E_RESET, FOMOS_E_NOTCONN = E_NOTCONN,
        FOMOS_E_TIMEDOUT = E_TIMEDOUT, FOMOS_E_REFUSED = E_REFUSED, FOMOS_E_NOTSUP = E_NOTSUP,
        FOMOS_ARGS_MAX = ARGS_MAX, FOMOS_NET_SOCKETS = NET_SOCKETS, FOMOS_NET_TCP = NET_TCP,
        FOMOS_NET_UDP = NET_UDP, FOMOS_NET_PING = NET_PING, FOMOS_NET_IN = NET_IN,
        FOMOS_NET_OUT = NET_OUT, FOMOS_NET_HUP = NET_HUP, FOMOS_NET_ERR = NET_ERR,
        FOMOS_NAME_MAX = NAME_MAX,
        FOMOS_GPU_SUBMIT_MAX = GPU_SUBMIT_MAX, FOMOS_GPU_BUFFER = GPU_BUFFER,
        FOMOS_GPU_TEXTURE_2D = GPU_TEXTURE_2D, FOMOS_GPU_FORMAT_BGRA = GPU_FORMAT_BGRA,
        FOMOS_GPU_FORMAT_BGRX = GPU_FORMAT_BGRX, FOMOS_GPU_FORMAT_R8 = GPU_FORMAT_R8,
        FOMOS_GPU_FORMAT_Z24S8 = GPU_FORMAT_Z24S8, FOMOS_GPU_BIND_DEPTH = GPU_BIND_DEPTH,
        FOMOS_GPU_BIND_RENDER = GPU_BIND_RENDER, FOMOS_GPU_BIND_SAMPLER = GPU_BIND_SAMPLER,
        FOMOS_GPU_BIND_VERTEX = GPU_BIND_VERTEX, FOMOS_GPU_BIND_INDEX = GPU_BIND_INDEX,
        FOMOS_GPU_BIND_CONSTANT = GPU_BIND_CONSTANT,
        FOMOS_FILE_READ = FILE_READ, FOMOS_FILE_WRITE = FILE_WRITE, FOMOS_FILE_REPLACE = FILE_REPLACE,
        FOMOS_FILE_SIZE = FILE_SIZE, FOMOS_FILE_LIST = FILE_LIST, FOMOS_FILE_DELETE = FILE_DELETE,
        FOMOS_SHARE_READ = SHARE_READ, FOMOS_SHARE_WRITE = SHARE_WRITE, FOMOS_CONSUMERS = CONSUMERS,
        FOMOS_EV_KEY = EV_KEY, FOMOS_EV_BUTTON = EV_BUTTON, FOMOS_EV_MOTION = EV_MOTION,
        FOMOS_EV_WHEEL = EV_WHEEL, FOMOS_EV_SCREEN = EV_SCREEN, FOMOS_AXIS_X = AXIS_X, FOMOS_AXIS_Y = AXIS_Y,
        FOMOS_AXIS_WHEEL = AXIS_WHEEL, FOMOS_BUTTON_LEFT = BUTTON_LEFT,
        FOMOS_BUTTON_RIGHT = BUTTON_RIGHT, FOMOS_BUTTON_MIDDLE = BUTTON_MIDDLE,
        FOMOS_KEY_ESC = KEY_ESC, FOMOS_KEY_BACKSPACE = KEY_BACKSPACE, FOMOS_KEY_TAB = KEY_TAB,
        FOMOS_KEY_ENTER = KEY_ENTER, FOMOS_KEY_LEFTCTRL = KEY_LEFTCTRL,
        FOMOS_KEY_LEFTSHIFT = KEY_LEFTSHIFT, FOMOS_KEY_SPACE = KEY_SPACE, FOMOS_KEY_HOME = KEY_HOME,
        FOMOS_KEY_UP = KEY_UP, FOMOS_KEY_PAGEUP = KEY_PAGEUP, FOMOS_KEY_LEFT = KEY_LEFT,
        FOMOS_KEY_RIGHT = KEY_RIGHT, FOMOS_KEY_END = KEY_END, FOMOS_KEY_DOWN = KEY_DOWN,
        FOMOS_KEY_PAGEDOWN = KEY_PAGEDOWN, FOMOS_KEY_DELETE = KEY_DELETE,
        FOMOS_BTN_LEFT = BTN_LEFT, FOMOS_BTN_RIGHT = BTN_RIGHT, FOMOS_BTN_MIDDLE = BTN_MIDDLE,
    );

    for i in 0..3 {
        writeln!(c, "_Static_assert(FOMOS_ARG_IN({i}) == {}u && FOMOS_ARG_OUT({i}) == {}u, \"the fomos crate's arg_in/arg_out({i}) differ from fomos.h\");",
            arg_in(i), arg_out(i)).unwrap();
    }

    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("abi_check.c");
    std::fs::write(&out, &c).unwrap();
    let clang = std::env::var("FOMOS_CLANG").unwrap_or_else(|_| "clang".into());
    let include = header.parent().unwrap();
    let status = Command::new(&clang)
        .args(["--target=x86_64-unknown-none-elf", "-ffreestanding", "-std=c11", "-fsyntax-only"])
        .arg("-I")
        .arg(include)
        .arg(&out)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(_) => panic!(
            "src/abi.rs does not match {} (see the messages above; the checks are in {})",
            header.display(),
            out.display()
        ),
        Err(e) => panic!("the fomos crate needs {clang} to check src/abi.rs against fomos.h: {e}"),
    }
}
