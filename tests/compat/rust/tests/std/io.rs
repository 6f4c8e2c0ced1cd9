use std::io::{self, BufRead, BufReader, BufWriter, Cursor, Read, Seek, SeekFrom, Write};

#[test]
fn cursor_read_write_seek() {
    let mut c = Cursor::new(Vec::new());
    c.write_all(b"hello world").unwrap();
    c.seek(SeekFrom::Start(6)).unwrap();
    let mut word = String::new();
    c.read_to_string(&mut word).unwrap();
    assert_eq!(word, "world");
    c.seek(SeekFrom::Current(-5)).unwrap();
    c.write_all(b"WASI!").unwrap();
    assert_eq!(c.into_inner(), b"hello WASI!");
}

#[test]
fn buf_reader_lines_and_split() {
    let text = "alpha\nbeta\r\ngamma";
    let lines: Vec<String> = BufReader::new(text.as_bytes())
        .lines()
        .map(Result::unwrap)
        .collect();
    assert_eq!(lines, ["alpha", "beta", "gamma"]);
    let parts: Vec<Vec<u8>> = BufReader::with_capacity(2, "a,bb,,ccc".as_bytes())
        .split(b',')
        .map(Result::unwrap)
        .collect();
    assert_eq!(parts, [&b"a"[..], b"bb", b"", b"ccc"]);
}

#[test]
fn buf_writer_flushes_on_into_inner() {
    let mut w = BufWriter::with_capacity(4, Vec::new());
    let n = 12;
    write!(w, "{n}-ab").unwrap();
    assert_eq!(w.into_inner().unwrap(), b"12-ab");
}

#[test]
fn chain_take_and_copy() {
    let a: &[u8] = b"abc";
    let b: &[u8] = b"defgh";
    let mut out = Vec::new();
    let n = io::copy(&mut a.chain(b).take(6), &mut out).unwrap();
    assert_eq!(n, 6);
    assert_eq!(out, b"abcdef");
}

#[test]
fn read_exact_reports_eof() {
    let mut r: &[u8] = b"short";
    let mut buf = [0u8; 8];
    let err = r.read_exact(&mut buf).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
}

#[test]
fn stdout_and_stderr_take_writes() {
    // The host's stdio is a real fd under WASI; both writes must succeed.
    let mut out = io::stdout().lock();
    writeln!(out, "compat: a line on stdout").unwrap();
    out.flush().unwrap();
    writeln!(io::stderr(), "compat: a line on stderr").unwrap();
}

#[test]
fn io_error_kinds_round_trip() {
    let e = io::Error::new(io::ErrorKind::InvalidData, "bad bytes");
    assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    assert_eq!(e.to_string(), "bad bytes");
    let raw = io::Error::from_raw_os_error(44); // wasi ENOENT
    assert_eq!(raw.kind(), io::ErrorKind::NotFound);
}
