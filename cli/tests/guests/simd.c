// SIMD kernels written with clang's wasm_simd128.h intrinsics (so the
// module is guaranteed to contain v128 code), each checked against a
// scalar version of the same computation. Built with -msimd128 and run
// through `wasmbed run` by cli/tests/simd_guest.rs; its stdout is
// compared with simd.out.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

#define W 64
#define H 48
#define N 1024

static uint32_t seed = 0x9e3779b9u;
static uint32_t next(void) {
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static float xs[N], ys[N], out_v[N], out_s[N];
static uint8_t img[H][W], blur_v[H][W], blur_s[H][W];
static uint8_t sat_v[N], sat_s[N], a8[N], b8[N];

static uint32_t fnv(const void *p, size_t n) {
    const uint8_t *b = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
    return h;
}

// Dot product: four f32 lanes at a time, then a horizontal sum.
static float dot_simd(const float *a, const float *b, int n) {
    v128_t acc = wasm_f32x4_splat(0.0f);
    for (int i = 0; i < n; i += 4)
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    return wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
           wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
}

// The same summation order as dot_simd, lane by lane.
static float dot_scalar(const float *a, const float *b, int n) {
    float acc[4] = {0, 0, 0, 0};
    for (int i = 0; i < n; i += 4)
        for (int l = 0; l < 4; l++) acc[l] += a[i + l] * b[i + l];
    return acc[0] + acc[1] + acc[2] + acc[3];
}

// y = a*x + y, then sqrt(|y|), and a min/max clamp.
static void saxpy_simd(float a, const float *x, const float *y, float *o, int n) {
    v128_t va = wasm_f32x4_splat(a), lo = wasm_f32x4_splat(-50.0f), hi = wasm_f32x4_splat(50.0f);
    for (int i = 0; i < n; i += 4) {
        v128_t v = wasm_f32x4_add(wasm_f32x4_mul(va, wasm_v128_load(x + i)), wasm_v128_load(y + i));
        v = wasm_f32x4_sqrt(wasm_f32x4_abs(v));
        v = wasm_f32x4_max(lo, wasm_f32x4_min(hi, v));
        wasm_v128_store(o + i, v);
    }
}

static void saxpy_scalar(float a, const float *x, const float *y, float *o, int n) {
    for (int i = 0; i < n; i++) {
        float v = __builtin_sqrtf(__builtin_fabsf(a * x[i] + y[i]));
        v = v < 50.0f ? v : 50.0f;
        o[i] = v > -50.0f ? v : -50.0f;
    }
}

// 3x3 box blur of the interior: widen to i16x8, add nine neighbours,
// multiply by 7282 (65536/9) with q15-style rounding via i32 lanes.
static void blur_simd(void) {
    for (int y = 1; y < H - 1; y++) {
        for (int x = 1; x + 8 <= W - 1; x += 8) {
            v128_t sum = wasm_i16x8_splat(0);
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    sum = wasm_i16x8_add(sum, wasm_u16x8_load8x8(&img[y + dy][x + dx]));
            v128_t lo = wasm_u32x4_extend_low_u16x8(sum), hi = wasm_u32x4_extend_high_u16x8(sum);
            v128_t k = wasm_i32x4_splat(7282);
            lo = wasm_u32x4_shr(wasm_i32x4_add(wasm_i32x4_mul(lo, k), wasm_i32x4_splat(32768)), 16);
            hi = wasm_u32x4_shr(wasm_i32x4_add(wasm_i32x4_mul(hi, k), wasm_i32x4_splat(32768)), 16);
            v128_t w = wasm_u16x8_narrow_i32x4(lo, hi);
            v128_t b = wasm_u8x16_narrow_i16x8(w, w);
            wasm_v128_store64_lane(&blur_v[y][x], b, 0);
        }
    }
}

static void blur_scalar(void) {
    for (int y = 1; y < H - 1; y++) {
        for (int x = 1; x + 8 <= W - 1; x += 8) {
            for (int l = 0; l < 8; l++) {
                uint32_t sum = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) sum += img[y + dy][x + l + dx];
                blur_s[y][x + l] = (uint8_t)((sum * 7282u + 32768u) >> 16);
            }
        }
    }
}

int main(void) {
    for (int i = 0; i < N; i++) {
        xs[i] = (float)(int)(next() % 2001 - 1000) / 100.0f;
        ys[i] = (float)(int)(next() % 2001 - 1000) / 100.0f;
        a8[i] = (uint8_t)next();
        b8[i] = (uint8_t)next();
    }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) img[y][x] = (uint8_t)(next() >> 24);

    float dv = dot_simd(xs, ys, N), ds = dot_scalar(xs, ys, N);
    printf("dot: simd %.4f scalar %.4f %s\n", dv, ds, dv == ds ? "equal" : "DIFFERENT");

    saxpy_simd(1.5f, xs, ys, out_v, N);
    saxpy_scalar(1.5f, xs, ys, out_s, N);
    printf("saxpy: simd %08x scalar %08x %s\n", fnv(out_v, sizeof out_v), fnv(out_s, sizeof out_s),
           memcmp(out_v, out_s, sizeof out_v) == 0 ? "equal" : "DIFFERENT");

    blur_simd();
    blur_scalar();
    printf("blur: simd %08x scalar %08x %s\n", fnv(blur_v, sizeof blur_v), fnv(blur_s, sizeof blur_s),
           memcmp(blur_v, blur_s, sizeof blur_v) == 0 ? "equal" : "DIFFERENT");

    for (int i = 0; i < N; i += 16)
        wasm_v128_store(&sat_v[i], wasm_u8x16_add_sat(wasm_v128_load(&a8[i]), wasm_v128_load(&b8[i])));
    for (int i = 0; i < N; i++) sat_s[i] = a8[i] + b8[i] > 255 ? 255 : (uint8_t)(a8[i] + b8[i]);
    printf("add_sat: simd %08x scalar %08x %s\n", fnv(sat_v, N), fnv(sat_s, N),
           memcmp(sat_v, sat_s, N) == 0 ? "equal" : "DIFFERENT");

    // Byte reversal by shuffle, a swizzle lookup, and lane queries.
    v128_t bytes = wasm_v128_load(a8);
    v128_t rev = wasm_i8x16_shuffle(bytes, bytes, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    int reversed = 1;
    for (int i = 0; i < 16; i++) reversed &= ((uint8_t *)&rev)[i] == a8[15 - i];
    v128_t table = wasm_i8x16_make(0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, (int8_t)144, (int8_t)169, (int8_t)196, (int8_t)225);
    v128_t idx = wasm_i8x16_make(3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 99);
    v128_t sq = wasm_i8x16_swizzle(table, idx);
    printf("shuffle: %s; swizzle:", reversed ? "reversed" : "WRONG");
    for (int i = 0; i < 16; i++) printf(" %u", ((uint8_t *)&sq)[i]);
    printf("\n");
    v128_t cmp = wasm_i32x4_gt(wasm_i32x4_make(1, -2, 3, -4), wasm_i32x4_splat(0));
    printf("bitmask %d any_true %d all_true %d\n", wasm_i32x4_bitmask(cmp), wasm_v128_any_true(cmp),
           wasm_i32x4_all_true(cmp));
    return 0;
}
