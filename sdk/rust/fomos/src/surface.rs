//! The app's surface as a pixel slice, with clipped fill and blit.

use crate::abi::fomos_surface;

/// The app's surface: 0xAARRGGBB pixels (alpha 0xFF is opaque), `stride`
/// pixels from one row to the next.  Every drawing call is clipped, so no
/// coordinate writes outside it.
pub struct Surface<'a> {
    pixels: &'a mut [u32],
    pub width: u32,
    pub height: u32,
    pub stride: u32,
}

impl<'a> Surface<'a> {
    pub(crate) unsafe fn from_raw(fb: &fomos_surface) -> Option<Surface<'a>> {
        if fb.pixels.is_null() || fb.width == 0 || fb.height == 0 || fb.stride < fb.width {
            return None;
        }
        let len = fb.stride as usize * (fb.height as usize - 1) + fb.width as usize;
        Some(Surface {
            pixels: core::slice::from_raw_parts_mut(fb.pixels, len),
            width: fb.width,
            height: fb.height,
            stride: fb.stride,
        })
    }

    /// All pixels, row after row, `stride` apart.
    pub fn pixels(&mut self) -> &mut [u32] {
        self.pixels
    }

    /// Row `y` (`width` pixels).
    pub fn row(&mut self, y: u32) -> &mut [u32] {
        let start = y as usize * self.stride as usize;
        &mut self.pixels[start..start + self.width as usize]
    }

    pub fn get(&self, x: u32, y: u32) -> Option<u32> {
        if x < self.width && y < self.height {
            Some(self.pixels[y as usize * self.stride as usize + x as usize])
        } else {
            None
        }
    }

    pub fn set(&mut self, x: i32, y: i32, color: u32) {
        if x >= 0 && y >= 0 && (x as u32) < self.width && (y as u32) < self.height {
            self.pixels[y as usize * self.stride as usize + x as usize] = color;
        }
    }

    /// The part of (x, y, w, h) on the surface, as x0, y0, x1, y1.
    fn clip(&self, x: i32, y: i32, w: u32, h: u32) -> Option<(usize, usize, usize, usize)> {
        let x0 = (x as i64).max(0);
        let y0 = (y as i64).max(0);
        let x1 = (x as i64 + w as i64).min(self.width as i64);
        let y1 = (y as i64 + h as i64).min(self.height as i64);
        if x0 >= x1 || y0 >= y1 {
            None
        } else {
            Some((x0 as usize, y0 as usize, x1 as usize, y1 as usize))
        }
    }

    /// Fills a rectangle.
    pub fn fill(&mut self, x: i32, y: i32, w: u32, h: u32, color: u32) {
        if let Some((x0, y0, x1, y1)) = self.clip(x, y, w, h) {
            let s = self.stride as usize;
            for row in y0..y1 {
                self.pixels[row * s + x0..row * s + x1].fill(color);
            }
        }
    }

    /// The whole surface in one color.
    pub fn clear(&mut self, color: u32) {
        let (w, h) = (self.width, self.height);
        self.fill(0, 0, w, h, color);
    }

    /// Copies a w x h picture (rows `src_stride` apart in `src`) to (x, y).
    /// Rows or pixels `src` does not have are left alone.
    pub fn blit(&mut self, x: i32, y: i32, w: u32, h: u32, src: &[u32], src_stride: u32) {
        if let Some((x0, y0, x1, y1)) = self.clip(x, y, w, h) {
            let s = self.stride as usize;
            let (sx, sy) = ((x0 as i64 - x as i64) as usize, (y0 as i64 - y as i64) as usize);
            for row in y0..y1 {
                let from = (sy + row - y0) * src_stride as usize + sx;
                let n = x1 - x0;
                if from >= src.len() {
                    break;
                }
                let n = n.min(src.len() - from);
                self.pixels[row * s + x0..row * s + x0 + n].copy_from_slice(&src[from..from + n]);
            }
        }
    }
}
