//! The raw contract: `sdk/fomos.h` field by field, every context version.
//!
//! `#[repr(C)]` structs in the header's order with the header's names, so
//! that build.rs can check each offset against the C header with the C
//! compiler (the build fails if one moves).  Only fixed-width types, like
//! the header.  The safe wrappers in lib.rs are built on these.
//!
//! This file is also compiled into build.rs (a std program), so it uses
//! nothing but `core`.
#![allow(dead_code, non_camel_case_types)]

use core::ffi::c_void;

/// The context version this crate speaks: `FOMOS_CTX_VERSION`.
pub const CTX_VERSION: u32 = 6;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct fomos_surface {
    pub pixels: *mut u32,
    pub width: u32,
    pub height: u32,
    pub stride: u32,
    pub flags: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct fomos_event {
    pub time_ns: u64,
    pub r#type: u32,
    pub code: u32,
    pub value: i32,
    pub codepoint: u32,
}

pub const EVENT_RING: usize = 256;
pub const KEY_COUNT: usize = 768;

#[repr(C)]
pub struct fomos_input {
    pub pointer_x: i32,
    pub pointer_y: i32,
    pub buttons: u32,
    pub reserved: u32,
    pub event_count: u64,
    pub events: [fomos_event; EVENT_RING],
    pub keys: [u8; KEY_COUNT],
    /* version 2 */
    pub event_pid: [u64; EVENT_RING],
}

pub type LogFn = unsafe extern "sysv64" fn(text: *const u8, len: u32);
pub type CallocFn = unsafe extern "sysv64" fn(count: u64, size: u64) -> *mut c_void;
pub type FreeFn = unsafe extern "sysv64" fn(ptr: *mut c_void);
pub type WindowFn = unsafe extern "sysv64" fn(x: i32, y: i32, w: u32, h: u32, flags: u32) -> i32;
pub type RaiseFn = unsafe extern "sysv64" fn();
pub type DamageFn = unsafe extern "sysv64" fn(x: i32, y: i32, w: u32, h: u32);
pub type SystemFn =
    unsafe extern "sysv64" fn(line: *const u8, len: u32, out: *mut u8, cap: u32) -> i64;
pub type TermReadFn = unsafe extern "sysv64" fn(buf: *mut u8, cap: u32) -> u32;
pub type TermWriteFn = unsafe extern "sysv64" fn(text: *const u8, len: u32);
pub type FileFn = unsafe extern "sysv64" fn(req: *mut fomos_file) -> i32;
pub type PublishFn =
    unsafe extern "sysv64" fn(name: *const u8, version: u32, fns: *const fomos_fn, count: u32) -> i32;
pub type LookupFn = unsafe extern "sysv64" fn(name: *const u8, min_version: u32) -> i32;
pub type CallFn =
    unsafe extern "sysv64" fn(handle: i32, f: u32, a0: u64, a1: u64, a2: u64, a3: u64) -> i64;
pub type ShareFn = unsafe extern "sysv64" fn(size: u64) -> *mut c_void;
pub type GrantFn = unsafe extern "sysv64" fn(region: *mut c_void, pid: u64, rights: u32) -> i32;
pub type NetSocketFn = unsafe extern "sysv64" fn(kind: u32) -> i32;
pub type NetBindFn = unsafe extern "sysv64" fn(s: i32, ip: u32, port: u32) -> i32;
pub type NetListenFn = unsafe extern "sysv64" fn(s: i32, backlog: u32) -> i32;
pub type NetAcceptFn = unsafe extern "sysv64" fn(s: i32, peer: *mut fomos_netaddr) -> i32;
pub type NetSendFn =
    unsafe extern "sysv64" fn(s: i32, buf: *const c_void, len: u64, to: *const fomos_netaddr) -> i64;
pub type NetRecvFn =
    unsafe extern "sysv64" fn(s: i32, buf: *mut c_void, cap: u64, from: *mut fomos_netaddr) -> i64;
pub type NetHandleFn = unsafe extern "sysv64" fn(s: i32) -> i32;
pub type NetResolveFn = unsafe extern "sysv64" fn(req: *mut fomos_resolve) -> i32;
pub type NetInfoFn = unsafe extern "sysv64" fn(info: *mut fomos_netinfo) -> i32;
pub type GpuOpenFn = unsafe extern "sysv64" fn() -> i32;
pub type GpuResourceFn = unsafe extern "sysv64" fn(res: *const fomos_gpu_res) -> i32;
pub type GpuHandleFn = unsafe extern "sysv64" fn(res: i32) -> i32;
pub type GpuSubmitFn = unsafe extern "sysv64" fn(cmds: *const u32, dwords: u32) -> i32;
/// A published service function: `fomos_service_fn`.
pub type ServiceFn =
    extern "sysv64" fn(ctx: *mut fomos_ctx, a0: u64, a1: u64, a2: u64, a3: u64) -> i64;

#[repr(C)]
pub struct fomos_ctx {
    pub version: u32,
    pub size: u32,
    pub pid: u64,
    pub time_ns: u64,
    pub log: LogFn,
    pub fb: fomos_surface,
    pub calloc: CallocFn,
    pub free: FreeFn,
    pub store: *mut *mut c_void,
    pub input: *const fomos_input,
    /* version 2 */
    pub win_x: i32,
    pub win_y: i32,
    pub win_flags: u32,
    pub focused: u32,
    pub screen_width: u32,
    pub screen_height: u32,
    pub window: WindowFn,
    pub raise: RaiseFn,
    pub damage: DamageFn,
    pub system: SystemFn,
    pub term_read: TermReadFn,
    pub term_write: TermWriteFn,
    /* version 3 */
    pub file: FileFn,
    /* version 4 */
    pub caller: u64,
    pub publish: PublishFn,
    pub lookup: LookupFn,
    pub call: CallFn,
    pub share: ShareFn,
    pub grant: GrantFn,
    /* version 5 */
    pub args: *const u8,
    pub net_socket: NetSocketFn,
    pub net_bind: NetBindFn,
    pub net_listen: NetListenFn,
    pub net_accept: NetAcceptFn,
    pub net_connect: NetBindFn,
    pub net_send: NetSendFn,
    pub net_recv: NetRecvFn,
    pub net_close: NetHandleFn,
    pub net_poll: NetHandleFn,
    pub net_resolve: NetResolveFn,
    pub net_info: NetInfoFn,
    /* version 6 */
    pub gpu_open: GpuOpenFn,
    pub gpu_resource: GpuResourceFn,
    pub gpu_free: GpuHandleFn,
    pub gpu_submit: GpuSubmitFn,
    pub gpu_show: GpuHandleFn,
}

pub const GPU_SUBMIT_MAX: u32 = 256 * 1024;
pub const GPU_BUFFER: u32 = 0;
pub const GPU_TEXTURE_2D: u32 = 2;
pub const GPU_FORMAT_BGRA: u32 = 1;
pub const GPU_FORMAT_BGRX: u32 = 2;
pub const GPU_FORMAT_R8: u32 = 64;
pub const GPU_FORMAT_Z24S8: u32 = 20;
pub const GPU_BIND_DEPTH: u32 = 1 << 0;
pub const GPU_BIND_RENDER: u32 = 1 << 1;
pub const GPU_BIND_SAMPLER: u32 = 1 << 3;
pub const GPU_BIND_VERTEX: u32 = 1 << 4;
pub const GPU_BIND_INDEX: u32 = 1 << 5;
pub const GPU_BIND_CONSTANT: u32 = 1 << 6;

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct fomos_gpu_res {
    pub target: u32,
    pub format: u32,
    pub bind: u32,
    pub width: u32,
    pub height: u32,
    pub reserved: [u32; 3],
}

pub const ARGS_MAX: usize = 256;
pub const NET_SOCKETS: u32 = 16;
pub const NET_TCP: u32 = 1;
pub const NET_UDP: u32 = 2;
pub const NET_PING: u32 = 3;
pub const NET_IN: i32 = 1;
pub const NET_OUT: i32 = 2;
pub const NET_HUP: i32 = 4;
pub const NET_ERR: i32 = 8;
pub const NAME_MAX: usize = 256;

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct fomos_netaddr {
    pub ip: u32,
    pub port: u16,
    pub reserved: u16,
}

#[repr(C)]
pub struct fomos_resolve {
    pub name: [u8; NAME_MAX],
    pub status: i32,
    pub ip: u32,
}

#[repr(C)]
pub struct fomos_netinfo {
    pub name: [u8; 8],
    pub mac: [u8; 6],
    pub link_up: u8,
    pub prefix: u8,
    pub ip: u32,
    pub gateway: u32,
    pub dns: u32,
    pub mtu: u32,
    pub dhcp: u32,
    pub reserved: u32,
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
    pub rx_errors: u64,
    pub rx_dropped: u64,
    pub tx_errors: u64,
}

pub const PATH_MAX: usize = 128;

#[repr(C)]
pub struct fomos_file {
    pub op: u32,
    pub reserved: u32,
    pub path: [u8; PATH_MAX],
    pub buf: *mut c_void,
    pub offset: u64,
    pub len: u64,
    pub status: i32,
    pub reserved2: u32,
    pub done: u64,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct fomos_fn {
    pub r#fn: ServiceFn,
    pub args: u32,
    pub reserved: u32,
}

/* window flags */
pub const WIN_TOP: u32 = 1 << 0;
pub const WIN_BOTTOM: u32 = 1 << 1;
pub const WIN_NOFOCUS: u32 = 1 << 2;
pub const WIN_OPAQUE: u32 = 1 << 3;
pub const WIN_CURSOR: u32 = 1 << 4;

/* errors */
pub const E_PERM: i32 = -1;
pub const E_NOTFOUND: i32 = -2;
pub const E_IO: i32 = -5;
pub const E_NOMEM: i32 = -12;
pub const E_BUSY: i32 = -16;
pub const E_NODISK: i32 = -19;
pub const E_BADARG: i32 = -22;
pub const E_NOSPACE: i32 = -28;
pub const E_PATH: i32 = -30;
pub const E_TOOBIG: i32 = -27;
pub const E_FAULT: i32 = -14;
pub const E_GONE: i32 = -32;
pub const E_VERSION: i32 = -95;
pub const E_AGAIN: i32 = -11;
pub const E_INUSE: i32 = -98;
pub const E_NONET: i32 = -100;
pub const E_RESET: i32 = -104;
pub const E_NOTCONN: i32 = -107;
pub const E_TIMEDOUT: i32 = -110;
pub const E_REFUSED: i32 = -111;
pub const E_NOTSUP: i32 = -38;

/* files */
pub const FILE_READ: u32 = 1;
pub const FILE_WRITE: u32 = 2;
pub const FILE_REPLACE: u32 = 3;
pub const FILE_SIZE: u32 = 4;
pub const FILE_LIST: u32 = 5;
pub const FILE_DELETE: u32 = 6;
pub const PENDING: i32 = 1;

/* services */
pub const fn arg_in(i: u32) -> u32 {
    1 << (2 * i)
}
pub const fn arg_out(i: u32) -> u32 {
    2 << (2 * i)
}
pub const SHARE_READ: u32 = 1;
pub const SHARE_WRITE: u32 = 3;
pub const CONSUMERS: u64 = 0;

/* events */
pub const EV_KEY: u32 = 1;
pub const EV_BUTTON: u32 = 2;
pub const EV_MOTION: u32 = 3;
pub const EV_WHEEL: u32 = 4;
pub const EV_SCREEN: u32 = 5;
pub const AXIS_X: u32 = 0;
pub const AXIS_Y: u32 = 1;
pub const AXIS_WHEEL: u32 = 8;
pub const BUTTON_LEFT: u32 = 1 << 0;
pub const BUTTON_RIGHT: u32 = 1 << 1;
pub const BUTTON_MIDDLE: u32 = 1 << 2;

/* the evdev codes fomos.h names */
pub const KEY_ESC: u32 = 1;
pub const KEY_BACKSPACE: u32 = 14;
pub const KEY_TAB: u32 = 15;
pub const KEY_ENTER: u32 = 28;
pub const KEY_LEFTCTRL: u32 = 29;
pub const KEY_LEFTSHIFT: u32 = 42;
pub const KEY_SPACE: u32 = 57;
pub const KEY_HOME: u32 = 102;
pub const KEY_UP: u32 = 103;
pub const KEY_PAGEUP: u32 = 104;
pub const KEY_LEFT: u32 = 105;
pub const KEY_RIGHT: u32 = 106;
pub const KEY_END: u32 = 107;
pub const KEY_DOWN: u32 = 108;
pub const KEY_PAGEDOWN: u32 = 109;
pub const KEY_DELETE: u32 = 111;
pub const BTN_LEFT: u32 = 0x110;
pub const BTN_RIGHT: u32 = 0x111;
pub const BTN_MIDDLE: u32 = 0x112;
