use std::env;

#[test]
fn args_reach_the_guest() {
    // libtest's own arguments (at least --test-threads=1) arrive through
    // args_get after the program name.
    let args: Vec<String> = env::args().collect();
    assert!(args.len() >= 2, "args: {args:?}");
    assert!(
        args.iter().any(|a| a.starts_with("--test-threads")),
        "args: {args:?}"
    );
}

#[test]
fn environment_from_the_host() {
    // The runner passes COMPAT_MARKER=wasmbed with --env.
    assert_eq!(env::var("COMPAT_MARKER").as_deref(), Ok("wasmbed"));
    assert!(env::vars().any(|(k, v)| k == "COMPAT_MARKER" && v == "wasmbed"));
    assert!(env::var("COMPAT_SURELY_UNSET_VARIABLE").is_err());
}

#[test]
fn set_and_remove_variables() {
    // SAFETY (of the calls): libtest runs with --test-threads=1 and wasip1
    // has no threads, so nothing reads the environment concurrently.
    unsafe { env::set_var("COMPAT_SET_HERE", "1") };
    assert_eq!(env::var("COMPAT_SET_HERE").as_deref(), Ok("1"));
    unsafe { env::remove_var("COMPAT_SET_HERE") };
    assert!(env::var_os("COMPAT_SET_HERE").is_none());
}

#[test]
fn current_dir_follows_set_current_dir() {
    // wasip1 has no working directory; wasi-libc emulates one (starting
    // with none, so current_dir fails until the first set_current_dir)
    // and resolves relative paths against the preopen that holds it.
    let dir = wasmbed_compat_rust::scratch("env_cwd");
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/here"), "relative").unwrap();
    env::set_current_dir(&dir).unwrap();
    assert_eq!(env::current_dir().unwrap(), dir);
    env::set_current_dir("sub").unwrap();
    assert_eq!(std::fs::read_to_string("here").unwrap(), "relative");
    assert_eq!(std::fs::read_to_string("../sub/here").unwrap(), "relative");
    assert_eq!(env::current_dir().unwrap(), dir.join("sub"));
}

#[test]
fn clocks_read_the_host() {
    let t0 = std::time::Instant::now();
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    // After 2020-01-01: the host's real clock, not a zero.
    assert!(wall.as_secs() > 1_577_836_800);
    assert!(t0.elapsed() < std::time::Duration::from_secs(60));
}
