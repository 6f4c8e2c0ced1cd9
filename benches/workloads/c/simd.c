/* SIMD: kernels written with GCC/clang vector extensions. build.sh builds
 * this file twice for wasm (the `simd128` marker below): `simd-scalar` without
 * -msimd128, where the compiler lowers every vector operation to scalar
 * code, and `simd-v128` with it, where they become v128 instructions. The
 * two rows compare a runtime's SIMD with its scalar code on identical
 * work; natively the same source gives the one checksum. simd128
 * Kernels: f32 dot products and SAXPY (f32x4 mul/add), a 3x3 box blur of
 * a 16-bit image (i16x8 add/shift), and an integer hash mix (i32x4 mul,
 * xor, shifts, compare-select). */
#include "common.h"

static inline uint64_t f32_bits(float f) {
    union { float f; uint32_t u; } v;
    v.f = f;
    return v.u;
}

typedef float f32x4 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef int16_t i16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));

#define N 4096
#define W 128
#define H 96
#define REPS 400

static f32x4 xs[N / 4], ys[N / 4];
static u16x8 img[H][W / 8 + 2], out[H][W / 8 + 2];
static u32x4 words[N / 4];

static NOINLINE float dot(void) {
    f32x4 acc = {0, 0, 0, 0};
    for (uint32_t i = 0; i < N / 4; i++) acc += xs[i] * ys[i];
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

static NOINLINE void saxpy(float a) {
    f32x4 va = {a, a, a, a};
    f32x4 lim = {1000.0f, 1000.0f, 1000.0f, 1000.0f};
    for (uint32_t i = 0; i < N / 4; i++) {
        f32x4 v = va * xs[i] + ys[i];
        /* clamp: keeps magnitudes bounded across repetitions */
        i32x4 big = v > lim;
        i32x4 small = v < -lim;
        v = (f32x4)(((i32x4)v & ~(big | small)) | ((i32x4)lim & big) | ((i32x4)(-lim) & small));
        ys[i] = v * 0.5f;
    }
}

/* Rows of 8-lane vectors; horizontal neighbours come from shifting lanes
 * in from the adjacent vector (a shuffle). */
static NOINLINE void blur(void) {
    for (uint32_t y = 1; y < H - 1; y++)
        for (uint32_t x = 1; x <= W / 8; x++) {
            u16x8 sum = {0};
            for (int dy = -1; dy <= 1; dy++) {
                u16x8 l = img[y + dy][x - 1], c = img[y + dy][x], r = img[y + dy][x + 1];
                u16x8 left = __builtin_shufflevector(l, c, 7, 8, 9, 10, 11, 12, 13, 14);
                u16x8 right = __builtin_shufflevector(c, r, 1, 2, 3, 4, 5, 6, 7, 8);
                sum += left + c + right;
            }
            out[y][x] = (sum >> 3) & 0x0fff;
        }
    for (uint32_t y = 1; y < H - 1; y++)
        for (uint32_t x = 1; x <= W / 8; x++) img[y][x] = out[y][x];
}

static NOINLINE uint32_t hashmix(void) {
    u32x4 h = {0x9e3779b9u, 0x85ebca6bu, 0xc2b2ae35u, 0x27d4eb2fu};
    for (uint32_t i = 0; i < N / 4; i++) {
        u32x4 k = words[i] * 0xcc9e2d51u;
        k = (k << 15) | (k >> 17);
        h ^= k * 0x1b873593u;
        h = ((h << 13) | (h >> 19)) * 5u + 0xe6546b64u;
        i32x4 odd = (i32x4)((h & 1u) == 1u);
        h = (u32x4)(((i32x4)h & ~odd) | ((i32x4)(h >> 1) & odd));
    }
    return h[0] ^ h[1] ^ h[2] ^ h[3];
}

int64_t run(void) {
    uint64_t s = 0x5D1AED5EEDull;
    for (uint32_t i = 0; i < N / 4; i++)
        for (int l = 0; l < 4; l++) {
            xs[i][l] = (float)(int32_t)(xorshift64(&s) % 2001 - 1000) / 64.0f;
            ys[i][l] = (float)(int32_t)(xorshift64(&s) % 2001 - 1000) / 64.0f;
            words[i][l] = (uint32_t)xorshift64(&s);
        }
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W / 8 + 2; x++)
            for (int l = 0; l < 8; l++) img[y][x][l] = (uint16_t)(xorshift64(&s) & 0x0fff);
    uint64_t sum = 0;
    for (uint32_t r = 0; r < REPS; r++) {
        sum = mix64(sum, f32_bits(dot()));
        saxpy(0.75f);
        blur();
        sum = mix64(sum, hashmix());
        for (uint32_t i = 0; i < N / 4; i++) words[i] += (u32x4){r, r, r, r};
    }
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W / 8 + 2; x++)
            for (int l = 0; l < 8; l++) sum = mix64(sum, img[y][x][l]);
    for (uint32_t i = 0; i < N / 4; i++)
        for (int l = 0; l < 4; l++) sum = mix64(sum, f32_bits(ys[i][l]));
    return (int64_t)sum;
}
