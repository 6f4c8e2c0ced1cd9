use std::fmt::{self, Write};

struct Point {
    x: i32,
    y: i32,
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.x, self.y)
    }
}

#[test]
fn integers_in_every_radix() {
    assert_eq!(format!("{:08b}", 5u8), "00000101");
    assert_eq!(
        format!("{:o} {:x} {:X} {:#x}", 64, 255, 255, 4096),
        "100 ff FF 0x1000"
    );
    assert_eq!(
        format!("{}", i128::MIN),
        "-170141183460469231731687303715884105728"
    );
    assert_eq!(format!("{:+}", 7), "+7");
}

#[test]
fn floats_round_trip_and_round() {
    assert_eq!(format!("{:.3}", std::f64::consts::PI), "3.142");
    assert_eq!(format!("{:e}", 1234.5f64), "1.2345e3");
    assert_eq!(format!("{}", 0.1f32 + 0.2f32), "0.3");
    assert_eq!(format!("{}", 0.1f64 + 0.2f64), "0.30000000000000004");
    for x in [1e-300f64, 2.5e17, -0.0, f64::MAX, 123.456] {
        assert_eq!(
            format!("{x:?}").parse::<f64>().unwrap().to_bits(),
            x.to_bits()
        );
    }
    assert_eq!(format!("{}", f64::NAN), "NaN");
}

#[test]
fn width_fill_alignment() {
    assert_eq!(format!("[{:>6}]", "ab"), "[    ab]");
    assert_eq!(format!("[{:*^7}]", "mid"), "[**mid**]");
    assert_eq!(format!("[{:<5}]", 42), "[42   ]");
    assert_eq!(
        format!("[{:>width$.prec$}]", 2.0f64 / 3.0, width = 8, prec = 2),
        "[    0.67]"
    );
}

#[test]
fn display_debug_and_write() {
    let p = Point { x: -3, y: 4 };
    assert_eq!(p.to_string(), "(-3, 4)");
    assert_eq!(format!("{:?}", Some(vec!["a", "b"])), r#"Some(["a", "b"])"#);
    assert_eq!(format!("{:#?}", (1, "x")), "(\n    1,\n    \"x\",\n)");
    let mut s = String::new();
    for i in 0..3 {
        write!(s, "{i};").unwrap();
    }
    assert_eq!(s, "0;1;2;");
}

#[test]
fn unicode_escapes() {
    assert_eq!(
        format!("{:?}", "tab\there \u{1F600} é"),
        "\"tab\\there 😀 é\""
    );
    assert_eq!("straße".to_uppercase(), "STRASSE");
    assert_eq!("ǅ".to_lowercase(), "ǆ");
}
