/* The WASI guest: reads /data/motd.txt from the in-memory filesystem the
 * firmware mounts and prints it to stdout, numbering the lines. Built by
 * ../build.sh into ../wasi-lines.wasm (zig cc, wasm32-wasi). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "/data/motd.txt";
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 1;
    }
    char line[128];
    int n = 0;
    size_t bytes = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        bytes += strlen(line);
        printf("%d: %s", n, line);
    }
    fclose(f);
    printf("%s: %d lines, %zu bytes\n", path, n, bytes);
    return 0;
}
