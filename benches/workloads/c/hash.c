/* Integer-heavy: four hash functions over a 256 KiB buffer, 8 rounds.
 * FNV-1a (byte loop, 32-bit multiply), table-driven CRC-32 (byte loop,
 * table loads), a murmur3-style 32-bit block hash (rotates, multiplies) and
 * an xxhash64-style 64-bit block hash (64-bit multiplies, 4 lanes). */
#include "common.h"

#define LEN (256 * 1024)
#define ROUNDS 8

static uint8_t buf[LEN];
static uint32_t crc_table[256];

static inline uint32_t rotl32(uint32_t x, unsigned r) { return (x << r) | (x >> (32 - r)); }
static inline uint64_t rotl64(uint64_t x, unsigned r) { return (x << r) | (x >> (64 - r)); }

static inline uint32_t load32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t load64(const uint8_t *p) {
    return (uint64_t)load32(p) | (uint64_t)load32(p + 4) << 32;
}

static NOINLINE uint32_t fnv1a(const uint8_t *p, uint32_t n) {
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static NOINLINE uint32_t crc32(const uint8_t *p, uint32_t n, uint32_t crc) {
    crc = ~crc;
    for (uint32_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static NOINLINE uint32_t murmur3(const uint8_t *p, uint32_t n, uint32_t seed) {
    uint32_t h = seed;
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    for (uint32_t i = 0; i + 4 <= n; i += 4) {
        uint32_t k = load32(p + i);
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64u;
    }
    h ^= n;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull

static inline uint64_t xx_round(uint64_t acc, uint64_t in) {
    acc += in * P2;
    acc = rotl64(acc, 31);
    return acc * P1;
}

static NOINLINE uint64_t xxh64(const uint8_t *p, uint32_t n, uint64_t seed) {
    uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    uint32_t i = 0;
    for (; i + 32 <= n; i += 32) {
        v1 = xx_round(v1, load64(p + i));
        v2 = xx_round(v2, load64(p + i + 8));
        v3 = xx_round(v3, load64(p + i + 16));
        v4 = xx_round(v4, load64(p + i + 24));
    }
    uint64_t h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
    h += n;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    return h ^ (h >> 32) ^ P4;
}

int64_t run(void) {
    uint64_t s = 0x243F6A8885A308D3ull;
    for (uint32_t i = 0; i < LEN; i += 8) {
        uint64_t r = xorshift64(&s);
        for (int k = 0; k < 8; k++) buf[i + k] = (uint8_t)(r >> (8 * k));
    }
    crc_init();
    uint64_t sum = 0;
    uint32_t crc = 0;
    for (uint32_t round = 0; round < ROUNDS; round++) {
        uint32_t off = round * 97;
        uint32_t n = LEN - off;
        sum = mix64(sum, fnv1a(buf + off, n));
        crc = crc32(buf + off, n, crc);
        sum = mix64(sum, crc);
        sum = mix64(sum, murmur3(buf + off, n, round));
        sum = mix64(sum, xxh64(buf + off, n, round));
        buf[round * 4099 % LEN] ^= (uint8_t)sum;
    }
    return (int64_t)sum;
}
