// The assertions on `embedding.rs`, shared with the wasmtime build of it
// (`benches/tests/wasmtime_port.rs`) so that both runtimes are held to the
// same results. Like the body, it has no `use` lines. Error text is matched
// by its runtime-independent parts: wasmtime wraps an error that crossed
// wasm frames in a layer that prints the wasm backtrace, so `{e}` of a
// failed host call is that layer there; wasmbed prints a trap's backtrace
// as part of the trap and adds no layer.

#[test]
fn run_logs_guest_text_and_returns_typed_results() {
    let report = run("mode=fast", 10, 4).unwrap();
    assert_eq!(report.greeted, 3);
    assert_eq!(
        report.checksum,
        "mode=fast".bytes().map(i32::from).sum::<i32>()
    );
    assert_eq!(report.config_in_guest, b"mode=fast");
    assert_eq!(report.average, 2);
    assert_eq!(
        report.state.log,
        [
            "lib ready",
            "hello, host",
            "café au lait",
            "mode=fast",
            "command ran",
            "mode=fast",
            "command ran",
            "mode=fast",
        ]
    );
    assert_eq!(report.state.config_reads, 3);
}

#[test]
fn host_error_comes_back_by_downcast() {
    let err = log_at(0, LOG_LIMIT as i32 + 1).unwrap_err();
    assert_eq!(
        err.downcast_ref::<LineTooLong>(),
        Some(&LineTooLong { len: 65, limit: 64 })
    );
    assert_eq!(
        describe(&err),
        "rejected: log line of 65 bytes exceeds the limit of 64"
    );
}

#[test]
fn invalid_utf8_keeps_its_context_and_cause() {
    let err = log_at(48, 5).unwrap_err();
    assert_eq!(describe(&err), "bad text: valid up to byte 0");
    let chain = format!("{err:#}");
    assert!(
        chain.contains("log line is not UTF-8: invalid utf-8 sequence of 1 bytes from index 0"),
        "{chain}"
    );
    assert!(err
        .chain()
        .any(|e| e.to_string() == "log line is not UTF-8"));
}

#[test]
fn bail_and_context_messages_reach_the_embedder() {
    let err = log_at(65_530, 10).unwrap_err();
    let text = describe(&err);
    assert!(text.starts_with("failed: "), "{text}");
    assert!(
        text.contains("log line at 0xfffa is out of bounds"),
        "{text}"
    );

    let err = log_at(0, -1).unwrap_err();
    let text = describe(&err);
    assert!(
        text.contains("negative log length: out of range integral type conversion attempted"),
        "{text}"
    );
}

#[test]
fn ensure_rejects_an_oversized_config() {
    let err = run(&"x".repeat(65), 1, 1).unwrap_err();
    assert!(err.downcast_ref::<Trap>().is_none());
    let text = describe(&err);
    assert!(
        text.contains("the configuration needs 65 bytes, the guest offered 64"),
        "{text}"
    );
}

#[test]
fn trap_in_the_linked_module_is_reported_with_context() {
    let err = run("mode=fast", 1, 0).unwrap_err();
    assert_eq!(err.to_string(), "averaging");
    assert!(err.downcast_ref::<Trap>().is_some());
    let text = describe(&err);
    assert!(
        text.starts_with("trapped: wasm trap: integer divide by zero"),
        "{text}"
    );
}
