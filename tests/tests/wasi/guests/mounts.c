/* Read-only and audited mounts: /ro is read-only, /audited is audited
 * with /audited/private denied. */
#include "guest.h"

int main(void) {
    int ro = preopen("/ro");
    int au = preopen("/audited");
    __wasi_fd_t fd;
    __wasi_size_t n;
    __wasi_filestat_t st;
    char buf[32];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};

    printf("-- read-only\n");
    CHECK("open for read", open_at(ro, "hello.txt", 0, __WASI_RIGHTS_FD_READ, 0, &fd));
    CHECK("read", __wasi_fd_read(fd, &iov, 1, &n));
    printf("read '%.*s'\n", (int)n, buf);
    CHECK("write on read fd", write_str(fd, "x", &n));
    CHECK("set times on read fd", __wasi_fd_filestat_set_times(fd, 0, 1, __WASI_FSTFLAGS_MTIM));
    CHECK("open for write", open_at(ro, "hello.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, &fd));
    CHECK("open trunc", open_at(ro, "hello.txt", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0, &fd));
    CHECK("create", open_at(ro, "new.txt", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0, &fd));
    CHECK("create excl existing", open_at(ro, "hello.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, 0, &fd));
    CHECK("open missing for write", open_at(ro, "nope.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, &fd));
    CHECK("mkdir new", __wasi_path_create_directory(ro, "newdir"));
    CHECK("mkdir existing", __wasi_path_create_directory(ro, "dir"));
    CHECK("rmdir", __wasi_path_remove_directory(ro, "dir"));
    CHECK("unlink", __wasi_path_unlink_file(ro, "hello.txt"));
    CHECK("unlink missing", __wasi_path_unlink_file(ro, "nope.txt"));
    CHECK("rename", __wasi_path_rename(ro, "hello.txt", ro, "renamed.txt"));
    CHECK("link", __wasi_path_link(ro, 0, "hello.txt", ro, "hard.txt"));
    CHECK("link a dir", __wasi_path_link(ro, 0, "dir", ro, "hard"));
    CHECK("symlink", __wasi_path_symlink("hello.txt", ro, "sym"));
    CHECK("set times", __wasi_path_filestat_set_times(ro, 0, "hello.txt", 0, 1, __WASI_FSTFLAGS_MTIM));
    CHECK("stat", __wasi_path_filestat_get(ro, 0, "dir/a.txt", &st));
    printf("size %llu\n", (unsigned long long)st.size);
    CHECK("open dir", open_at(ro, "dir", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &fd));
    uint8_t dbuf[256];
    CHECK("readdir", __wasi_fd_readdir(fd, dbuf, sizeof dbuf, 0, &n));

    printf("-- audited\n");
    CHECK("create", open_at(au, "log.txt", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0, &fd));
    CHECK("write", write_str(fd, "audit me", &n));
    CHECK("pread", __wasi_fd_pread(fd, &iov, 1, 0, &n));
    CHECK("close", __wasi_fd_close(fd));
    CHECK("read private", open_at(au, "private/key.txt", 0, __WASI_RIGHTS_FD_READ, 0, &fd));
    CHECK("stat private", __wasi_path_filestat_get(au, 0, "private", &st));
    CHECK("symlink to private", __wasi_path_symlink("private/key.txt", au, "key"));
    CHECK("read private via link", __wasi_path_open(au, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "key", 0,
                                                    __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    CHECK("rename into private", __wasi_path_rename(au, "log.txt", au, "private/log.txt"));
    CHECK("rename", __wasi_path_rename(au, "log.txt", au, "log2.txt"));
    CHECK("unlink", __wasi_path_unlink_file(au, "log2.txt"));
    return 0;
}
