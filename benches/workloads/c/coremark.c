/* Integer-heavy: a CoreMark-like mix (written for this project, not
 * EEMBC's code). Each iteration runs the three CoreMark kernels in
 * miniature and folds their results with a CRC-16:
 *  - list: a linked list of 400 nodes in an array (32-bit indices as
 *    links): find, reverse, and merge sort by two different keys;
 *  - matrix: 40x40 16-bit matrices: add a constant, multiply by a vector
 *    and by a matrix, then extract bit fields of the 32-bit results;
 *  - state: a state machine classifying a 2 KiB character stream into
 *    integers, decimals, exponent numbers and invalid tokens.
 * Pointer chasing, short loops, switch dispatch, 16-bit arithmetic. */
#include "common.h"

#define ITER 60
#define LIST 400
#define MAT 40
#define TEXT 2048
#define NIL 0xffffffffu

typedef struct {
    uint32_t next;
    int16_t data;
    int16_t idx;
} node_t;

static node_t nodes[LIST];
static int16_t ma[MAT * MAT], mb[MAT * MAT];
static int32_t mc[MAT * MAT];
static uint8_t text[TEXT];

static uint16_t crc16_byte(uint8_t data, uint16_t crc) {
    for (int i = 0; i < 8; i++) {
        uint8_t x16 = (uint8_t)((data & 1) ^ ((uint8_t)crc & 1));
        data >>= 1;
        if (x16 == 1) {
            crc ^= 0x4002;
            crc = (uint16_t)((crc >> 1) | 0x8000);
        } else {
            crc >>= 1;
        }
    }
    return crc;
}

static uint16_t crc16(uint32_t v, uint16_t crc) {
    crc = crc16_byte((uint8_t)v, crc);
    crc = crc16_byte((uint8_t)(v >> 8), crc);
    crc = crc16_byte((uint8_t)(v >> 16), crc);
    return crc16_byte((uint8_t)(v >> 24), crc);
}

/* ---- list ---- */

static int key_cmp(const node_t *a, const node_t *b, int by_idx) {
    return by_idx ? a->idx - b->idx : a->data - b->data;
}

static NOINLINE uint32_t list_sort(uint32_t head, int by_idx) {
    /* Bottom-up merge sort on the linked list (as CoreMark's core_list_mergesort). */
    uint32_t insize = 1;
    for (;;) {
        uint32_t p = head, tail = NIL;
        uint32_t nmerges = 0;
        head = NIL;
        while (p != NIL) {
            nmerges++;
            uint32_t q = p, psize = 0;
            for (uint32_t i = 0; i < insize && q != NIL; i++) {
                psize++;
                q = nodes[q].next;
            }
            uint32_t qsize = insize;
            while (psize > 0 || (qsize > 0 && q != NIL)) {
                uint32_t e;
                if (psize == 0) {
                    e = q; q = nodes[q].next; qsize--;
                } else if (qsize == 0 || q == NIL) {
                    e = p; p = nodes[p].next; psize--;
                } else if (key_cmp(&nodes[p], &nodes[q], by_idx) <= 0) {
                    e = p; p = nodes[p].next; psize--;
                } else {
                    e = q; q = nodes[q].next; qsize--;
                }
                if (tail != NIL) nodes[tail].next = e; else head = e;
                tail = e;
            }
            p = q;
        }
        nodes[tail].next = NIL;
        if (nmerges <= 1) return head;
        insize *= 2;
    }
}

static NOINLINE uint32_t list_reverse(uint32_t head) {
    uint32_t prev = NIL;
    while (head != NIL) {
        uint32_t next = nodes[head].next;
        nodes[head].next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static NOINLINE uint32_t list_find(uint32_t head, int16_t data) {
    while (head != NIL && nodes[head].data != data) head = nodes[head].next;
    return head;
}

static uint16_t bench_list(uint32_t *head, int16_t seed, uint16_t crc) {
    uint32_t found = 0, missed = 0;
    for (int16_t i = 0; i < 32; i++) {
        uint32_t n = list_find(*head, (int16_t)((seed + i * 37) & 0xff));
        if (n == NIL) missed++;
        else { found++; crc = crc16((uint32_t)nodes[n].idx, crc); }
        *head = list_reverse(*head);
    }
    *head = list_sort(*head, 0);
    for (uint32_t n = *head, k = 0; n != NIL && k < 16; n = nodes[n].next, k++)
        crc = crc16((uint32_t)(uint16_t)nodes[n].data, crc);
    *head = list_sort(*head, 1); /* back to index order */
    /* perturb the data so the next iteration differs */
    for (uint32_t n = *head; n != NIL; n = nodes[n].next)
        nodes[n].data = (int16_t)((nodes[n].data * 17 + seed) & 0x3ff);
    return crc16(found << 16 | missed, crc);
}

/* ---- matrix ---- */

static NOINLINE uint16_t bench_matrix(int16_t val, uint16_t crc) {
    for (uint32_t i = 0; i < MAT * MAT; i++) ma[i] = (int16_t)(ma[i] + val);
    for (uint32_t i = 0; i < MAT; i++) {
        int32_t acc = 0;
        for (uint32_t j = 0; j < MAT; j++) acc += (int32_t)ma[i * MAT + j] * mb[j];
        crc = crc16((uint32_t)acc, crc);
    }
    for (uint32_t i = 0; i < MAT; i++)
        for (uint32_t j = 0; j < MAT; j++) {
            int32_t acc = 0;
            for (uint32_t k = 0; k < MAT; k++) acc += (int32_t)ma[i * MAT + k] * mb[k * MAT + j];
            mc[i * MAT + j] = acc;
        }
    int32_t tmp = 0;
    for (uint32_t i = 0; i < MAT * MAT; i++) {
        int32_t bits = (mc[i] >> 2) & 0xf;
        int32_t hi = (mc[i] >> 5) & 0x7f;
        tmp += bits > 10 ? hi : bits;
    }
    for (uint32_t i = 0; i < MAT * MAT; i++) ma[i] = (int16_t)(ma[i] - val);
    return crc16((uint32_t)tmp, crc);
}

/* ---- state machine ---- */

enum { S_START, S_INT, S_S1, S_FLOAT, S_EXP, S_S2, S_SCI, S_INVALID, S_COUNT };

static NOINLINE uint16_t bench_state(uint8_t flip, uint16_t crc) {
    uint32_t counts[S_COUNT] = {0};
    uint32_t state = S_START;
    for (uint32_t i = 0; i < TEXT; i++) {
        uint8_t c = text[i] ^ (i % 97 == 0 ? flip : 0);
        if (c == ',') {
            counts[state]++;
            state = S_START;
            continue;
        }
        int digit = c >= '0' && c <= '9';
        switch (state) {
        case S_START:
            state = digit ? S_INT : (c == '+' || c == '-') ? S_S1 : c == '.' ? S_FLOAT : S_INVALID;
            break;
        case S_S1:
            state = digit ? S_INT : c == '.' ? S_FLOAT : S_INVALID;
            break;
        case S_INT:
            state = digit ? S_INT : c == '.' ? S_FLOAT : (c == 'e' || c == 'E') ? S_EXP : S_INVALID;
            break;
        case S_FLOAT:
            state = digit ? S_FLOAT : (c == 'e' || c == 'E') ? S_EXP : S_INVALID;
            break;
        case S_EXP:
            state = (c == '+' || c == '-') ? S_S2 : digit ? S_SCI : S_INVALID;
            break;
        case S_S2:
        case S_SCI:
            state = digit ? S_SCI : S_INVALID;
            break;
        default:
            break;
        }
    }
    for (uint32_t s = 0; s < S_COUNT; s++) crc = crc16(counts[s], crc);
    return crc;
}

int64_t run(void) {
    uint64_t s = 0xA4093822299F31D0ull;
    for (uint32_t i = 0; i < LIST; i++) {
        nodes[i].next = i + 1 < LIST ? i + 1 : NIL;
        nodes[i].data = (int16_t)(xorshift64(&s) & 0x3ff);
        nodes[i].idx = (int16_t)i;
    }
    for (uint32_t i = 0; i < MAT * MAT; i++) {
        ma[i] = (int16_t)((xorshift64(&s) & 0xff) - 128);
        mb[i] = (int16_t)((xorshift64(&s) & 0xff) - 128);
    }
    static const char alphabet[] = "0123456789012345678901234567890123456789+-.eE,,,,,xyz";
    for (uint32_t i = 0; i < TEXT; i++) text[i] = (uint8_t)alphabet[xorshift64(&s) % (sizeof alphabet - 1)];

    uint32_t head = 0;
    uint16_t crc = 0;
    uint64_t sum = 0;
    for (uint32_t it = 0; it < ITER; it++) {
        crc = bench_list(&head, (int16_t)it, crc);
        crc = bench_matrix((int16_t)(it * 3 + 1), crc);
        crc = bench_state((uint8_t)(it & 0x1f), crc);
        sum = mix64(sum, crc);
    }
    return (int64_t)sum;
}
