/* Integer-heavy: sorting. 60,000 pseudo-random 32-bit keys sorted three
 * ways: a recursive quicksort (median of three, insertion sort below 16
 * elements), a heapsort and a bottom-up merge sort of 64-bit keys. Each
 * result is verified and hashed. Compares, branches, indexed loads/stores. */
#include "common.h"

#define N 60000

static uint32_t a[N], b[N];
static uint64_t m[N], tmp[N];

static void insertion(uint32_t *v, int32_t lo, int32_t hi) {
    for (int32_t i = lo + 1; i <= hi; i++) {
        uint32_t x = v[i];
        int32_t j = i - 1;
        while (j >= lo && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static inline void swap32(uint32_t *v, int32_t i, int32_t j) {
    uint32_t t = v[i];
    v[i] = v[j];
    v[j] = t;
}

static NOINLINE void quicksort(uint32_t *v, int32_t lo, int32_t hi) {
    while (hi - lo > 16) {
        int32_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo]) swap32(v, mid, lo);
        if (v[hi] < v[lo]) swap32(v, hi, lo);
        if (v[hi] < v[mid]) swap32(v, hi, mid);
        uint32_t pivot = v[mid];
        int32_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                swap32(v, i, j);
                i++;
                j--;
            }
        }
        /* Recurse into the smaller half, loop on the larger. */
        if (j - lo < hi - i) {
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
    insertion(v, lo, hi);
}

static void sift_down(uint32_t *v, uint32_t start, uint32_t end) {
    uint32_t root = start;
    while (2 * root + 1 <= end) {
        uint32_t child = 2 * root + 1, sw = root;
        if (v[sw] < v[child]) sw = child;
        if (child + 1 <= end && v[sw] < v[child + 1]) sw = child + 1;
        if (sw == root) return;
        swap32(v, (int32_t)root, (int32_t)sw);
        root = sw;
    }
}

static NOINLINE void heapsort(uint32_t *v, uint32_t n) {
    for (uint32_t start = n / 2; start-- > 0;) sift_down(v, start, n - 1);
    for (uint32_t end = n - 1; end > 0; end--) {
        swap32(v, 0, (int32_t)end);
        sift_down(v, 0, end - 1);
    }
}

static NOINLINE void mergesort64(uint64_t *v, uint64_t *t, uint32_t n) {
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) t[k++] = v[i] <= v[j] ? v[i++] : v[j++];
            while (i < mid) t[k++] = v[i++];
            while (j < hi) t[k++] = v[j++];
        }
        for (uint32_t i = 0; i < n; i++) v[i] = t[i];
    }
}

int64_t run(void) {
    uint64_t s = 0x13198A2E03707344ull, sum = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint64_t r = xorshift64(&s);
        a[i] = b[i] = (uint32_t)r;
        m[i] = r % 1000003u; /* many duplicates */
    }
    quicksort(a, 0, N - 1);
    heapsort(b, N);
    mergesort64(m, tmp, N);
    for (uint32_t i = 0; i < N; i++) {
        if (a[i] != b[i] || (i > 0 && (a[i - 1] > a[i] || m[i - 1] > m[i]))) return -1;
        sum = mix64(sum, (uint64_t)a[i] * (i + 1) ^ m[i]);
    }
    return (int64_t)sum;
}
