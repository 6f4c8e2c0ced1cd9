use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use wasmbed_compat_rust::scratch;

#[test]
fn write_then_read_back() {
    let dir = scratch("fs_write_read");
    let path = dir.join("a.txt");
    fs::write(&path, b"hello, wasi\n").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "hello, wasi\n");
    assert_eq!(fs::metadata(&path).unwrap().len(), 12);
}

#[test]
fn append_and_truncate() {
    let dir = scratch("fs_append");
    let path = dir.join("log");
    fs::write(&path, "one\n").unwrap();
    let mut f = OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(b"two\n").unwrap();
    drop(f);
    assert_eq!(fs::read_to_string(&path).unwrap(), "one\ntwo\n");
    let f = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    drop(f);
    assert_eq!(fs::metadata(&path).unwrap().len(), 0);
}

#[test]
fn set_len_grows_with_zeros() {
    let dir = scratch("fs_set_len");
    let path = dir.join("f");
    let f = File::create(&path).unwrap();
    f.set_len(4096).unwrap();
    drop(f);
    let bytes = fs::read(&path).unwrap();
    assert_eq!(bytes.len(), 4096);
    assert!(bytes.iter().all(|&b| b == 0));
}

#[test]
fn seek_and_overwrite() {
    let dir = scratch("fs_seek");
    let path = dir.join("f");
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    f.write_all(b"0123456789").unwrap();
    f.seek(SeekFrom::Start(3)).unwrap();
    f.write_all(b"abc").unwrap();
    assert_eq!(f.seek(SeekFrom::End(-2)).unwrap(), 8);
    let mut tail = String::new();
    f.read_to_string(&mut tail).unwrap();
    assert_eq!(tail, "89");
    f.rewind().unwrap();
    let mut all = String::new();
    f.read_to_string(&mut all).unwrap();
    assert_eq!(all, "012abc6789");
}

#[test]
fn create_new_refuses_existing() {
    let dir = scratch("fs_create_new");
    let path = dir.join("once");
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    let err = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
}

#[test]
fn missing_file_is_not_found() {
    let dir = scratch("fs_missing");
    let err = File::open(dir.join("nope")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!dir.join("nope").exists());
}

#[test]
fn read_dir_lists_entries_and_types() {
    let dir = scratch("fs_read_dir");
    fs::write(dir.join("f1"), "x").unwrap();
    fs::write(dir.join("f2"), "yy").unwrap();
    fs::create_dir(dir.join("sub")).unwrap();
    let mut names: Vec<(String, bool)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                e.file_type().unwrap().is_dir(),
            )
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("f1".to_string(), false),
            ("f2".to_string(), false),
            ("sub".to_string(), true)
        ]
    );
}

#[test]
fn nested_dirs_and_remove_dir_all() {
    let dir = scratch("fs_nested");
    let deep = dir.join("a/b/c/d");
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("leaf"), "leaf").unwrap();
    assert!(deep.join("leaf").is_file());
    let err = fs::remove_dir(dir.join("a")).unwrap_err();
    // std files ENOTEMPTY (wasi errno 55) under Uncategorized on wasip1,
    // under wasmtime too: check the errno itself.
    assert_eq!(err.raw_os_error(), Some(55), "{err:?}");
    fs::remove_dir_all(dir.join("a")).unwrap();
    assert!(!dir.join("a").exists());
}

#[test]
fn rename_replaces_target() {
    let dir = scratch("fs_rename");
    fs::write(dir.join("from"), "new").unwrap();
    fs::write(dir.join("to"), "old").unwrap();
    fs::rename(dir.join("from"), dir.join("to")).unwrap();
    assert!(!dir.join("from").exists());
    assert_eq!(fs::read_to_string(dir.join("to")).unwrap(), "new");
}

#[test]
fn copy_and_hard_link() {
    let dir = scratch("fs_copy");
    fs::write(dir.join("src"), vec![7u8; 100_000]).unwrap();
    assert_eq!(fs::copy(dir.join("src"), dir.join("dst")).unwrap(), 100_000);
    assert_eq!(fs::read(dir.join("dst")).unwrap(), vec![7u8; 100_000]);
    fs::hard_link(dir.join("src"), dir.join("link")).unwrap();
    fs::write(dir.join("src"), "changed").unwrap();
    assert_eq!(fs::read_to_string(dir.join("link")).unwrap(), "changed");
}

#[test]
fn symlinks_resolve_and_read_back() {
    let dir = scratch("fs_symlink");
    fs::write(dir.join("target"), "through the link").unwrap();
    // wasip1's own symlink_path is unstable; soft_link is the stable,
    // deprecated-for-portability spelling of the same call.
    #[allow(deprecated)]
    fs::soft_link("target", dir.join("link")).unwrap();
    assert_eq!(
        fs::read_link(dir.join("link")).unwrap().to_str(),
        Some("target")
    );
    assert!(fs::symlink_metadata(dir.join("link"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(dir.join("link")).unwrap(),
        "through the link"
    );
}

#[test]
fn metadata_times_and_permissions() {
    let dir = scratch("fs_meta");
    let path = dir.join("f");
    fs::write(&path, "abc").unwrap();
    let meta = fs::metadata(&path).unwrap();
    assert!(meta.is_file());
    let modified = meta.modified().unwrap();
    let age = std::time::SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    assert!(age.as_secs() < 3600, "mtime is {age:?} old");
    let dir_meta = fs::metadata(&dir).unwrap();
    assert!(dir_meta.is_dir());
}

#[test]
fn large_file_in_chunks() {
    let dir = scratch("fs_large");
    let path = dir.join("big");
    let chunk: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    let mut f = File::create(&path).unwrap();
    for _ in 0..32 {
        f.write_all(&chunk).unwrap();
    }
    f.sync_all().unwrap();
    drop(f);
    let data = fs::read(&path).unwrap();
    assert_eq!(data.len(), 32 * 64 * 1024);
    assert!(data.chunks(chunk.len()).all(|c| c == chunk.as_slice()));
}
