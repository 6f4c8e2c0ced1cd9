//! The escape suite: `guests/escape.c` tries every known way out of a
//! preopen (`..`, absolute paths, symbolic links to `..` and to absolute
//! paths, link chains, `..` after a link, hard links, renames in and out,
//! renames and links across mounts, a descriptor climbing above itself, a
//! NUL in a path), on host directories and on an in-memory tree. Each try
//! must fail with `EPERM` (`EXDEV` across mounts, `ELOOP` for a loop), and
//! the files around the sandbox must be exactly as before.
use crate::guests::check_golden;
use crate::harness::{scratch_dir, Backend, RunSpec};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use wasmbed_wasi::fs::host::HostFs;
use wasmbed_wasi::fs::memory::MemoryFs;
use wasmbed_wasi::fs::subdir::SubdirFs;
use wasmbed_wasi::fs::FileSystem;

/// Every escape attempt and the errno it must get.
const ATTEMPTS: &[(&str, &str)] = &[
    ("open ../secret.txt (follow)", "EPERM"),
    ("open /secret.txt (follow)", "EPERM"),
    ("open /sandbox/inside.txt (follow)", "EPERM"),
    ("open .. (follow)", "EPERM"),
    ("open ../sandbox/inside.txt (follow)", "EPERM"),
    ("open a/../../secret.txt (follow)", "EPERM"),
    ("open ../planted.txt (follow) (create)", "EPERM"),
    ("stat ../secret.txt", "EPERM"),
    ("stat ..", "EPERM"),
    ("open up/secret.txt (follow)", "EPERM"),
    ("open up (follow)", "EPERM"),
    ("open up/secret.txt", "EPERM"),
    ("stat up/ (follow)", "EPERM"),
    ("symlink abs -> /etc/passwd", "EPERM"),
    ("open hostabs (follow)", "EPERM"),
    ("stat hostabs (follow)", "EPERM"),
    ("open c1 (follow)", "EPERM"),
    ("open c1 (follow) (create)", "EPERM"),
    ("open deep (follow)", "EPERM"),
    ("open dl/../../secret.txt (follow)", "EPERM"),
    ("open self (follow)", "ELOOP"),
    ("set times through up", "EPERM"),
    ("link ../secret.txt in", "EPERM"),
    ("link inside.txt out", "EPERM"),
    ("link through up", "EPERM"),
    ("rename inside.txt out", "EPERM"),
    ("rename ../secret.txt in", "EPERM"),
    ("rename through up", "EPERM"),
    ("rename across mounts", "EXDEV"),
    ("link across mounts", "EXDEV"),
    ("open x (follow)", "EPERM"),
    ("mkdir ../newdir", "EPERM"),
    ("unlink ../secret.txt", "EPERM"),
    ("unlink up/secret.txt", "EPERM"),
    ("rmdir ../other", "EPERM"),
    ("symlink at ../x", "EPERM"),
    ("readlink ../x", "EPERM"),
    ("open other/../sandbox", "EPERM"),
    ("open ../inside.txt (follow)", "EPERM"),
    ("open with NUL", "EINVAL"),
    ("stat stolen", "ENOENT"),
];

/// Files (path -> contents, `None` for directories) under `dir`.
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        for e in std::fs::read_dir(dir).expect("list a directory").flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                out.insert(rel, None);
                walk(root, &p, out);
            } else if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(rel, Some(target.to_string_lossy().as_bytes().to_vec()));
            } else {
                out.insert(rel, Some(std::fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

#[test]
fn escapes_from_a_preopen_fail_and_touch_nothing() {
    let top = scratch_dir("escape");
    std::fs::write(top.join("secret.txt"), "top secret").unwrap();
    std::fs::create_dir(top.join("sandbox")).unwrap();
    std::fs::write(top.join("sandbox/inside.txt"), "inside").unwrap();
    std::fs::create_dir(top.join("other")).unwrap();
    std::fs::write(top.join("other/o.txt"), "o").unwrap();
    #[cfg(unix)]
    let secret = top.join("secret.txt");
    let mems: std::sync::Mutex<Vec<MemoryFs>> = Default::default();
    let host_dirs: std::sync::Mutex<Vec<std::path::PathBuf>> = Default::default();

    let outcomes = check_golden("escape", "escape", |backend| {
        // Each run gets a fresh copy of the layout.
        let dir = scratch_dir("escape-run");
        crate::harness::copy_tree(&top, &dir);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&secret, dir.join("sandbox/hostabs")).unwrap();
        let mounts: Vec<(String, Arc<dyn FileSystem>)> = match backend {
            Backend::Host => vec![
                (
                    "/sandbox".into(),
                    Arc::new(HostFs::open(dir.join("sandbox")).unwrap()),
                ),
                (
                    "/other".into(),
                    Arc::new(HostFs::open(dir.join("other")).unwrap()),
                ),
            ],
            Backend::Memory => {
                let mem = MemoryFs::new();
                mem.load_host_dir(&dir).unwrap();
                mems.lock().unwrap().push(mem.clone());
                vec![
                    (
                        "/sandbox".into(),
                        Arc::new(SubdirFs::new(mem.clone(), "sandbox")),
                    ),
                    ("/other".into(), Arc::new(SubdirFs::new(mem, "other"))),
                ]
            }
        };
        if backend == Backend::Host {
            host_dirs.lock().unwrap().push(dir.clone());
        }
        RunSpec {
            args: vec!["escape".into()],
            mounts,
            ..RunSpec::default()
        }
    });
    let Some(outcomes) = outcomes else { return };

    for (backend, out) in &outcomes {
        assert_eq!(out.exit_code, 0, "{}: {:?}", backend.name(), out.error);
        let text = String::from_utf8_lossy(&out.stdout);
        for (attempt, errno) in ATTEMPTS {
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("{attempt}: ")))
                .unwrap_or_else(|| panic!("{}: no line for `{attempt}`", backend.name()));
            assert_eq!(
                line,
                format!("{attempt}: {errno}"),
                "{}: an escape attempt did not fail as it must",
                backend.name()
            );
        }
    }

    // Around the sandbox, everything is as it was (but for `other/x`, the
    // symbolic link the guest may make in its other mount): the host copies
    // of the host runs, and the in-memory tree of the memory run.
    let host_dirs = host_dirs.into_inner().unwrap();
    assert_eq!(host_dirs.is_empty(), cfg!(not(unix)), "host runs");
    for dir in &host_dirs {
        let snap = snapshot(dir);
        assert_eq!(snap["secret.txt"], Some(b"top secret".to_vec()));
        let outside: Vec<&str> = snap
            .keys()
            .map(String::as_str)
            .filter(|k| !k.starts_with("sandbox"))
            .collect();
        assert_eq!(
            outside,
            ["other", "other/o.txt", "other/x", "secret.txt"],
            "files appeared or vanished outside the sandbox"
        );
        assert_eq!(snap["sandbox/inside.txt"], Some(b"inside".to_vec()));
        let _ = std::fs::remove_dir_all(dir);
    }
    for mem in mems.lock().unwrap().iter() {
        assert_eq!(mem.read_file("secret.txt").unwrap(), b"top secret");
        assert_eq!(
            mem.list_dir("").unwrap(),
            ["other", "sandbox", "secret.txt"]
        );
        assert_eq!(mem.list_dir("other").unwrap(), ["o.txt", "x"]);
        assert_eq!(mem.read_file("sandbox/inside.txt").unwrap(), b"inside");
    }
    let _ = std::fs::remove_dir_all(&top);
}
