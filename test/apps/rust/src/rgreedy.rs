//! rgreedy: runs into its memory quota from Rust (test/boot/test_rust.py;
//! start it with a small quota=).  First a `try_reserve` far over the
//! quota, which fails politely and is logged; then it keeps a megabyte more
//! at every call until an allocation fails, which Rust treats as fatal: the
//! failed size is logged, then the panic, and the kernel ends the app.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use fomos::{App, Context};

const MIB: usize = 1 << 20;

struct Greedy {
    kept: Vec<Vec<u8>>,
}

impl App for Greedy {
    fn new(_ctx: &mut Context) -> Greedy {
        let mut big: Vec<u8> = Vec::new();
        match big.try_reserve(1 << 30) {
            Ok(()) => fomos::log!("rgreedy: try_reserve of 1 GiB succeeded?"),
            Err(_) => fomos::log!("rgreedy: try_reserve of 1 GiB failed, as it should; going on"),
        }
        Greedy { kept: Vec::new() }
    }

    fn call(&mut self, _ctx: &mut Context) -> i32 {
        let mut block = Vec::with_capacity(MIB);
        block.resize(MIB, 0xa5u8);
        self.kept.push(block);
        fomos::log!("rgreedy: holding {} MiB", self.kept.len());
        5
    }
}

fomos::app!(Greedy);
