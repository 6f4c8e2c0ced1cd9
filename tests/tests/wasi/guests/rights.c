/* Rights and open modes as real toolchains use them, and the errno of
 * each open-mode refusal and O_CREAT corner. Directories opened with no
 * rights (or none to inherit) still give files that can be written, as
 * Zig's std.fs relies on; what a descriptor's open mode forbids fails as
 * on POSIX; fd_fdstat_get reports what wasmtime reports. The expected
 * output is wasmtime's for this program. */
#include "guest.h"

static void fdstat(const char *label, __wasi_fd_t fd) {
    __wasi_fdstat_t fs;
    int e = __wasi_fd_fdstat_get(fd, &fs);
    printf("%s: %s type %s flags %u base %llx inheriting %llx\n", label, errname(e),
           typename(fs.fs_filetype), (unsigned)fs.fs_flags,
           (unsigned long long)fs.fs_rights_base, (unsigned long long)fs.fs_rights_inheriting);
}

static void try_open(int dir, const char *label, const char *path, __wasi_oflags_t oflags,
                     __wasi_rights_t rights) {
    __wasi_fd_t fd;
    int e = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, 0, 0,
                             &fd);
    printf("%s: %s\n", label, errname(e));
    if (e == 0) (void)__wasi_fd_close(fd);
}

int main(void) {
    int root = preopen("/");
    __wasi_fd_t d, f;
    __wasi_size_t n;
    __wasi_filesize_t pos;
    __wasi_filestat_t st;
    char buf[32];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};

    fdstat("preopen", root);
    fdstat("stdin", 0);
    fdstat("stdout", 1);

    /* A directory opened with no rights at all, base or inheriting. */
    MUST(__wasi_path_create_directory(root, "d"));
    CHECK("open dir, no rights", __wasi_path_open(root, 0, "d", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &d));
    fdstat("dir", d);
    CHECK("create through it for writing",
          __wasi_path_open(d, 0, "f", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                           __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &f));
    fdstat("file", f);
    CHECK("write", write_str(f, "written", &n));
    CHECK("pread", __wasi_fd_pread(f, &iov, 1, 0, &n));
    printf("read '%.*s'\n", (int)n, buf);
    CHECK("set size", __wasi_fd_filestat_set_size(f, 4));
    MUST(__wasi_fd_close(f));

    /* Read-only: writing and sizing fail as on POSIX; the rest works. */
    CHECK("open read-only", __wasi_path_open(d, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f));
    fdstat("read-only", f);
    CHECK("write read-only", write_str(f, "x", &n));
    CHECK("set size read-only", __wasi_fd_filestat_set_size(f, 0));
    CHECK("set times read-only", __wasi_fd_filestat_set_times(f, 0, 5, __WASI_FSTFLAGS_MTIM));
    CHECK("seek read-only", __wasi_fd_seek(f, 0, __WASI_WHENCE_END, &pos));
    printf("size %llu\n", (unsigned long long)pos);
    CHECK("filestat read-only", __wasi_fd_filestat_get(f, &st));
    CHECK("sync read-only", __wasi_fd_sync(f));
    MUST(__wasi_fd_close(f));

    /* Write-only: reading fails. No rights at all: opened for reading. */
    CHECK("open write-only", __wasi_path_open(d, 0, "f", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &f));
    fdstat("write-only", f);
    CHECK("read write-only", __wasi_fd_read(f, &iov, 1, &n));
    MUST(__wasi_fd_close(f));
    CHECK("open with no rights", __wasi_path_open(d, 0, "f", 0, 0, 0, 0, &f));
    fdstat("no rights", f);
    CHECK("read", __wasi_fd_read(f, &iov, 1, &n));
    printf("read '%.*s'\n", (int)n, buf);
    CHECK("write", write_str(f, "x", &n));
    MUST(__wasi_fd_close(f));

    /* A directory opened without O_DIRECTORY: every right but FD_WRITE is
     * fine (Go asks for file rights first), FD_WRITE is EISDIR. */
    try_open(root, "open dir, all rights but write", "d", 0, DIR_RIGHTS);
    try_open(root, "open dir, write", "d", 0, __WASI_RIGHTS_FD_WRITE);
    try_open(root, "open dir, trunc", "d", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ);

    /* O_CREAT corners, as Linux and wasmtime. */
    try_open(root, "create d", "d", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ);
    try_open(root, "create d excl", "d", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
             __WASI_RIGHTS_FD_READ);
    try_open(root, "create .", ".", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ);
    try_open(root, "create . excl", ".", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
             __WASI_RIGHTS_FD_READ);
    try_open(root, "create d/", "d/", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
             __WASI_RIGHTS_FD_READ);
    try_open(root, "create hello.txt/", "hello.txt/", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ);
    try_open(root, "create new/", "new/", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ);
    try_open(root, "create new as directory", "new",
             __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ);
    try_open(root, "create d as directory", "d", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY,
             __WASI_RIGHTS_FD_READ);
    CHECK("readlink hello.txt/",
          __wasi_path_readlink(root, "hello.txt/", (uint8_t *)buf, sizeof buf, &n));
    CHECK("readlink d/", __wasi_path_readlink(root, "d/", (uint8_t *)buf, sizeof buf, &n));

    CHECK("unlink through the rightless dir", __wasi_path_unlink_file(d, "f"));
    MUST(__wasi_fd_close(d));
    CHECK("rmdir", __wasi_path_remove_directory(root, "d"));
    return 0;
}
