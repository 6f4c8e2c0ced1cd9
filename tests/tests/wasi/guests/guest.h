/* Helpers shared by wasmbed's WASI test guests: errno names, a checked
 * call macro that prints "label: ERRNO", and raw imports for calls
 * wasi-libc does not expose (or to pass deliberately bad pointers). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define IMPORT(name) \
    __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

IMPORT(proc_raise) int32_t raw_proc_raise(int32_t sig);
IMPORT(fd_write) int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t len, int32_t nwritten);
IMPORT(fd_read) int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t len, int32_t nread);
IMPORT(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path,
                                        int32_t path_len, int32_t oflags, int64_t base,
                                        int64_t inheriting, int32_t fdflags, int32_t opened);
IMPORT(args_get) int32_t raw_args_get(int32_t argv, int32_t buf);
IMPORT(random_get) int32_t raw_random_get(int32_t buf, int32_t len);

static const char *errname(int e) {
    static const char *names[] = {
        "ESUCCESS", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT",
        "EAGAIN", "EALREADY", "EBADF", "EBADMSG", "EBUSY", "ECANCELED", "ECHILD",
        "ECONNABORTED", "ECONNREFUSED", "ECONNRESET", "EDEADLK", "EDESTADDRREQ", "EDOM",
        "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTUNREACH", "EIDRM", "EILSEQ",
        "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN", "EISDIR", "ELOOP", "EMFILE",
        "EMLINK", "EMSGSIZE", "EMULTIHOP", "ENAMETOOLONG", "ENETDOWN", "ENETRESET",
        "ENETUNREACH", "ENFILE", "ENOBUFS", "ENODEV", "ENOENT", "ENOEXEC", "ENOLCK",
        "ENOLINK", "ENOMEM", "ENOMSG", "ENOPROTOOPT", "ENOSPC", "ENOSYS", "ENOTCONN",
        "ENOTDIR", "ENOTEMPTY", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY",
        "ENXIO", "EOVERFLOW", "EOWNERDEAD", "EPERM", "EPIPE", "EPROTO",
        "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE", "EROFS", "ESPIPE", "ESRCH", "ESTALE",
        "ETIMEDOUT", "ETXTBSY", "EXDEV", "ENOTCAPABLE",
    };
    if (e >= 0 && e < (int)(sizeof names / sizeof names[0])) return names[e];
    return "E?";
}

/* Prints "label: ERRNO" for a call returning an errno. */
#define CHECK(label, call) printf("%s: %s\n", (label), errname((int)(call)))

/* Aborts the test (exit 99) when a setup step fails. */
#define MUST(call)                                                              \
    do {                                                                        \
        int e_ = (int)(call);                                                   \
        if (e_ != 0) {                                                          \
            printf("setup failed at %s:%d: %s\n", __FILE__, __LINE__, errname(e_)); \
            exit(99);                                                           \
        }                                                                       \
    } while (0)

#define ALL_RIGHTS ((__wasi_rights_t)0x3fffffff)
/* Everything but writing: what a directory may be opened with. */
#define DIR_RIGHTS (ALL_RIGHTS & ~(__wasi_rights_t)__WASI_RIGHTS_FD_WRITE)

/* The preopened descriptor mounted at `name`, or -1. */
static int preopen(const char *name) {
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        if (__wasi_fd_prestat_get(fd, &ps) != 0) continue;
        char buf[256];
        size_t n = ps.u.dir.pr_name_len;
        if (n >= sizeof buf) continue;
        if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, n) != 0) continue;
        buf[n] = 0;
        if (strcmp(buf, name) == 0) return (int)fd;
    }
    return -1;
}

static __wasi_errno_t open_at(int dir, const char *path, __wasi_oflags_t oflags,
                              __wasi_rights_t rights, __wasi_fdflags_t fdflags,
                              __wasi_fd_t *fd) {
    return __wasi_path_open(dir, 0, path, oflags, rights, rights, fdflags, fd);
}

static __wasi_errno_t write_str(__wasi_fd_t fd, const char *s, __wasi_size_t *n) {
    __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
    return __wasi_fd_write(fd, &iov, 1, n);
}

static const char *typename(__wasi_filetype_t t) {
    switch (t) {
    case __WASI_FILETYPE_DIRECTORY: return "dir";
    case __WASI_FILETYPE_REGULAR_FILE: return "file";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "symlink";
    case __WASI_FILETYPE_CHARACTER_DEVICE: return "chardev";
    default: return "unknown";
    }
}
