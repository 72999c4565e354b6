//! clock: a window with the time since boot, hh:mm:ss in seven-segment
//! digits, redrawn once a second.  The seed's first kind of app, in Rust.
//!
//! The context has monotonic time only (`time_ns`, since boot), so this
//! is the machine's uptime; the window can be dragged like any other.
#![no_std]
#![no_main]

use fomos::{abi, App, Context};

const DIGIT_W: i32 = 22;
const DIGIT_H: i32 = 40;
const SEG: i32 = 5; // segment thickness
const GAP: i32 = 8; // between digits
const PAD: i32 = 14;
const WIDTH: u32 = (PAD * 2 + 6 * DIGIT_W + 5 * GAP + 2 * 6) as u32;
const HEIGHT: u32 = (PAD * 2 + DIGIT_H) as u32;

const BACK: u32 = 0xff20242c;
const LIT: u32 = 0xff7fe0a0;
const DIM: u32 = 0xff2c343c;

// Which of the seven segments (a b c d e f g, bit 0 = a) each digit lights.
const SEGMENTS: [u8; 10] = [0x3f, 0x06, 0x5b, 0x4f, 0x66, 0x6d, 0x7d, 0x07, 0x7f, 0x6f];

struct Clock {
    shown: u64, // the second on screen; u64::MAX before the first draw
}

fn digit(s: &mut fomos::Surface, x: i32, y: i32, d: u32) {
    let half = DIGIT_H / 2;
    // a b c d e f g as rectangles: (x, y, w, h) relative to the digit
    let rects = [
        (SEG, 0, DIGIT_W - 2 * SEG, SEG),
        (DIGIT_W - SEG, SEG, SEG, half - SEG),
        (DIGIT_W - SEG, half, SEG, half - SEG),
        (SEG, DIGIT_H - SEG, DIGIT_W - 2 * SEG, SEG),
        (0, half, SEG, half - SEG),
        (0, SEG, SEG, half - SEG),
        (SEG, half - SEG / 2, DIGIT_W - 2 * SEG, SEG),
    ];
    let on = SEGMENTS[d as usize % 10];
    for (i, r) in rects.iter().enumerate() {
        let c = if on & (1 << i) != 0 { LIT } else { DIM };
        s.fill(x + r.0, y + r.1, r.2 as u32, r.3 as u32, c);
    }
}

impl App for Clock {
    fn new(ctx: &mut Context) -> Clock {
        let (sw, sh) = ctx.screen_size();
        let x = sw.saturating_sub(WIDTH + 24) as i32;
        let y = sh.saturating_sub(HEIGHT + 24) as i32;
        if let Err(e) = ctx.window(x, y, WIDTH, HEIGHT, abi::WIN_OPAQUE) {
            fomos::log!("clock: no window: {}", e);
        }
        fomos::log!("clock: a {}x{} window, in Rust", WIDTH, HEIGHT);
        Clock { shown: u64::MAX }
    }

    fn call(&mut self, ctx: &mut Context) -> i32 {
        let now = ctx.time_ns();
        let secs = now / 1_000_000_000;
        if secs != self.shown {
            let mut s = match ctx.surface() {
                Some(s) => s,
                None => return -1, // started nofb: nothing to show
            };
            s.clear(BACK);
            let (h, m, sec) = ((secs / 3600) % 100, (secs / 60) % 60, secs % 60);
            let mut x = PAD;
            for (i, v) in [h, m, sec].iter().enumerate() {
                if i > 0 {
                    // the colon
                    s.fill(x, PAD + DIGIT_H / 3 - 3, 6, 6, LIT);
                    s.fill(x, PAD + 2 * DIGIT_H / 3 - 3, 6, 6, LIT);
                    x += 6 + GAP;
                }
                digit(&mut s, x, PAD, (*v / 10) as u32);
                x += DIGIT_W + GAP;
                digit(&mut s, x, PAD, (*v % 10) as u32);
                x += DIGIT_W + GAP;
            }
            ctx.damage_all();
            if self.shown == u64::MAX || secs % 60 == 0 {
                fomos::log!("clock: {:02}:{:02}:{:02}", h, m, sec);
            }
            self.shown = secs;
        }
        // Sleep until the next second begins.
        (1000 - (now / 1_000_000) % 1000) as i32
    }
}

fomos::app!(Clock);
