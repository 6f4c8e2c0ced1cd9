//! Runs the embedding examples of this package (`examples/host_function.rs`,
//! `examples/custom_platform.rs`) and checks what they report, so they
//! cannot rot. Each example's `run` is its `main` without the printing.
#![cfg(feature = "wat")]

#[allow(dead_code)] // `main`: the example's entry point, not called here
#[path = "../../examples/host_function.rs"]
mod host_function;

#[allow(dead_code)]
#[path = "../../examples/custom_platform.rs"]
mod custom_platform;

#[test]
fn host_function_example() {
    let out = host_function::run().unwrap_or_else(|e| panic!("{e:?}"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "work(3) returned 70: the guest has 70 credits left",
            r#"the guest logged ["hello from the guest"]"#,
            "work(8) failed: out of credits: wanted 10, 0 left (ErrorKind::Host, \
             downcast to OutOfCredits { wanted: 10, left: 0 })",
            "log_garbage failed: invalid utf-8 sequence of 1 bytes from index 0 \
             (ErrorKind::Host, carrying a std::str::Utf8Error)",
            "log_past_the_end failed: the string at 65530..65630 is outside the guest's \
             65536 bytes of memory (ErrorKind::Host, carrying the message of a bail!)",
            "the log now holds 2 lines",
        ],
        "{out}"
    );
}

#[test]
fn custom_platform_example() {
    let out = custom_platform::run().unwrap_or_else(|e| panic!("{e:?}"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert_eq!(
        lines[..5],
        [
            "budget: 128 of 192 KiB in use",
            "first store: memory.grow(1) = 1; budget: 192 KiB in use",
            "second store: memory.grow(1) = -1: the budget is spent",
            "first store dropped; budget: 64 KiB in use",
            "second store: memory.grow(1) = 1; budget: 128 KiB in use",
        ],
        "{out}"
    );
    // How far virtual time got past the deadline depends on how often the
    // interpreter polls the clock (not on the machine): check the bounds.
    let ms: u64 = lines[5]
        .strip_prefix("spin: interrupted after ")
        .and_then(|rest| rest.strip_suffix(" ms of virtual time (deadline: 50 ms)"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!((50..=60).contains(&ms), "{out}");
}
