/* Shared by every C workload. Each workload is one translation unit that
 * defines `int64_t run(void)`, returning a checksum. It is built twice by
 * ../build.sh: for wasm32 (freestanding, no libc, `run` exported) and
 * natively with the host C compiler, linked with native_main.c, whose output
 * is the expected checksum. So everything here must be free of undefined
 * behaviour and must not depend on pointer size or on addresses: unsigned
 * arithmetic, fixed-width types, offsets instead of pointers where a value
 * reaches the checksum. */
#ifndef WORKLOAD_COMMON_H
#define WORKLOAD_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define NOINLINE __attribute__((noinline))

int64_t run(void);

/* xorshift64: the workloads' deterministic input generator. */
static inline uint64_t xorshift64(uint64_t *s) {
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

/* Folds a value into a running 64-bit checksum (order-sensitive). */
static inline uint64_t mix64(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

/* The bit pattern of a double, for exact floating-point checksums. */
static inline uint64_t f64_bits(double d) {
    union { double d; uint64_t u; } v;
    v.d = d;
    return v.u;
}

#endif
