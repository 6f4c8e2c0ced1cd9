//! Runs the `no_std` embedding example (`examples/no_std.rs`) and checks
//! what it reports, so it cannot rot. The example's `run` is its `main`
//! without the printing.

// The example is a `#![no_std]` crate of its own; included here as a
// module, its crate-level attribute has nothing to apply to.
#[allow(dead_code, unused_attributes)]
#[path = "../../examples/no_std.rs"]
mod no_std;

#[test]
fn no_std_example() {
    let wasm = wat::parse_str(no_std::GUEST_WAT).unwrap();
    let out = no_std::run(&wasm).unwrap_or_else(|e| panic!("{e:?}"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert!(
        lines[0].starts_with("truncated image refused: bad image at byte 0x"),
        "{out}"
    );
    assert_eq!(
        lines[1],
        "without board functions: link: unknown import: `board::read_sensor` has not been defined"
    );
    assert!(
        lines[2].starts_with("sum_channels(4) = 100, using "),
        "{out}"
    );
    assert_eq!(
        lines[3],
        "sum_channels(6) failed: sensor fault: the board has no sensor on channel 4"
    );
    assert_eq!(
        lines[4], "runaway stopped: trap: all fuel consumed",
        "{out}"
    );
    assert_eq!(lines[5], "after a refuel, sum_channels(2) = 42");
}
