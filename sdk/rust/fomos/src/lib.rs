//! Fomos apps in Rust.
//!
//! An app is a type that implements [`App`]; `fomos::app!(MyApp)` makes it
//! the app's `start` function.  The kernel calls it again and again; each
//! call gets the [`Context`] and returns the yield, as in C:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! struct Hello;
//! impl fomos::App for Hello {
//!     fn new(_ctx: &mut fomos::Context) -> Self { Hello }
//!     fn call(&mut self, ctx: &mut fomos::Context) -> i32 {
//!         fomos::log!("hello from pid {}", ctx.pid());
//!         -1 // done: end me
//!     }
//! }
//! fomos::app!(Hello);
//! ```
//!
//! The value `new` returns is the app's state: it is boxed at the first call
//! and its pointer kept in `*ctx->store`, so it survives between calls and a
//! suspend.  `Vec`, `String`, `Box` and `format!` work: the global allocator
//! is `ctx->calloc`/`ctx->free`, under the app's quota.  A panic logs its
//! message and location and ends the app with a fault the kernel reports.
//!
//! `abi` is the raw mirror of `sdk/fomos.h`; build.rs checks every offset
//! against the C header, so the two cannot drift apart.
#![no_std]

extern crate alloc;

pub mod abi;
mod files;
mod rt;
mod surface;

pub use files::FileRequest;
pub use rt::{log_fmt, Line};
pub use surface::Surface;

use abi::fomos_ctx;
use core::ffi::c_void;
use core::fmt;

/// An app: its state, made at the first call, and what each call does.
pub trait App: 'static {
    /// The first call: make the state (it lives behind `ctx->store`).
    fn new(ctx: &mut Context) -> Self
    where
        Self: Sized;
    /// Every call, the first included: do a little work and return the
    /// yield (0: again soon, n > 0: in n ms, n < 0: end me).
    fn call(&mut self, ctx: &mut Context) -> i32;
}

/// Makes `$t` (an [`App`]) this app's `start` function and records the
/// context version it was built against in the app file's header.
#[macro_export]
macro_rules! app {
    ($t:ty) => {
        #[no_mangle]
        pub extern "sysv64" fn start(ctx: *mut $crate::abi::fomos_ctx) -> i32 {
            unsafe { $crate::__run::<$t>(ctx) }
        }
        // sdk/app.ld reads the version from this symbol, as it does for C.
        ::core::arch::global_asm!(
            ".weak __fomos_ctx_version",
            concat!(".set __fomos_ctx_version, ", $crate::__ctx_version!())
        );
    };
}

/// The context version as a literal (for the header symbol); equal to
/// [`abi::CTX_VERSION`], which a test below holds it to.
#[doc(hidden)]
#[macro_export]
macro_rules! __ctx_version {
    () => {
        6
    };
}
const _: () = assert!(__ctx_version!() == abi::CTX_VERSION);

/// Writes one line (or several, split at '\n') to the system log, like
/// `format!`.  Needs no memory: it formats into a buffer on the stack.
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log_fmt(::core::format_args!($($arg)*))
    };
}

/// Same as [`log!`]: an app's standard output is the system log.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {
        $crate::log_fmt(::core::format_args!($($arg)*))
    };
}

#[doc(hidden)]
pub unsafe fn __run<A: App>(raw: *mut fomos_ctx) -> i32 {
    rt::run::<A>(raw)
}

/// A negative status from a service: `FOMOS_E_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error(pub i32);

impl Error {
    pub const PERM: Error = Error(abi::E_PERM);
    pub const NOTFOUND: Error = Error(abi::E_NOTFOUND);
    pub const IO: Error = Error(abi::E_IO);
    pub const NOMEM: Error = Error(abi::E_NOMEM);
    pub const BUSY: Error = Error(abi::E_BUSY);
    pub const NODISK: Error = Error(abi::E_NODISK);
    pub const BADARG: Error = Error(abi::E_BADARG);
    pub const NOSPACE: Error = Error(abi::E_NOSPACE);
    pub const PATH: Error = Error(abi::E_PATH);
    pub const TOOBIG: Error = Error(abi::E_TOOBIG);
    pub const FAULT: Error = Error(abi::E_FAULT);
    pub const GONE: Error = Error(abi::E_GONE);
    pub const VERSION: Error = Error(abi::E_VERSION);

    /// The name fomos.h gives it, without `FOMOS_E_`.
    pub fn name(self) -> &'static str {
        match self.0 {
            abi::E_PERM => "PERM",
            abi::E_NOTFOUND => "NOTFOUND",
            abi::E_IO => "IO",
            abi::E_NOMEM => "NOMEM",
            abi::E_BUSY => "BUSY",
            abi::E_NODISK => "NODISK",
            abi::E_BADARG => "BADARG",
            abi::E_NOSPACE => "NOSPACE",
            abi::E_PATH => "PATH",
            abi::E_TOOBIG => "TOOBIG",
            abi::E_FAULT => "FAULT",
            abi::E_GONE => "GONE",
            abi::E_VERSION => "VERSION",
            _ => "?",
        }
    }

    fn check(r: i64) -> Result<i64> {
        if r < 0 {
            Err(Error(r as i32))
        } else {
            Ok(r)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "FOMOS_E_{} ({})", self.name(), self.0)
    }
}

pub type Result<T> = core::result::Result<T, Error>;

/// An input event meant for this app (key events typed into another app's
/// window are skipped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A key: `state` 1 press, 0 release, 2 repeat; `text` the character it
    /// typed, if any.
    Key { code: u32, state: i32, text: Option<char> },
    /// A pointer button (`abi::BTN_*`), pressed or released.
    Button { code: u32, pressed: bool },
    /// Relative pointer motion along `axis` (`abi::AXIS_X` / `AXIS_Y`).
    Motion { axis: u32, delta: i32 },
    /// The wheel turned by `clicks`.
    Wheel { clicks: i32 },
    /// A type this crate does not know yet.
    Other(abi::fomos_event),
}

impl Event {
    fn from_raw(e: &abi::fomos_event) -> Event {
        match e.r#type {
            abi::EV_KEY => Event::Key {
                code: e.code,
                state: e.value,
                text: if e.codepoint != 0 { char::from_u32(e.codepoint) } else { None },
            },
            abi::EV_BUTTON => Event::Button { code: e.code, pressed: e.value != 0 },
            abi::EV_MOTION => Event::Motion { axis: e.code, delta: e.value },
            abi::EV_WHEEL => Event::Wheel { clicks: e.value },
            _ => Event::Other(*e),
        }
    }
}

/// The events this app has not seen yet; `seen` is its cursor, kept in the
/// app's state (start at 0).  If the app fell more than a ring behind, the
/// oldest are skipped; a cursor past the kernel's count (resumed by a
/// kernel that counted from 0 again) starts again at 0.
pub struct Events<'a> {
    ctx: &'a Context,
    seen: &'a mut u64,
}

impl<'a> Iterator for Events<'a> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        let input = self.ctx.input()?;
        loop {
            let count = input.event_count;
            // A cursor past the count: resumed by a kernel that counted
            // from 0 again.
            if *self.seen > count {
                crate::log!("fomos: input events are numbered from 0 again; reading from the first");
                *self.seen = 0;
            }
            if *self.seen >= count {
                return None;
            }
            if count - *self.seen > abi::EVENT_RING as u64 {
                *self.seen = count - abi::EVENT_RING as u64;
            }
            let i = (*self.seen % abi::EVENT_RING as u64) as usize;
            *self.seen += 1;
            let e = &input.events[i];
            // v2: key events belong to the app that had the focus.
            if e.r#type == abi::EV_KEY && self.ctx.version() >= 2 && input.event_pid[i] != self.ctx.pid()
            {
                continue;
            }
            return Some(Event::from_raw(e));
        }
    }
}

/// A published service function (`struct fomos_fn`): the function and
/// which arguments are pointers (`abi::arg_in(i)`, `abi::arg_out(i)`, the
/// length in the next argument).
pub type ServiceEntry = abi::fomos_fn;

/// The context of this call.  Take it fresh at every call: after a resume
/// it may live elsewhere.
pub struct Context {
    raw: *mut fomos_ctx,
}

/// Copies `s` into a NUL-terminated buffer for the services that take C
/// strings; `None` if it does not fit or holds a NUL.
fn c_name(s: &str, buf: &mut [u8; 64]) -> Option<*const u8> {
    let b = s.as_bytes();
    if b.len() >= buf.len() || b.contains(&0) {
        return None;
    }
    buf[..b.len()].copy_from_slice(b);
    buf[b.len()] = 0;
    Some(buf.as_ptr())
}

impl Context {
    /// Inside a published service function: the provider's context.  Also
    /// makes it the one `log!` and the allocator use during the call.
    ///
    /// # Safety
    /// `raw` must be the context the kernel passed to this function.
    pub unsafe fn enter(raw: *mut fomos_ctx) -> Context {
        rt::set_current(raw);
        Context { raw }
    }

    /// The raw context, for what the wrappers do not cover.
    pub fn raw(&self) -> *mut fomos_ctx {
        self.raw
    }

    fn c(&self) -> &fomos_ctx {
        unsafe { &*self.raw }
    }

    /// The context version the kernel speaks (fields past it are absent).
    pub fn version(&self) -> u32 {
        self.c().version
    }
    pub fn pid(&self) -> u64 {
        self.c().pid
    }
    /// Monotonic nanoseconds since boot, read at this call.
    pub fn time_ns(&self) -> u64 {
        self.c().time_ns
    }
    /// One line in the system log (see also [`log!`]).
    pub fn log(&self, text: &str) {
        unsafe { (self.c().log)(text.as_ptr(), text.len() as u32) }
    }

    /// This app's surface (its window); `None` for an app started `nofb`.
    pub fn surface(&mut self) -> Option<Surface<'_>> {
        let fb = self.c().fb;
        unsafe { Surface::from_raw(&fb) }
    }

    fn input(&self) -> Option<&abi::fomos_input> {
        let p = self.c().input;
        if p.is_null() {
            None
        } else {
            Some(unsafe { &*p })
        }
    }
    /// Where the pointer is, in screen pixels.
    pub fn pointer(&self) -> (i32, i32) {
        self.input().map_or((0, 0), |i| (i.pointer_x, i.pointer_y))
    }
    /// The pointer buttons held (`abi::BUTTON_*` bits).
    pub fn buttons(&self) -> u32 {
        self.input().map_or(0, |i| i.buttons)
    }
    /// Whether the key with this evdev code is held (keys typed into this
    /// app's window, or into none).
    pub fn key_down(&self, code: u32) -> bool {
        self.input().map_or(false, |i| (code as usize) < abi::KEY_COUNT && i.keys[code as usize] != 0)
    }
    /// How many input events the kernel has queued since boot: start a
    /// cursor here to skip those from before the app started.
    pub fn event_count(&self) -> u64 {
        self.input().map_or(0, |i| i.event_count)
    }
    /// The events this app has not seen yet (`seen` is its cursor).
    pub fn events<'a>(&'a self, seen: &'a mut u64) -> Events<'a> {
        Events { ctx: self, seen }
    }

    fn need(&self, version: u32) -> Result<()> {
        if self.version() >= version {
            Ok(())
        } else {
            Err(Error::NOTFOUND)
        }
    }

    /* --- version 2 --- */

    /// Where the window is on the screen.
    pub fn window_pos(&self) -> (i32, i32) {
        (self.c().win_x, self.c().win_y)
    }
    pub fn window_flags(&self) -> u32 {
        self.c().win_flags
    }
    pub fn focused(&self) -> bool {
        self.version() >= 2 && self.c().focused != 0
    }
    /// The screen's width and height.
    pub fn screen_size(&self) -> (u32, u32) {
        if self.version() >= 2 {
            (self.c().screen_width, self.c().screen_height)
        } else {
            (self.c().fb.width, self.c().fb.height)
        }
    }
    /// Places and sizes the window (`abi::WIN_*` flags); a new size gives a
    /// new, transparent surface: call [`Context::surface`] again.
    pub fn window(&mut self, x: i32, y: i32, width: u32, height: u32, flags: u32) -> Result<()> {
        self.need(2)?;
        Error::check(unsafe { (self.c().window)(x, y, width, height, flags) } as i64).map(|_| ())
    }
    /// On top of its layer, with the focus.
    pub fn raise(&mut self) {
        if self.version() >= 2 {
            unsafe { (self.c().raise)() }
        }
    }
    /// This rectangle of the surface changed.
    pub fn damage(&mut self, x: i32, y: i32, width: u32, height: u32) {
        if self.version() >= 2 {
            unsafe { (self.c().damage)(x, y, width, height) }
        }
    }
    /// The whole surface changed.
    pub fn damage_all(&mut self) {
        let fb = self.c().fb;
        self.damage(0, 0, fb.width, fb.height);
    }
    /// Runs a command of the kernel's command line; the answer goes into
    /// `out` (cut to fit, NUL terminated).  Returns the answer's full length.
    pub fn system(&mut self, line: &str, out: &mut [u8]) -> Result<usize> {
        self.need(2)?;
        let cap = out.len().min(u32::MAX as usize) as u32;
        let r = unsafe { (self.c().system)(line.as_ptr(), line.len() as u32, out.as_mut_ptr(), cap) };
        Error::check(r).map(|n| n as usize)
    }
    /// Bytes typed on the serial line, if this app owns it (the first call
    /// makes it the owner).
    pub fn term_read(&mut self, buf: &mut [u8]) -> usize {
        if self.version() < 2 {
            return 0;
        }
        let cap = buf.len().min(u32::MAX as usize) as u32;
        unsafe { (self.c().term_read)(buf.as_mut_ptr(), cap) as usize }
    }
    pub fn term_write(&mut self, text: &[u8]) {
        if self.version() >= 2 {
            unsafe { (self.c().term_write)(text.as_ptr(), text.len() as u32) }
        }
    }

    /* --- version 3: files are queued through FileRequest --- */

    fn file(&mut self, req: *mut abi::fomos_file) -> Result<()> {
        self.need(3)?;
        Error::check(unsafe { (self.c().file)(req) } as i64).map(|_| ())
    }

    /* --- version 4: services and shared regions --- */

    /// Inside a service function: the calling app's pid; else 0.
    pub fn caller(&self) -> u64 {
        if self.version() >= 4 {
            self.c().caller
        } else {
            0
        }
    }
    /// Publishes (or replaces) this app's service `name` at `version`.
    pub fn publish(&mut self, name: &str, version: u32, fns: &[ServiceEntry]) -> Result<()> {
        self.need(4)?;
        let mut buf = [0u8; 64];
        let n = c_name(name, &mut buf).ok_or(Error::BADARG)?;
        let r = unsafe { (self.c().publish)(n, version, fns.as_ptr(), fns.len() as u32) };
        Error::check(r as i64).map(|_| ())
    }
    /// A handle for service `name` at `min_version` or newer.
    /// `Err(NOTFOUND)`: nobody provides it yet (the app is woken when
    /// someone does).
    pub fn lookup(&mut self, name: &str, min_version: u32) -> Result<i32> {
        self.need(4)?;
        let mut buf = [0u8; 64];
        let n = c_name(name, &mut buf).ok_or(Error::BADARG)?;
        Error::check(unsafe { (self.c().lookup)(n, min_version) } as i64).map(|h| h as i32)
    }
    /// Calls function `f` of the service behind `handle`; what it returned
    /// (negative values are the provider's or the kernel's errors).
    pub fn call(&mut self, handle: i32, f: u32, args: [u64; 4]) -> i64 {
        if self.version() < 4 {
            return abi::E_NOTFOUND as i64;
        }
        unsafe { (self.c().call)(handle, f, args[0], args[1], args[2], args[3]) }
    }
    /// A new shared region of `size` bytes (zeroed), seen only by this app
    /// until it grants it.
    pub fn share(&mut self, size: u64) -> Option<*mut u8> {
        if self.version() < 4 {
            return None;
        }
        let p = unsafe { (self.c().share)(size) } as *mut u8;
        if p.is_null() {
            None
        } else {
            Some(p)
        }
    }
    /// Lets app `pid` (or `abi::CONSUMERS`) see `region`:
    /// `abi::SHARE_READ`, `abi::SHARE_WRITE`, or 0 to take it back.
    pub fn grant(&mut self, region: *mut u8, pid: u64, rights: u32) -> Result<()> {
        self.need(4)?;
        Error::check(unsafe { (self.c().grant)(region as *mut c_void, pid, rights) } as i64).map(|_| ())
    }
}
