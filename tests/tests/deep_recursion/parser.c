// A recursive-descent parser of nested arithmetic, the shape of guest that
// recurses deepest in practice: expr -> term -> factor -> expr, one wasm
// frame per function per nesting level. argv[1] is the nesting depth (the
// input is "(((...(1+1)...)))" with that many parentheses); it prints the
// value, how deep it went, and how many wasm frames that took.
#include <stdio.h>
#include <stdlib.h>

static const char *input;
static size_t pos;
static long max_frames, frames;

static long expr(void);

// `noinline`: each grammar rule stays its own function (and wasm frame),
// as it does in real parsers whose rules are too big to inline.
__attribute__((noinline)) static long factor(void) {
    frames++;
    if (frames > max_frames)
        max_frames = frames;
    long v;
    if (input[pos] == '(') {
        pos++;
        v = expr();
        if (input[pos] != ')') {
            printf("expected ) at %zu\n", pos);
            exit(2);
        }
        pos++;
    } else {
        v = 0;
        while (input[pos] >= '0' && input[pos] <= '9')
            v = v * 10 + (input[pos++] - '0');
    }
    frames--;
    return v;
}

__attribute__((noinline)) static long term(void) {
    frames++;
    long v = factor();
    while (input[pos] == '*') {
        pos++;
        v *= factor();
    }
    frames--;
    return v;
}

__attribute__((noinline)) static long expr(void) {
    frames++;
    long v = term();
    while (input[pos] == '+') {
        pos++;
        v += term();
    }
    frames--;
    return v;
}

int main(int argc, char **argv) {
    long depth = argc > 1 ? atol(argv[1]) : 50000;
    char *text = malloc(2 * (size_t)depth + 4);
    size_t n = 0;
    for (long i = 0; i < depth; i++)
        text[n++] = '(';
    text[n++] = '1';
    text[n++] = '+';
    text[n++] = '1';
    for (long i = 0; i < depth; i++)
        text[n++] = ')';
    text[n] = 0;
    input = text;
    long v = expr();
    printf("value %ld, depth %ld, %ld frames\n", v, depth, max_frames);
    return v == 2 ? 0 : 1;
}
