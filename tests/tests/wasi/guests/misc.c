/* Arguments, environment, randomness, signals, sockets, and exit codes:
 * `misc exit N` ends with proc_exit(N). */
#include "guest.h"

int main(int argc, char **argv) {
    __wasi_size_t count, size;
    CHECK("args_sizes_get", __wasi_args_sizes_get(&count, &size));
    printf("argc %u bytes %u (libc argc %d)\n", (unsigned)count, (unsigned)size, argc);
    char *ptrs[16];
    char buf[256];
    if (count <= 16 && size <= sizeof buf) {
        CHECK("args_get", __wasi_args_get((uint8_t **)ptrs, (uint8_t *)buf));
        for (unsigned i = 1; i < count; i++) printf("  arg %u: '%s'\n", i, ptrs[i]);
    }
    CHECK("args_get bad pointer", raw_args_get(-8, 0x100));
    CHECK("environ_sizes_get", __wasi_environ_sizes_get(&count, &size));
    printf("environ %u bytes %u\n", (unsigned)count, (unsigned)size);
    if (count <= 16 && size <= sizeof buf) {
        CHECK("environ_get", __wasi_environ_get((uint8_t **)ptrs, (uint8_t *)buf));
        for (unsigned i = 0; i < count; i++) printf("  env: '%s'\n", ptrs[i]);
    }
    printf("getenv GREETING: %s\n", getenv("GREETING") ? getenv("GREETING") : "(unset)");

    uint8_t r1[32] = {0}, r2[32] = {0};
    CHECK("random_get", __wasi_random_get(r1, sizeof r1));
    CHECK("random_get again", __wasi_random_get(r2, sizeof r2));
    printf("random differs: %d\n", memcmp(r1, r2, sizeof r1) != 0);
    CHECK("random_get empty", __wasi_random_get(r1, 0));
    CHECK("random_get bad pointer", raw_random_get(-16, 32));

    CHECK("proc_raise", raw_proc_raise(1));
    __wasi_fd_t fd;
    __wasi_size_t n;
    __wasi_roflags_t ro;
    __wasi_iovec_t iov = {r1, 4};
    __wasi_ciovec_t ciov = {r1, 4};
    CHECK("sock_accept stdin", __wasi_sock_accept(0, 0, &fd));
    CHECK("sock_recv stdin", __wasi_sock_recv(0, &iov, 1, 0, &n, &ro));
    CHECK("sock_send stdout", __wasi_sock_send(1, &ciov, 1, 0, &n));
    CHECK("sock_shutdown stdout", __wasi_sock_shutdown(1, __WASI_SDFLAGS_RD));
    CHECK("sock_shutdown bad fd", __wasi_sock_shutdown(99, __WASI_SDFLAGS_RD));

    __wasi_fdstat_t fs;
    CHECK("fdstat stdin", __wasi_fd_fdstat_get(0, &fs));
    printf("stdin rights read %d seek %d\n", (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0,
           (fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK) != 0);
    __wasi_filesize_t pos;
    CHECK("seek stdout", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos));
    CHECK("tell stdout", __wasi_fd_tell(1, &pos));
    char in[64];
    __wasi_iovec_t inv = {(uint8_t *)in, sizeof in};
    CHECK("read stdin", __wasi_fd_read(0, &inv, 1, &n));
    printf("stdin: '%.*s'\n", (int)n, in);
    CHECK("read stdout", __wasi_fd_read(1, &inv, 1, &n));
    CHECK("write stderr", write_str(2, "to stderr\n", &n));

    if (argc >= 3 && strcmp(argv[1], "exit") == 0) {
        int code = atoi(argv[2]);
        printf("exiting with %d\n", code);
        fflush(stdout);
        __wasi_proc_exit(code);
    }
    return 0;
}
