//! Files (context version 3): a request that owns its buffer.
//!
//! `ctx->file` queues a request and returns at once; the kernel does the
//! disk work between calls.  Until it is done the request and its buffer
//! belong to the kernel, so [`FileRequest`] keeps both on the heap (they do
//! not move with the app's state) and refuses to start another operation or
//! hand out the data while one is pending.

use crate::abi::{self, fomos_file};
use crate::{Context, Error, Result};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ffi::c_void;

pub struct FileRequest {
    raw: Box<fomos_file>,
    buf: Vec<u8>,
}

impl Default for FileRequest {
    fn default() -> Self {
        FileRequest::new()
    }
}

impl FileRequest {
    pub fn new() -> FileRequest {
        FileRequest {
            raw: Box::new(fomos_file {
                op: 0,
                reserved: 0,
                path: [0; abi::PATH_MAX],
                buf: core::ptr::null_mut(),
                offset: 0,
                len: 0,
                status: 0,
                reserved2: 0,
                done: 0,
            }),
            buf: Vec::new(),
        }
    }

    /// The kernel is still working on it.
    pub fn pending(&self) -> bool {
        unsafe { core::ptr::read_volatile(&self.raw.status) == abi::PENDING }
    }

    /// `None` while pending; then `Ok(done)` (bytes read or written, the
    /// size) or the error.
    pub fn poll(&self) -> Option<Result<u64>> {
        if self.pending() {
            return None;
        }
        let status = unsafe { core::ptr::read_volatile(&self.raw.status) };
        if status < 0 {
            Some(Err(Error(status)))
        } else {
            Some(Ok(unsafe { core::ptr::read_volatile(&self.raw.done) }))
        }
    }

    /// What a finished READ or LIST brought (empty while pending).
    pub fn data(&self) -> &[u8] {
        match self.poll() {
            Some(Ok(done)) if self.raw.op == abi::FILE_READ || self.raw.op == abi::FILE_LIST => {
                let n = (done as usize).min(self.buf.len());
                let d = &self.buf[..n];
                // LIST's answer is NUL terminated; what READ read is bytes.
                match d.iter().position(|&b| b == 0) {
                    Some(z) if self.raw.op == abi::FILE_LIST => &d[..z],
                    _ => d,
                }
            }
            _ => &[],
        }
    }

    fn start(&mut self, ctx: &mut Context, op: u32, path: &str, offset: u64) -> Result<()> {
        let p = path.as_bytes();
        if p.len() >= abi::PATH_MAX || p.contains(&0) {
            return Err(Error::PATH);
        }
        let r = &mut self.raw;
        r.op = op;
        r.path = [0; abi::PATH_MAX];
        r.path[..p.len()].copy_from_slice(p);
        r.buf = self.buf.as_mut_ptr() as *mut c_void;
        r.offset = offset;
        r.len = self.buf.len() as u64;
        r.done = 0;
        ctx.file(&mut *self.raw)
    }

    fn idle(&self) -> Result<()> {
        if self.pending() {
            Err(Error::BUSY)
        } else {
            Ok(())
        }
    }

    /// Reads up to `len` bytes at `offset`.
    pub fn read(&mut self, ctx: &mut Context, path: &str, offset: u64, len: usize) -> Result<()> {
        self.idle()?;
        self.buf.clear();
        self.buf.resize(len, 0);
        self.start(ctx, abi::FILE_READ, path, offset)
    }
    /// Writes `data` at `offset` (creates the file and its folders).
    pub fn write(&mut self, ctx: &mut Context, path: &str, offset: u64, data: &[u8]) -> Result<()> {
        self.idle()?;
        self.buf.clear();
        self.buf.extend_from_slice(data);
        self.start(ctx, abi::FILE_WRITE, path, offset)
    }
    /// The file becomes exactly `data`.
    pub fn replace(&mut self, ctx: &mut Context, path: &str, data: &[u8]) -> Result<()> {
        self.idle()?;
        self.buf.clear();
        self.buf.extend_from_slice(data);
        self.start(ctx, abi::FILE_REPLACE, path, 0)
    }
    /// Its size, as `done`.
    pub fn size(&mut self, ctx: &mut Context, path: &str) -> Result<()> {
        self.idle()?;
        self.buf.clear();
        self.start(ctx, abi::FILE_SIZE, path, 0)
    }
    /// The folder's entries, one per line, up to `cap` bytes.
    pub fn list(&mut self, ctx: &mut Context, path: &str, cap: usize) -> Result<()> {
        self.idle()?;
        self.buf.clear();
        self.buf.resize(cap, 0);
        self.start(ctx, abi::FILE_LIST, path, 0)
    }
    pub fn delete(&mut self, ctx: &mut Context, path: &str) -> Result<()> {
        self.idle()?;
        self.buf.clear();
        self.start(ctx, abi::FILE_DELETE, path, 0)
    }
}

impl Drop for FileRequest {
    // Dropped while the kernel still holds it: leak both rather than let the
    // kernel write into freed memory.
    fn drop(&mut self) {
        if self.pending() {
            let raw = core::mem::replace(&mut self.raw, Box::new(unsafe { core::mem::zeroed() }));
            core::mem::forget(raw);
            core::mem::forget(core::mem::take(&mut self.buf));
        }
    }
}
