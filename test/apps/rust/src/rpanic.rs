//! rpanic: panics at its third call (test/boot/test_rust.py): the panic's
//! message and location reach the log, the kernel ends the app with a
//! fault, and every other app keeps running.
#![no_std]
#![no_main]

use fomos::{App, Context};

struct Panicky {
    calls: u32,
}

impl App for Panicky {
    fn new(_ctx: &mut Context) -> Panicky {
        Panicky { calls: 0 }
    }

    fn call(&mut self, _ctx: &mut Context) -> i32 {
        self.calls += 1;
        fomos::log!("rpanic: call {}", self.calls);
        if self.calls == 3 {
            let answer = 6 * 7;
            panic!("rpanic gives up, the answer is {}", answer);
        }
        20
    }
}

fomos::app!(Panicky);
