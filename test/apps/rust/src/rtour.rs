//! rtour: every context version from Rust, one step per call, each step
//! logged with what it saw (test/boot/test_rust.py; ctour.c is its C twin,
//! and each is the other's service peer for version 4).
//!
//!   v1  the context's version and size, the surface, calloc/free through
//!       Vec and Box, the state kept between calls
//!   v2  a window, drawing and damage, system() with a known and an unknown
//!       command
//!   v3  a file written, read back, sized, listed and deleted
//!   v4  publishes "rtour" (add, upper, peek, whoami, mypid), looks up
//!       "ctour" and calls them all: one pointer argument copied in and
//!       out, one pointer into a region it grants the peer just before
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use fomos::{abi, App, Context, FileRequest, ServiceEntry};

const ME: &str = "rtour";
const PEER: &str = "ctour";
const TEXT: &[u8] = b"hello from rtour";

extern "sysv64" fn add(_: *mut abi::fomos_ctx, a: u64, b: u64, _: u64, _: u64) -> i64 {
    a.wrapping_add(b) as i64
}

extern "sysv64" fn upper(_: *mut abi::fomos_ctx, buf: u64, len: u64, _: u64, _: u64) -> i64 {
    // The kernel checked (and copied) buf[0..len) for us: fomos_fn.args.
    let s = unsafe { core::slice::from_raw_parts_mut(buf as *mut u8, len as usize) };
    s.make_ascii_uppercase();
    len as i64
}

extern "sysv64" fn peek(_: *mut abi::fomos_ctx, ptr: u64, len: u64, _: u64, _: u64) -> i64 {
    // A plain value: a region the caller granted us, read where it lies.
    let s = unsafe { core::slice::from_raw_parts(ptr as *const u8, len as usize) };
    s.iter().map(|&b| b as i64).sum()
}

extern "sysv64" fn mypid(ctx: *mut abi::fomos_ctx, _: u64, _: u64, _: u64, _: u64) -> i64 {
    unsafe { Context::enter(ctx) }.pid() as i64
}

extern "sysv64" fn whoami(ctx: *mut abi::fomos_ctx, _: u64, _: u64, _: u64, _: u64) -> i64 {
    let ctx = unsafe { Context::enter(ctx) };
    fomos::log!("{}: whoami from pid {}", ME, ctx.caller());
    ctx.caller() as i64
}

struct Tour {
    step: u32,
    calls: u64,
    file: FileRequest,
    v3: String,
    peer: i32,
    region: Option<*mut u8>,
}

impl Tour {
    fn v1(&mut self, ctx: &mut Context) {
        let (w, h) = ctx.surface().map_or((0, 0), |s| (s.width, s.height));
        let v: Vec<u64> = (1..=100).collect();
        let b = Box::new([7u8; 1000]);
        let sum: u64 = v.iter().sum::<u64>() + b.iter().map(|&x| x as u64).sum::<u64>();
        fomos::log!(
            "v1 ok: context version {}, size {}, pid {}, surface {}x{}, heap sum {}, calls kept {}",
            ctx.version(),
            unsafe { (*ctx.raw()).size },
            ctx.pid(),
            w,
            h,
            sum,
            self.calls
        );
    }

    fn v2(&mut self, ctx: &mut Context) {
        let placed = ctx.window(20, 30, 120, 60, abi::WIN_OPAQUE);
        if let Some(mut s) = ctx.surface() {
            s.clear(0xff3060c0);
            s.fill(10, 10, 20, 20, 0xffffffff);
        }
        ctx.damage_all();
        let mut out = [0u8; 256];
        let time = ctx.system("time", &mut out).map(|n| {
            let n = n.min(out.len() - 1);
            let t = core::str::from_utf8(&out[..n]).unwrap_or("?");
            String::from(t.split_whitespace().next().unwrap_or(""))
        });
        let unknown = ctx.system("no-such-command", &mut out);
        let (sw, sh) = ctx.screen_size();
        fomos::log!(
            "v2 ok: window {:?} {}x{} at {},{} on {}x{}, system time: {}, unknown: {}",
            placed.is_ok(),
            ctx.surface().map_or(0, |s| s.width),
            ctx.surface().map_or(0, |s| s.height),
            ctx.window_pos().0,
            ctx.window_pos().1,
            sw,
            sh,
            time.unwrap_or_else(|e| alloc::format!("{}", e)),
            unknown.map_or_else(|e| e.name(), |_| "found?")
        );
    }

    /// v3, one operation per step; false while the kernel is busy.
    fn v3(&mut self, ctx: &mut Context) -> bool {
        let r = match self.file.poll() {
            None => return false,
            Some(r) => r,
        };
        let sub = self.step - 3;
        let note = match (sub, r) {
            (0, _) => None,
            (_, Err(e)) => Some(alloc::format!("failed: {}", e)),
            (1, Ok(n)) => Some(alloc::format!("replace {}", n)),
            (2, Ok(_)) => Some(alloc::format!("read '{}'", String::from_utf8_lossy(self.file.data()))),
            (3, Ok(n)) => Some(alloc::format!("size {}", n)),
            (4, Ok(_)) => Some(alloc::format!("list '{}'", String::from_utf8_lossy(self.file.data()).trim())),
            (_, Ok(_)) => Some(String::from("delete ok")),
        };
        if let Some(n) = note {
            if !self.v3.is_empty() {
                self.v3.push_str(", ");
            }
            self.v3.push_str(&n);
        }
        let queued = match sub {
            0 => self.file.replace(ctx, "tour.txt", TEXT),
            1 => self.file.read(ctx, "tour.txt", 0, 64),
            2 => self.file.size(ctx, "tour.txt"),
            3 => self.file.list(ctx, "", 256),
            4 => self.file.delete(ctx, "tour.txt"),
            _ => {
                fomos::log!("v3 ok: {}", self.v3);
                return true;
            }
        };
        if let Err(e) = queued {
            fomos::log!("v3: could not queue step {}: {}", sub, e);
        }
        true
    }

    fn v4_publish(&mut self, ctx: &mut Context) {
        let fns = [
            ServiceEntry { r#fn: add, args: 0, reserved: 0 },
            ServiceEntry { r#fn: upper, args: abi::arg_in(0) | abi::arg_out(0), reserved: 0 },
            ServiceEntry { r#fn: peek, args: 0, reserved: 0 },
            ServiceEntry { r#fn: whoami, args: 0, reserved: 0 },
            ServiceEntry { r#fn: mypid, args: 0, reserved: 0 },
        ];
        let r = ctx.publish(ME, 1, &fns);
        // A region the peer will read, once granted.
        let region = ctx.share(4096);
        if let Some(p) = region {
            let s = unsafe { core::slice::from_raw_parts_mut(p, 4096) };
            s[..TEXT.len()].copy_from_slice(TEXT);
        }
        self.region = region;
        fomos::log!("v4: published {}: {:?}, region: {:?}", ME, r.is_ok(), region.is_some());
    }

    /// false until the peer's service is there.
    fn v4_call(&mut self, ctx: &mut Context) -> bool {
        if self.peer <= 0 {
            match ctx.lookup(PEER, 1) {
                Ok(h) => self.peer = h,
                Err(_) => return false, // woken when it is published
            }
        }
        let h = self.peer;
        let sum = ctx.call(h, 0, [2, 3, 0, 0]);
        let mut buf = *b"hello";
        let up = ctx.call(h, 1, [buf.as_mut_ptr() as u64, buf.len() as u64, 0, 0]);
        let who = ctx.call(h, 3, [0; 4]);
        // Our region, granted to the peer by pid: it reads it where it
        // lies, no copy.
        let peer_pid = ctx.call(h, 4, [0; 4]);
        let peeked = match self.region {
            Some(p) if peer_pid > 0 && ctx.grant(p, peer_pid as u64, abi::SHARE_READ).is_ok() => {
                ctx.call(h, 2, [p as u64, TEXT.len() as u64, 0, 0])
            }
            _ => -1,
        };
        let want: i64 = TEXT.iter().map(|&b| b as i64).sum();
        fomos::log!(
            "v4 ok: {} add 2+3 = {}, upper '{}' ({}), whoami {} (me: {}), peek {} (want {})",
            PEER,
            sum,
            core::str::from_utf8(&buf).unwrap_or("?"),
            up,
            if who == ctx.pid() as i64 { "is me" } else { "is not me" },
            ctx.pid(),
            peeked,
            want
        );
        true
    }
}

impl App for Tour {
    fn new(_ctx: &mut Context) -> Tour {
        Tour { step: 0, calls: 0, file: FileRequest::new(), v3: String::new(), peer: 0, region: None }
    }

    fn call(&mut self, ctx: &mut Context) -> i32 {
        self.calls += 1;
        match self.step {
            0 => self.v1(ctx),
            1 => self.v2(ctx),
            2 => self.v4_publish(ctx),
            3..=8 => {
                if !self.v3(ctx) {
                    return 10;
                }
            }
            9 => {
                if !self.v4_call(ctx) {
                    return 100;
                }
            }
            10 => fomos::log!("tour done"),
            _ => return 500, // stay: the peer may still call us
        }
        self.step += 1;
        10
    }
}

fomos::app!(Tour);
