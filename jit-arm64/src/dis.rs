//! The tests' disassembler: yaxpeax-arm (pure Rust, so the tests need no
//! tool and run the same under qemu or on any host), one line per word.
use std::format;
use std::string::String;
use std::vec::Vec;

use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::InstDecoder;

/// Every 4-byte word of `code` disassembled; a word that does not decode
/// is a test failure.
pub fn dis(code: &[u8]) -> Vec<String> {
    assert!(code.len() % 4 == 0, "code is a whole number of words");
    let decoder = InstDecoder::default();
    code.chunks(4)
        .enumerate()
        .map(|(i, w)| {
            let mut reader = U8Reader::new(w);
            match decoder.decode(&mut reader) {
                Ok(inst) => format!("{inst}"),
                Err(e) => panic!(
                    "word {i} ({:08x}) does not decode: {e}",
                    u32::from_le_bytes(w.try_into().unwrap())
                ),
            }
        })
        .collect()
}

/// Asserts that `code` disassembles to exactly `expected`, showing both
/// listings side by side when it does not.
#[track_caller]
pub fn check(code: &[u8], expected: &[&str]) {
    let got = dis(code);
    if got != expected {
        let mut msg = String::from("disassembly differs (got | expected):\n");
        for i in 0..got.len().max(expected.len()) {
            let g = got.get(i).map_or("", |s| s.as_str());
            let e = expected.get(i).copied().unwrap_or("");
            let mark = if g == e { " " } else { "!" };
            msg += &format!("{mark} {i:3}: {g:40} | {e}\n");
        }
        panic!("{msg}");
    }
}
