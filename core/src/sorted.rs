//! Sorted `Vec`s, the core's lookup tables (it has no hash maps: a binary
//! search costs no hashing code on small devices and, for strings, no
//! allocation per lookup). This module owns the two operations such tables
//! need besides looking a key up (`get`): sorting a batch of new entries and merging
//! it in, so that adding n entries costs O(n log n) rather than n
//! insertions. It knows nothing of what the entries are.
use alloc::vec::Vec;

/// Sorts `v` in place so that no element is `less` than the one before,
/// in O(n log n) time with no allocation or recursion.
///
/// A heapsort rather than `sort_unstable_by`, which costs 2 KiB of flash on
/// Cortex-M against about a tenth of that.
pub(crate) fn heapsort<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    // Moves `v[root]` down until it is not less than its children, within
    // `v[..end]`.
    let sift_down = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// The value of `key` in `table`, a list of `(key, value)` sorted by key.
pub(crate) fn get<'t, K: Ord, V>(table: &'t [(K, V)], key: &K) -> Option<&'t V> {
    let at = table.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
    Some(&table[at].1)
}

/// Merges `b` into `a`, both sorted by `less`, in one pass; the result is
/// sorted too (an entry of `b` goes after the entries of `a` it equals).
pub(crate) fn merge<T>(a: Vec<T>, b: Vec<T>, less: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let mut a = a.into_iter().peekable();
    for y in b {
        while let Some(x) = a.next_if(|x| !less(&y, x)) {
            merged.push(x);
        }
        merged.push(y);
    }
    merged.extend(a);
    merged
}

#[cfg(test)]
mod tests {
    use super::{heapsort, merge};
    use alloc::vec::Vec;

    #[test]
    fn heapsort_sorts_like_the_standard_sort() {
        // A small linear congruential generator: many lengths, with and
        // without repeated values.
        let mut x: u32 = 12345;
        for len in 0..70 {
            for modulus in [3, 1000] {
                let mut v: Vec<u32> = (0..len)
                    .map(|_| {
                        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                        (x >> 16) % modulus
                    })
                    .collect();
                let mut expected = v.clone();
                expected.sort();
                heapsort(&mut v, |a, b| a < b);
                assert_eq!(v, expected, "length {len}, values below {modulus}");
            }
        }
    }

    #[test]
    fn merge_keeps_both_lists_in_order() {
        let cases: [(&[u32], &[u32]); 5] = [
            (&[], &[]),
            (&[1, 4, 9], &[]),
            (&[], &[2, 3]),
            (&[1, 4, 9], &[0, 4, 5, 10]),
            (&[2, 2, 7], &[1, 2, 8, 8]),
        ];
        for (a, b) in cases {
            let merged = merge(a.to_vec(), b.to_vec(), |x, y| x < y);
            let mut expected = [a, b].concat();
            expected.sort();
            assert_eq!(merged, expected, "{a:?} + {b:?}");
        }
        // Equal keys: `a`'s entries first.
        let merged = merge(
            alloc::vec![(1, 'a'), (2, 'a')],
            alloc::vec![(1, 'b')],
            |x, y| x.0 < y.0,
        );
        assert_eq!(merged, [(1, 'a'), (1, 'b'), (2, 'a')]);
    }
}
