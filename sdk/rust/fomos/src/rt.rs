//! The runtime under every Rust app: the current context, the allocator
//! over it, the log writer, the panic handler, and the few symbols the
//! precompiled `core`/`alloc` expect from a platform.

use crate::abi::fomos_ctx;
use crate::App;
use alloc::boxed::Box;
use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;
use core::fmt::{self, Write};
use core::ptr;

/// The context of the call in progress.  An app's statics live in its own
/// image, so this is per app; it is set at every call (and by
/// `Context::enter` in a service function), since the context may move
/// after a resume.
static mut CURRENT: *mut fomos_ctx = ptr::null_mut();

pub(crate) fn set_current(raw: *mut fomos_ctx) {
    unsafe { CURRENT = raw }
}

fn current() -> Option<&'static fomos_ctx> {
    unsafe {
        if CURRENT.is_null() {
            None
        } else {
            Some(&*CURRENT)
        }
    }
}

pub(crate) unsafe fn run<A: App>(raw: *mut fomos_ctx) -> i32 {
    set_current(raw);
    let mut ctx = crate::Context { raw };
    let store = (*raw).store;
    if (*store).is_null() {
        let state = A::new(&mut ctx);
        *store = Box::into_raw(Box::new(state)) as *mut c_void;
    }
    let state = &mut *(*store as *mut A);
    state.call(&mut ctx)
}

/* --- the log --- */

/// A log line being formatted on the stack: `core::fmt` output, sent to
/// `ctx->log` a line at a time (at '\n', or when 200 bytes are full).
pub struct Line {
    buf: [u8; 200],
    len: usize,
    /// '\n' becomes a space instead of a new line (for panics, whose text
    /// differs between Rust versions in where it breaks).
    join: bool,
}

impl Line {
    pub fn new() -> Line {
        Line { buf: [0; 200], len: 0, join: false }
    }

    pub fn flush(&mut self) {
        if let Some(c) = current() {
            unsafe { (c.log)(self.buf.as_ptr(), self.len as u32) }
        }
        self.len = 0;
    }
}

impl Default for Line {
    fn default() -> Self {
        Line::new()
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if b == b'\n' && !self.join {
                self.flush();
                continue;
            }
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = if b == b'\n' { b' ' } else { b };
            self.len += 1;
        }
        Ok(())
    }
}

/// What `log!` calls.
pub fn log_fmt(args: fmt::Arguments) {
    let mut l = Line::new();
    let _ = l.write_fmt(args);
    if l.len > 0 {
        l.flush();
    }
}

/* --- memory: the global allocator is the context's calloc/free --- */

struct CtxAlloc;

// calloc gives 16-byte alignment; a bigger one is carved out of a bigger
// block, with the block's own address kept just below the aligned one.
const CALLOC_ALIGN: usize = 16;

unsafe impl GlobalAlloc for CtxAlloc {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let c = match current() {
            Some(c) => c,
            None => return ptr::null_mut(),
        };
        let size = l.size().max(1);
        let p = if l.align() <= CALLOC_ALIGN {
            (c.calloc)(1, size as u64) as *mut u8
        } else {
            match size.checked_add(l.align()) {
                None => ptr::null_mut(),
                Some(total) => {
                    let raw = (c.calloc)(1, total as u64) as *mut u8;
                    if raw.is_null() {
                        raw
                    } else {
                        let a = (raw as usize + CALLOC_ALIGN + l.align() - 1) & !(l.align() - 1);
                        *((a - 8) as *mut *mut u8) = raw;
                        a as *mut u8
                    }
                }
            }
        };
        if p.is_null() {
            log_fmt(format_args!(
                "fomos: out of memory: an allocation of {} bytes (align {}) failed",
                l.size(),
                l.align()
            ));
        }
        p
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        self.alloc(l) // calloc's memory is zeroed already
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if let Some(c) = current() {
            let block = if l.align() <= CALLOC_ALIGN { p } else { *((p as usize - 8) as *const *mut u8) };
            (c.free)(block as *mut c_void);
        }
    }
}

#[global_allocator]
static ALLOC: CtxAlloc = CtxAlloc;

/* --- panics --- */

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let mut l = Line::new();
    l.join = true;
    let _ = write!(l, "panic: {}", info);
    l.flush();
    // An invalid opcode: the kernel ends the app and says where it stopped.
    unsafe { core::arch::asm!("ud2", options(noreturn)) }
}

/* --- what precompiled core/alloc need from a platform --- */

// The host's alloc was built with unwinding: these are referenced, never
// reached with panic=abort.
#[no_mangle]
extern "C" fn rust_eh_personality() {}

#[no_mangle]
extern "C" fn _Unwind_Resume() -> ! {
    unsafe { core::arch::asm!("ud2", options(noreturn)) }
}

extern "C" {
    fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32;
}

// LLVM emits bcmp for slice comparisons; memcmp (sdk/fomos_rt.c) answers.
#[no_mangle]
unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    memcmp(a, b, n)
}
