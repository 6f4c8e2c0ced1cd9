//! Where `random_get` gets its bytes: a [`RandomSource`]. With `std` the
//! default is the operating system's generator (getrandom); without it the
//! embedder must supply one (a hardware RNG, say), and until it does
//! `random_get` fails with `ENOSYS` rather than return predictable bytes.
//! [`Xorshift`] is a deterministic source for tests and reproducible runs.
use crate::errno::{Errno, Result};

/// A source of random bytes.
pub trait RandomSource: Send {
    /// Fills `buf`.
    fn fill(&mut self, buf: &mut [u8]) -> Result<()>;
}

/// No randomness available: `random_get` returns `ENOSYS`.
pub struct NoRandom;

impl RandomSource for NoRandom {
    fn fill(&mut self, _buf: &mut [u8]) -> Result<()> {
        Err(Errno::Nosys)
    }
}

/// A deterministic xorshift64* generator (not cryptographic): the same seed
/// gives the same bytes, for tests and reproducible runs.
pub struct Xorshift(u64);

impl Xorshift {
    /// A generator from `seed` (0 is replaced by a fixed odd constant).
    pub fn new(seed: u64) -> Xorshift {
        Xorshift(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }
}

impl RandomSource for Xorshift {
    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        for chunk in buf.chunks_mut(8) {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            let v = x.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

/// The operating system's generator.
#[cfg(feature = "std")]
pub struct OsRandom;

#[cfg(feature = "std")]
impl RandomSource for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        getrandom::fill(buf).map_err(|_| Errno::Io)
    }
}
