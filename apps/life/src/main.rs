//! life: Conway's game of life in a window, a Fomos app in Rust.
//!
//! The board wraps at its edges and starts with an R-pentomino and a
//! glider.  Left click a cell to flip it; right click (or Space) pauses and
//! resumes; C clears the board, R seeds it again.  Drag the title bar to
//! move the window.  The title bar is green while it runs, amber while it
//! is paused.  Each change is logged, so a test (or a person on the serial
//! line) can follow it.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec;
use alloc::vec::Vec;
use fomos::{abi, App, Context, Event};

const COLS: usize = 48;
const ROWS: usize = 36;
const CELL: u32 = 8;
const BAR: u32 = 16; // the title bar's height
const WIDTH: u32 = COLS as u32 * CELL;
const HEIGHT: u32 = BAR + ROWS as u32 * CELL;
const STEP_MS: u64 = 150;

const ALIVE: u32 = 0xfff0d060;
const DEAD: u32 = 0xff181c24;
const GRID: u32 = 0xff222834;
const BAR_RUN: u32 = 0xff3c8c5a;
const BAR_PAUSE: u32 = 0xffc08a30;

struct Life {
    cells: Vec<u8>,
    next: Vec<u8>,
    running: bool,
    generation: u64,
    last_step_ns: u64,
    seen: u64,
    drag: Option<(i32, i32)>, // pointer offset inside the window while dragging
    dirty: bool,
}

impl Life {
    fn seed(&mut self) {
        self.cells.iter_mut().for_each(|c| *c = 0);
        // an R-pentomino in the middle, a glider at the top-left
        let (cx, cy) = (COLS / 2, ROWS / 2);
        for (x, y) in [(1, 0), (2, 0), (0, 1), (1, 1), (1, 2)] {
            self.cells[(cy + y) * COLS + cx + x] = 1;
        }
        for (x, y) in [(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)] {
            self.cells[(2 + y) * COLS + 2 + x] = 1;
        }
        self.generation = 0;
        self.dirty = true;
    }

    fn step(&mut self) {
        for y in 0..ROWS {
            for x in 0..COLS {
                let mut n = 0;
                for (dx, dy) in [(COLS - 1, ROWS - 1), (0, ROWS - 1), (1, ROWS - 1), (COLS - 1, 0), (1, 0),
                    (COLS - 1, 1), (0, 1), (1, 1)]
                {
                    n += self.cells[(y + dy) % ROWS * COLS + (x + dx) % COLS];
                }
                let alive = self.cells[y * COLS + x] != 0;
                self.next[y * COLS + x] = (n == 3 || (alive && n == 2)) as u8;
            }
        }
        core::mem::swap(&mut self.cells, &mut self.next);
        self.generation += 1;
        self.dirty = true;
    }

    fn alive(&self) -> usize {
        self.cells.iter().filter(|&&c| c != 0).count()
    }

    fn pause(&mut self, running: bool) {
        self.running = running;
        self.dirty = true;
        if running {
            fomos::log!("life: running from generation {}", self.generation);
        } else {
            fomos::log!("life: paused at generation {}, {} alive", self.generation, self.alive());
        }
    }

    fn draw(&mut self, ctx: &mut Context) {
        let mut s = match ctx.surface() {
            Some(s) => s,
            None => return,
        };
        s.fill(0, 0, WIDTH, BAR, if self.running { BAR_RUN } else { BAR_PAUSE });
        for y in 0..ROWS {
            for x in 0..COLS {
                let (px, py) = ((x as u32 * CELL) as i32, (BAR + y as u32 * CELL) as i32);
                s.fill(px, py, CELL, CELL, GRID);
                let c = if self.cells[y * COLS + x] != 0 { ALIVE } else { DEAD };
                s.fill(px + 1, py + 1, CELL - 1, CELL - 1, c);
            }
        }
        ctx.damage_all();
        self.dirty = false;
    }

    /// The pointer's place in the window, if it is on it.
    fn inside(&self, ctx: &Context) -> Option<(i32, i32)> {
        let (px, py) = ctx.pointer();
        let (wx, wy) = ctx.window_pos();
        let (x, y) = (px - wx, py - wy);
        if x < 0 || y < 0 || x >= WIDTH as i32 || y >= HEIGHT as i32 {
            None
        } else {
            Some((x, y))
        }
    }

    fn click(&mut self, ctx: &Context) {
        let (x, y) = match self.inside(ctx) {
            Some(p) => p,
            None => return,
        };
        if (y as u32) < BAR {
            self.drag = Some((x, y));
            return;
        }
        let (cx, cy) = (x as usize / CELL as usize, (y as u32 - BAR) as usize / CELL as usize);
        let c = &mut self.cells[cy * COLS + cx];
        *c ^= 1;
        fomos::log!("life: cell {},{} {}", cx, cy, if *c != 0 { "on" } else { "off" });
        self.dirty = true;
    }
}

impl App for Life {
    fn new(ctx: &mut Context) -> Life {
        let (sw, sh) = ctx.screen_size();
        let x = (sw.saturating_sub(WIDTH) / 2) as i32;
        let y = (sh.saturating_sub(HEIGHT) / 3) as i32;
        if let Err(e) = ctx.window(x, y, WIDTH, HEIGHT, abi::WIN_OPAQUE) {
            fomos::log!("life: no window: {}", e);
        }
        let mut life = Life {
            cells: vec![0; COLS * ROWS],
            next: vec![0; COLS * ROWS],
            running: true,
            generation: 0,
            last_step_ns: ctx.time_ns(),
            // Events from before the app started are not for it.
            seen: ctx.event_count(),
            drag: None,
            dirty: true,
        };
        life.seed();
        fomos::log!("life: a {}x{} board at {},{}, click a cell to flip it", COLS, ROWS, x, y);
        life
    }

    fn call(&mut self, ctx: &mut Context) -> i32 {
        let mut seen = self.seen;
        for e in ctx.events(&mut seen) {
            match e {
                Event::Button { code: abi::BTN_LEFT, pressed: true } => self.click(&*ctx),
                Event::Button { code: abi::BTN_LEFT, pressed: false } => self.drag = None,
                Event::Button { code: abi::BTN_RIGHT, pressed: true } => {
                    // Pointer events go to every app: only clicks on the board count.
                    if self.inside(&*ctx).is_some() {
                        self.pause(!self.running);
                    }
                }
                Event::Key { state: 1, text: Some(' '), .. } => self.pause(!self.running),
                Event::Key { state: 1, text: Some('c'), .. } => {
                    self.cells.iter_mut().for_each(|c| *c = 0);
                    self.dirty = true;
                    fomos::log!("life: cleared");
                }
                Event::Key { state: 1, text: Some('r'), .. } => {
                    self.seed();
                    fomos::log!("life: seeded again");
                }
                _ => {}
            }
        }
        self.seen = seen;
        if let Some((dx, dy)) = self.drag {
            let (px, py) = ctx.pointer();
            let (wx, wy) = ctx.window_pos();
            if (px - dx, py - dy) != (wx, wy) {
                let _ = ctx.window(px - dx, py - dy, WIDTH, HEIGHT, abi::WIN_OPAQUE);
            }
        }
        let now = ctx.time_ns();
        if self.running && now - self.last_step_ns >= STEP_MS * 1_000_000 {
            self.step();
            self.last_step_ns = now;
        }
        if self.dirty {
            self.draw(ctx);
        }
        if self.drag.is_some() {
            0
        } else if self.running {
            (STEP_MS - ((now - self.last_step_ns) / 1_000_000).min(STEP_MS)).max(1) as i32
        } else {
            50 // paused: only input to watch for
        }
    }
}

fomos::app!(Life);
