/* Call-heavy: indirect calls. A table of 16 small functions called
 * through function pointers (call_indirect in wasm) in an order picked by
 * a pseudo-random stream, 3 million calls; plus Takeuchi's tak(22, 16, 8)
 * (direct recursion with three arguments, 905,685 calls). */
#include "common.h"

#define CALLS 3000000

typedef uint32_t (*op_fn)(uint32_t, uint32_t);

static NOINLINE uint32_t op0(uint32_t a, uint32_t b) { return a + b; }
static NOINLINE uint32_t op1(uint32_t a, uint32_t b) { return a - b; }
static NOINLINE uint32_t op2(uint32_t a, uint32_t b) { return a * b + 1; }
static NOINLINE uint32_t op3(uint32_t a, uint32_t b) { return a ^ b; }
static NOINLINE uint32_t op4(uint32_t a, uint32_t b) { return (a << (b & 31)) | (a >> ((32 - (b & 31)) & 31)); }
static NOINLINE uint32_t op5(uint32_t a, uint32_t b) { return a / ((b | 1)); }
static NOINLINE uint32_t op6(uint32_t a, uint32_t b) { return a % ((b | 1)); }
static NOINLINE uint32_t op7(uint32_t a, uint32_t b) { return a > b ? a - b : b - a; }
static NOINLINE uint32_t op8(uint32_t a, uint32_t b) { return (a & 0xffff) * (b >> 16); }
static NOINLINE uint32_t op9(uint32_t a, uint32_t b) { return ~a + b; }
static NOINLINE uint32_t op10(uint32_t a, uint32_t b) { return a | (b << 3); }
static NOINLINE uint32_t op11(uint32_t a, uint32_t b) { return a & ~b; }
static NOINLINE uint32_t op12(uint32_t a, uint32_t b) { return (a >> 3) + (b >> 5); }
static NOINLINE uint32_t op13(uint32_t a, uint32_t b) { return a * 0x9e3779b1u ^ b; }
static NOINLINE uint32_t op14(uint32_t a, uint32_t b) { return a < b ? a : b; }
static NOINLINE uint32_t op15(uint32_t a, uint32_t b) { return a > b ? a : b; }

static op_fn const table[16] = {op0, op1, op2,  op3,  op4,  op5,  op6,  op7,
                                op8, op9, op10, op11, op12, op13, op14, op15};

static NOINLINE int32_t tak(int32_t x, int32_t y, int32_t z) {
    if (y >= x) return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

int64_t run(void) {
    uint32_t s = 2463534242u, acc = 1;
    for (uint32_t i = 0; i < CALLS; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        acc = table[s & 15](acc, s >> 4) + i;
    }
    uint64_t sum = mix64(0, acc);
    return (int64_t)mix64(sum, (uint64_t)tak(22, 16, 8));
}
