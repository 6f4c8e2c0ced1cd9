use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};

#[test]
fn hash_map_counts_words() {
    // HashMap's RandomState seeds from WASI's random_get.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in "the cat and the hat and the bat".split(' ') {
        *counts.entry(w).or_default() += 1;
    }
    assert_eq!(counts["the"], 3);
    assert_eq!(counts["and"], 2);
    assert_eq!(counts.len(), 5);
    let two: HashMap<i32, i32> = (0..10_000).map(|i| (i, i * i)).collect();
    assert_eq!(two[&9_999], 99_980_001);
}

#[test]
fn hash_set_algebra() {
    let a: HashSet<u32> = (0..100).filter(|x| x % 2 == 0).collect();
    let b: HashSet<u32> = (0..100).filter(|x| x % 3 == 0).collect();
    let mut both: Vec<u32> = a.intersection(&b).copied().collect();
    both.sort_unstable();
    assert_eq!(both, (0..100).step_by(6).collect::<Vec<_>>());
    assert_eq!(a.union(&b).count(), 67);
}

#[test]
fn btree_ranges_are_ordered() {
    let m: BTreeMap<i64, String> = (-50..50).map(|i| (i * 7 % 101, i.to_string())).collect();
    let keys: Vec<i64> = m.range(10..20).map(|(k, _)| *k).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
    assert!(keys.iter().all(|k| (10..20).contains(k)));
    let s: BTreeSet<char> = "mississippi".chars().collect();
    assert_eq!(s.into_iter().collect::<String>(), "imps");
}

#[test]
fn heap_and_deque() {
    let mut h: BinaryHeap<u32> = [5, 1, 8, 3, 9, 2].into_iter().collect();
    let mut sorted = Vec::new();
    while let Some(x) = h.pop() {
        sorted.push(x);
    }
    assert_eq!(sorted, [9, 8, 5, 3, 2, 1]);
    let mut d: VecDeque<i32> = VecDeque::with_capacity(2);
    for i in 0..10 {
        if i % 2 == 0 {
            d.push_back(i);
        } else {
            d.push_front(i);
        }
    }
    assert_eq!(d.make_contiguous(), &[9, 7, 5, 3, 1, 0, 2, 4, 6, 8]);
}

#[test]
fn vec_sort_dedup_binary_search() {
    let mut v: Vec<u64> = (0..5000u64).map(|i| (i * 2_654_435_761) % 1000).collect();
    v.sort();
    v.dedup();
    assert_eq!(v.len(), 1000);
    assert_eq!(v.binary_search(&500), Ok(500));
}
