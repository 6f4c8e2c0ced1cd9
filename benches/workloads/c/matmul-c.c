/* Floating point: a 180x180 double matrix multiply, blocked i-k-j loop
 * order (unit-stride inner loop), repeated 3 times with the result fed
 * back in, then a bit-exact hash of the result. */
#include "common.h"

#define N 180
#define REPS 3

static double A[N * N], B[N * N], C[N * N];

static NOINLINE void matmul(const double *a, const double *b, double *c) {
    for (uint32_t i = 0; i < N * N; i++) c[i] = 0.0;
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t k = 0; k < N; k++) {
            double aik = a[i * N + k];
            for (uint32_t j = 0; j < N; j++) c[i * N + j] += aik * b[k * N + j];
        }
}

int64_t run(void) {
    uint64_t s = 0x082EFA98EC4E6C89ull;
    for (uint32_t i = 0; i < N * N; i++) {
        A[i] = (double)(int32_t)(xorshift64(&s) % 2001 - 1000) / 997.0;
        B[i] = (double)(int32_t)(xorshift64(&s) % 2001 - 1000) / 1009.0;
    }
    uint64_t sum = 0;
    for (uint32_t r = 0; r < REPS; r++) {
        matmul(A, B, C);
        /* scale back to keep magnitudes bounded, then feed back in */
        for (uint32_t i = 0; i < N * N; i++) A[i] = C[i] * (1.0 / 64.0);
        sum = mix64(sum, f64_bits(C[r * 7 + 3]));
    }
    for (uint32_t i = 0; i < N * N; i++) sum = mix64(sum, f64_bits(C[i]));
    return (int64_t)sum;
}
