//! The CPU-bound guest: CRC-32 (IEEE 802.3, reflected, table-driven) over a
//! 4 KiB buffer of pseudo-random bytes, chained over `rounds` passes. The
//! host checks the checksum against the one computed natively.
#![no_std]

const LEN: usize = 4096;
static mut TABLE: [u32; 256] = [0; 256];
static mut DATA: [u8; LEN] = [0; LEN];

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Builds the table and the data, then returns the CRC-32 of the data
/// repeated `rounds` times.
#[no_mangle]
pub extern "C" fn run(rounds: u32) -> u32 {
    // SAFETY: the guest is single-threaded and nothing else touches these.
    let (table, data) = unsafe {
        (
            &mut *core::ptr::addr_of_mut!(TABLE),
            &mut *core::ptr::addr_of_mut!(DATA),
        )
    };
    for (i, entry) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *entry = c;
    }
    let mut x: u32 = 0x1234_5678;
    for b in data.iter_mut() {
        // xorshift32
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let mut crc = !0u32;
    for _ in 0..rounds {
        for &b in data.iter() {
            crc = table[((crc ^ b as u32) & 0xff) as usize] ^ (crc >> 8);
        }
    }
    !crc
}
