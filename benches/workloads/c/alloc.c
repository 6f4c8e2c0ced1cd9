/* Memory-heavy: a small allocator under stress. A segregated-fit
 * allocator (16 size classes from 16 to 2048 bytes, free lists, bump
 * refill) plus a first-fit free list for large blocks, all in a 4 MiB
 * arena addressed by 32-bit offsets; then 100,000 random malloc/free
 * operations on 2,048 slots, each block filled on allocation and verified
 * on free. Branches, pointer chasing, small stores. */
#include "common.h"

#define ARENA (4u * 1024 * 1024)
#define CLASSES 16
#define SLOTS 2048
#define OPS 100000
#define NIL 0xffffffffu

static uint8_t arena[ARENA];
static uint32_t bump;
static uint32_t free_list[CLASSES];
static uint32_t large_free; /* first-fit list of large blocks */

/* Block header, 8 bytes before the payload: size (payload bytes) and, when
 * free, the next free block's offset. */
static inline uint32_t *hdr(uint32_t off) { return (uint32_t *)(void *)(arena + off - 8); }

static inline uint32_t class_of(uint32_t n) {
    uint32_t c = 0;
    while ((16u << (c / 2)) + (c & 1) * (8u << (c / 2)) < n) c++;
    return c; /* sizes 16, 24, 32, 48, 64, ... 3072 */
}
static inline uint32_t class_size(uint32_t c) { return (16u << (c / 2)) + (c & 1) * (8u << (c / 2)); }

static NOINLINE uint32_t my_malloc(uint32_t n) {
    if (n <= 2048) {
        uint32_t c = class_of(n);
        uint32_t off = free_list[c];
        if (off != NIL) {
            free_list[c] = hdr(off)[1];
            return off;
        }
        uint32_t sz = class_size(c);
        if (bump + sz + 8 > ARENA) return NIL;
        off = bump + 8;
        bump += sz + 8;
        hdr(off)[0] = sz;
        return off;
    }
    uint32_t prev = NIL, cur = large_free;
    while (cur != NIL) {
        if (hdr(cur)[0] >= n) {
            uint32_t next = hdr(cur)[1];
            if (prev == NIL) large_free = next; else hdr(prev)[1] = next;
            return cur;
        }
        prev = cur;
        cur = hdr(cur)[1];
    }
    uint32_t sz = (n + 255) & ~255u;
    if (bump + sz + 8 > ARENA) return NIL;
    uint32_t off = bump + 8;
    bump += sz + 8;
    hdr(off)[0] = sz;
    return off;
}

static NOINLINE void my_free(uint32_t off) {
    uint32_t sz = hdr(off)[0];
    if (sz <= 3072) {
        uint32_t c = class_of(sz);
        hdr(off)[1] = free_list[c];
        free_list[c] = off;
    } else {
        hdr(off)[1] = large_free;
        large_free = off;
    }
}

static uint32_t slot_off[SLOTS], slot_len[SLOTS];

int64_t run(void) {
    uint64_t s = 0x452821E638D01377ull, sum = 0;
    bump = 0;
    large_free = NIL;
    for (uint32_t c = 0; c < CLASSES; c++) free_list[c] = NIL;
    for (uint32_t i = 0; i < SLOTS; i++) slot_off[i] = NIL;
    uint32_t failed = 0;
    for (uint32_t op = 0; op < OPS; op++) {
        uint64_t r = xorshift64(&s);
        uint32_t i = (uint32_t)(r % SLOTS);
        if (slot_off[i] != NIL) {
            uint32_t off = slot_off[i], len = slot_len[i];
            uint8_t *p = arena + off;
            uint32_t acc = 0;
            for (uint32_t k = 0; k < len; k++) acc = acc * 31 + (p[k] ^ (uint8_t)(k + i));
            sum = mix64(sum, acc);
            my_free(off);
            slot_off[i] = NIL;
        } else {
            /* mostly small blocks, a few large ones */
            uint32_t len = (r >> 32) % 16 == 0 ? 2049 + (uint32_t)((r >> 40) % 4000)
                                                : 1 + (uint32_t)((r >> 40) % 200);
            uint32_t off = my_malloc(len);
            if (off == NIL) { failed++; continue; }
            uint8_t *p = arena + off;
            for (uint32_t k = 0; k < len; k++) p[k] = (uint8_t)((k * 7 + op) ^ (k + i));
            /* reconstruct the fill as seen on free: p[k] ^ (k + i) */
            slot_off[i] = off;
            slot_len[i] = len;
        }
    }
    return (int64_t)mix64(mix64(sum, failed), bump);
}
