//! Bounds-checked access to the guest's linear memory. Every pointer a
//! guest passes goes through here: an address range that does not lie
//! entirely inside memory is `EFAULT`, never a host read or write out of
//! bounds. Guest pointers are 32-bit offsets; sums are checked.
use crate::errno::{Errno, Result};
use alloc::vec::Vec;

/// The guest's memory for the duration of one WASI call.
pub struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMemory<'a> {
    /// Wraps the bytes of a linear memory (empty when the guest exports
    /// none: then every pointer is `EFAULT`).
    pub fn new(bytes: &'a mut [u8]) -> GuestMemory<'a> {
        GuestMemory { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> Result<core::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::Fault)?;
        if end > self.bytes.len() {
            return Err(Errno::Fault);
        }
        Ok(start..end)
    }

    /// `len` bytes at `ptr`.
    pub fn slice(&self, ptr: u32, len: u32) -> Result<&[u8]> {
        let r = self.range(ptr, len)?;
        Ok(&self.bytes[r])
    }

    /// `len` bytes at `ptr`, writable.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8]> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.bytes[r])
    }

    /// A UTF-8 string of `len` bytes at `ptr` (`EILSEQ` if not UTF-8).
    pub fn str(&self, ptr: u32, len: u32) -> Result<&str> {
        core::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)
    }

    /// Copies `data` to `ptr`.
    pub fn write(&mut self, ptr: u32, data: &[u8]) -> Result<()> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::Fault)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    /// Reads a little-endian `u32`.
    pub fn read_u32(&self, ptr: u32) -> Result<u32> {
        let b = self.slice(ptr, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Writes a little-endian `u32`.
    pub fn write_u32(&mut self, ptr: u32, v: u32) -> Result<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Writes a little-endian `u64`.
    pub fn write_u64(&mut self, ptr: u32, v: u64) -> Result<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Decodes an array of `count` `(pointer, length)` pairs (`iovec` and
    /// `ciovec`) at `ptr`.
    pub fn iovecs(&self, ptr: u32, count: u32) -> Result<Vec<(u32, u32)>> {
        let bytes = self.slice(ptr, count.checked_mul(8).ok_or(Errno::Fault)?)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| {
                (
                    u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                    u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_out_of_bounds_range_is_efault() {
        let mut bytes = [0u8; 16];
        let mut m = GuestMemory::new(&mut bytes);
        assert!(m.slice(0, 16).is_ok());
        assert_eq!(m.slice(1, 16).err(), Some(Errno::Fault));
        assert_eq!(m.slice(u32::MAX, 2).err(), Some(Errno::Fault));
        assert_eq!(m.read_u32(13).err(), Some(Errno::Fault));
        assert_eq!(m.write_u64(9, 1).err(), Some(Errno::Fault));
        assert_eq!(m.iovecs(0, u32::MAX).err(), Some(Errno::Fault));
        m.write_u32(12, 7).unwrap();
        assert_eq!(m.read_u32(12).unwrap(), 7);
        m.write(0, b"\xff").unwrap();
        assert_eq!(m.str(0, 1).err(), Some(Errno::Ilseq));
        let mut none: [u8; 0] = [];
        assert_eq!(
            GuestMemory::new(&mut none).slice(0, 1).err(),
            Some(Errno::Fault)
        );
        assert!(GuestMemory::new(&mut none).slice(0, 0).is_ok());
    }
}
