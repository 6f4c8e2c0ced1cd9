/* Symbolic links, hard links and renames. */
#include "guest.h"

static void stat_of(int dir, int follow, const char *path) {
    __wasi_filestat_t st;
    __wasi_errno_t e = __wasi_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
                                                path, &st);
    if (e) printf("stat %s%s: %s\n", path, follow ? " (follow)" : "", errname(e));
    else if (st.filetype == __WASI_FILETYPE_DIRECTORY) /* sizes of directories vary */
        printf("stat %s%s: dir\n", path, follow ? " (follow)" : "");
    else printf("stat %s%s: %s size %llu nlink %llu\n", path, follow ? " (follow)" : "",
                typename(st.filetype), (unsigned long long)st.size, (unsigned long long)st.nlink);
}

static void readlink_of(int dir, const char *path, size_t len) {
    char buf[64] = {0};
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_path_readlink(dir, path, (uint8_t *)buf, len, &used);
    printf("readlink %s (%zu): %s '%.*s'\n", path, len, errname(e), (int)used, buf);
}

static void cat(int dir, int follow, const char *path) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path,
                                        0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    if (e) {
        printf("open %s%s: %s\n", path, follow ? " (follow)" : "", errname(e));
        return;
    }
    char buf[64];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_size_t n = 0;
    MUST(__wasi_fd_read(fd, &iov, 1, &n));
    printf("open %s%s: '%.*s'\n", path, follow ? " (follow)" : "", (int)n, buf);
    MUST(__wasi_fd_close(fd));
}

static void put(int dir, const char *path, const char *text) {
    __wasi_fd_t fd;
    __wasi_size_t n;
    MUST(open_at(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0, &fd));
    MUST(write_str(fd, text, &n));
    MUST(__wasi_fd_close(fd));
}

int main(void) {
    int root = preopen("/");
    MUST(__wasi_path_create_directory(root, "s"));
    MUST(__wasi_path_create_directory(root, "s/sub"));
    put(root, "s/target.txt", "target");
    put(root, "s/sub/deep.txt", "deep");

    /* Symbolic links. */
    CHECK("symlink", __wasi_path_symlink("target.txt", root, "s/link"));
    CHECK("symlink over existing", __wasi_path_symlink("x", root, "s/link"));
    CHECK("symlink to dir", __wasi_path_symlink("sub", root, "s/dirlink"));
    CHECK("symlink dangling", __wasi_path_symlink("missing", root, "s/dangling"));
    CHECK("symlink loop", __wasi_path_symlink("loop", root, "s/loop"));
    CHECK("symlink chain", __wasi_path_symlink("link", root, "s/chain"));
    CHECK("symlink up", __wasi_path_symlink("../hello.txt", root, "s/up"));
    CHECK("symlink empty target", __wasi_path_symlink("", root, "s/empty"));
    CHECK("symlink absolute target", __wasi_path_symlink("/hello.txt", root, "s/abs"));
    CHECK("symlink name/", __wasi_path_symlink("x", root, "s/newname/"));
    stat_of(root, 0, "s/link");
    stat_of(root, 1, "s/link");
    stat_of(root, 1, "s/chain");
    stat_of(root, 1, "s/dirlink");
    stat_of(root, 0, "s/dirlink/");
    stat_of(root, 1, "s/dangling");
    stat_of(root, 1, "s/loop");
    stat_of(root, 1, "s/up");
    readlink_of(root, "s/link", 64);
    readlink_of(root, "s/link", 4);
    readlink_of(root, "s/target.txt", 64);
    readlink_of(root, "s/missing", 64);
    cat(root, 1, "s/link");
    cat(root, 0, "s/link");
    cat(root, 1, "s/chain");
    cat(root, 1, "s/dirlink/deep.txt");
    cat(root, 0, "s/dirlink/../target.txt");
    cat(root, 1, "s/up");
    cat(root, 1, "s/dangling");
    cat(root, 1, "s/loop");
    __wasi_fd_t fd;
    CHECK("open dirlink as dir (follow)",
          __wasi_path_open(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "s/dirlink",
                           __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
    CHECK("open dirlink as dir (nofollow)",
          __wasi_path_open(root, 0, "s/dirlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
    CHECK("create through dangling (follow)",
          __wasi_path_open(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "s/dangling",
                           __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0, 0, &fd));
    stat_of(root, 0, "s/missing");
    CHECK("unlink symlink", __wasi_path_unlink_file(root, "s/chain"));
    stat_of(root, 0, "s/link");

    /* Hard links. */
    CHECK("link", __wasi_path_link(root, 0, "s/target.txt", root, "s/hard"));
    stat_of(root, 0, "s/hard");
    CHECK("link over existing", __wasi_path_link(root, 0, "s/target.txt", root, "s/hard"));
    CHECK("link a dir", __wasi_path_link(root, 0, "s/sub", root, "s/subhard"));
    CHECK("link missing", __wasi_path_link(root, 0, "s/nope", root, "s/x"));
    CHECK("link to name/", __wasi_path_link(root, 0, "s/target.txt", root, "s/x/"));
    CHECK("link a symlink", __wasi_path_link(root, 0, "s/loop", root, "s/looplink"));
    stat_of(root, 0, "s/looplink");
    put(root, "s/hard", "changed");
    cat(root, 0, "s/target.txt");
    CHECK("unlink original", __wasi_path_unlink_file(root, "s/target.txt"));
    stat_of(root, 0, "s/hard");
    cat(root, 1, "s/link");

    /* Renames. */
    put(root, "s/a", "A");
    put(root, "s/b", "B");
    CHECK("rename file", __wasi_path_rename(root, "s/a", root, "s/c"));
    stat_of(root, 0, "s/a");
    CHECK("rename over file", __wasi_path_rename(root, "s/c", root, "s/b"));
    cat(root, 0, "s/b");
    CHECK("rename missing", __wasi_path_rename(root, "s/c", root, "s/d"));
    MUST(__wasi_path_create_directory(root, "s/empty"));
    MUST(__wasi_path_create_directory(root, "s/full"));
    put(root, "s/full/f", "F");
    CHECK("rename file over dir", __wasi_path_rename(root, "s/b", root, "s/empty"));
    CHECK("rename dir over file", __wasi_path_rename(root, "s/empty", root, "s/b"));
    CHECK("rename dir over non-empty dir", __wasi_path_rename(root, "s/sub", root, "s/full"));
    CHECK("rename dir over empty dir", __wasi_path_rename(root, "s/sub", root, "s/empty"));
    cat(root, 0, "s/empty/deep.txt");
    CHECK("rename dir into itself", __wasi_path_rename(root, "s/empty", root, "s/empty/inner"));
    CHECK("rename dir/ to new/", __wasi_path_rename(root, "s/empty/", root, "s/moved/"));
    CHECK("rename file/", __wasi_path_rename(root, "s/b/", root, "s/b2"));
    CHECK("rename same", __wasi_path_rename(root, "s/b", root, "s/b"));
    CHECK("rename symlink", __wasi_path_rename(root, "s/dirlink", root, "s/dirlink2"));
    stat_of(root, 0, "s/dirlink2");
    __wasi_fd_t s;
    MUST(open_at(root, "s", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &s));
    CHECK("rename across fds", __wasi_path_rename(s, "moved", root, "moved_to_root"));
    cat(root, 0, "moved_to_root/deep.txt");
    return 0;
}
