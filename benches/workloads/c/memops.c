/* Memory-heavy: libc-style memcpy, memmove and memset written in C (as a
 * freestanding libc would: byte head and tail, 32-bit words in between,
 * unrolled by four), run over 1 MiB buffers at varying offsets and
 * lengths, plus a memcmp-style compare. Built with -fno-builtin, so these
 * stay loops of loads and stores (no memory.copy/memory.fill). */
#include "common.h"

#define SIZE (1024 * 1024)
#define ROUNDS 12

static uint8_t src[SIZE], dst[SIZE];

static NOINLINE void my_memcpy(uint8_t *d, const uint8_t *s, uint32_t n) {
    while (n && ((uintptr_t)d & 3)) { *d++ = *s++; n--; }
    if (((uintptr_t)s & 3) == 0) {
        uint32_t *dw = (uint32_t *)(void *)d;
        const uint32_t *sw = (const uint32_t *)(const void *)s;
        for (; n >= 16; n -= 16, dw += 4, sw += 4) {
            dw[0] = sw[0]; dw[1] = sw[1]; dw[2] = sw[2]; dw[3] = sw[3];
        }
        for (; n >= 4; n -= 4) *dw++ = *sw++;
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    }
    while (n--) *d++ = *s++;
}

static NOINLINE void my_memmove(uint8_t *d, const uint8_t *s, uint32_t n) {
    if (d <= s || d >= s + n) { my_memcpy(d, s, n); return; }
    /* overlapping, destination above: copy backwards */
    d += n; s += n;
    while (n && ((uintptr_t)d & 3)) { *--d = *--s; n--; }
    if (((uintptr_t)s & 3) == 0) {
        for (; n >= 4; n -= 4) {
            d -= 4; s -= 4;
            *(uint32_t *)(void *)d = *(const uint32_t *)(const void *)s;
        }
    }
    while (n--) *--d = *--s;
}

static NOINLINE void my_memset(uint8_t *d, uint8_t c, uint32_t n) {
    while (n && ((uintptr_t)d & 3)) { *d++ = c; n--; }
    uint32_t w = c * 0x01010101u;
    uint32_t *dw = (uint32_t *)(void *)d;
    for (; n >= 16; n -= 16, dw += 4) { dw[0] = w; dw[1] = w; dw[2] = w; dw[3] = w; }
    for (; n >= 4; n -= 4) *dw++ = w;
    d = (uint8_t *)dw;
    while (n--) *d++ = c;
}

static NOINLINE int32_t my_memcmp(const uint8_t *a, const uint8_t *b, uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i]) return (int32_t)a[i] - (int32_t)b[i];
    return 0;
}

static uint64_t hash_words(const uint8_t *p, uint32_t n) {
    uint64_t h = 0;
    for (uint32_t i = 0; i + 8 <= n; i += 64) {
        uint64_t v = 0;
        for (int k = 0; k < 8; k++) v |= (uint64_t)p[i + k] << (8 * k);
        h = (h ^ v) * 0x100000001b3ull;
    }
    return h;
}

int64_t run(void) {
    uint64_t s = 0xBE5466CF34E90C6Cull, sum = 0;
    for (uint32_t i = 0; i < SIZE; i++) src[i] = (uint8_t)(xorshift64(&s) >> 32);
    for (uint32_t r = 0; r < ROUNDS; r++) {
        uint32_t off = (uint32_t)(xorshift64(&s) % 4096);
        uint32_t off2 = (uint32_t)(xorshift64(&s) % 4096);
        uint32_t len = SIZE - 8192 - (uint32_t)(xorshift64(&s) % 65536);
        my_memset(dst, (uint8_t)r, SIZE);
        my_memcpy(dst + off, src + off2, len);
        my_memmove(dst + off + 3, dst + off, len / 2);      /* overlap, forwards dst */
        my_memmove(dst + off, dst + off + 1000, len / 4);   /* overlap, backwards dst */
        my_memset(dst + off2 + 1, (uint8_t)~r, len / 8);
        sum = mix64(sum, (uint64_t)(uint32_t)my_memcmp(dst, src, SIZE));
        sum = mix64(sum, hash_words(dst, SIZE));
        src[r * 977] ^= dst[r * 1013];
    }
    return (int64_t)sum;
}
