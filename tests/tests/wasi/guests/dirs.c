/* Directories: create, nested paths, fd_readdir with small buffers and
 * cookies, path_filestat_get, removal errors, preopen names. */
#include "guest.h"

/* Lists `dir` with a `bufsize`-byte buffer, resuming from each entry's
 * cookie, and prints "name type" per entry. */
static void list(int dir, size_t bufsize) {
    uint8_t buf[512];
    __wasi_dircookie_t cookie = 0;
    int calls = 0, entries = 0;
    for (;;) {
        __wasi_size_t used;
        __wasi_errno_t e = __wasi_fd_readdir(dir, buf, bufsize, cookie, &used);
        calls++;
        if (e != 0) {
            printf("readdir: %s\n", errname(e));
            return;
        }
        size_t off = 0;
        int progressed = 0;
        while (off + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, sizeof d);
            if (off + sizeof d + d.d_namlen > used) break; /* truncated entry */
            printf("  %.*s %s next=%llu\n", (int)d.d_namlen, (char *)buf + off + sizeof d,
                   typename(d.d_type), (unsigned long long)d.d_next);
            off += sizeof d + d.d_namlen;
            cookie = d.d_next;
            entries++;
            progressed = 1;
        }
        if (used < bufsize) break;
        if (!progressed) {
            printf("  buffer too small for one entry\n");
            return;
        }
    }
    printf("  %d entries in %d calls\n", entries, calls);
}

int main(void) {
    int root = preopen("/");
    __wasi_fd_t d, f;
    __wasi_filestat_t st;
    __wasi_prestat_t ps;
    char name[8];

    CHECK("prestat", __wasi_fd_prestat_get(root, &ps));
    printf("preopen name length %u\n", (unsigned)ps.u.dir.pr_name_len);
    CHECK("prestat name too small", __wasi_fd_prestat_dir_name(root, (uint8_t *)name, 0));
    CHECK("prestat name", __wasi_fd_prestat_dir_name(root, (uint8_t *)name, sizeof name));
    printf("preopen name '%c'\n", name[0]);
    CHECK("prestat of stdout", __wasi_fd_prestat_get(1, &ps));

    CHECK("mkdir d", __wasi_path_create_directory(root, "d"));
    CHECK("mkdir d again", __wasi_path_create_directory(root, "d"));
    CHECK("mkdir d/e/f", __wasi_path_create_directory(root, "d/e/f"));
    CHECK("mkdir d/e", __wasi_path_create_directory(root, "d/e"));
    CHECK("mkdir d/e/f", __wasi_path_create_directory(root, "d/e/f"));
    CHECK("mkdir under a file", __wasi_path_create_directory(root, "hello.txt/x"));
    CHECK("mkdir with trailing slash", __wasi_path_create_directory(root, "d/g/"));
    for (int i = 0; i < 12; i++) {
        char path[32];
        snprintf(path, sizeof path, "d/file%02d", i);
        MUST(open_at(root, path, __WASI_OFLAGS_CREAT, 0, 0, &f));
        MUST(__wasi_fd_close(f));
    }
    CHECK("open d", open_at(root, "d", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &d));
    CHECK("open file as dir", open_at(root, "hello.txt", __WASI_OFLAGS_DIRECTORY, 0, 0, &f));
    CHECK("open dir with trailing slash", open_at(root, "d/e/", 0, 0, 0, &f));
    CHECK("open file with trailing slash", open_at(root, "hello.txt/", 0, 0, 0, &f));

    printf("list d with 512 bytes\n");
    list(d, 512);
    printf("list d with 64 bytes\n");
    list(d, 64);
    printf("list d with 30 bytes\n");
    list(d, 30);
    printf("list d with 10 bytes\n");
    list(d, 10);

    /* Resume from a cookie in the middle. */
    uint8_t buf[256];
    __wasi_size_t used;
    CHECK("readdir from cookie 10", __wasi_fd_readdir(d, buf, sizeof buf, 10, &used));
    __wasi_dirent_t first;
    memcpy(&first, buf, sizeof first);
    printf("first after cookie 10: %.*s next=%llu\n", (int)first.d_namlen,
           (char *)buf + sizeof first, (unsigned long long)first.d_next);
    CHECK("readdir past the end", __wasi_fd_readdir(d, buf, sizeof buf, 1000, &used));
    printf("used %u\n", (unsigned)used);
    CHECK("readdir on a file", __wasi_fd_readdir(1, buf, sizeof buf, 0, &used));

    /* "." has the directory's own inode. */
    __wasi_filestat_t dst;
    MUST(__wasi_fd_filestat_get(d, &dst));
    MUST(__wasi_fd_readdir(d, buf, sizeof buf, 0, &used));
    memcpy(&first, buf, sizeof first);
    printf("dot ino matches: %d\n", first.d_ino == dst.ino);

    CHECK("stat d/e", __wasi_path_filestat_get(root, 0, "d/e", &st));
    printf("type %s\n", typename(st.filetype));
    CHECK("stat d/file03", __wasi_path_filestat_get(d, 0, "file03", &st));
    printf("type %s size %llu\n", typename(st.filetype), (unsigned long long)st.size);
    CHECK("stat via ..", __wasi_path_filestat_get(d, 0, "e/../file03", &st));
    CHECK("stat missing", __wasi_path_filestat_get(root, 0, "nope", &st));
    CHECK("stat file/", __wasi_path_filestat_get(root, 0, "hello.txt/", &st));
    CHECK("stat .", __wasi_path_filestat_get(d, 0, ".", &st));
    printf("same inode as d: %d\n", st.ino == dst.ino);

    CHECK("rmdir non-empty", __wasi_path_remove_directory(root, "d/e"));
    CHECK("rmdir a file", __wasi_path_remove_directory(root, "d/file00"));
    CHECK("rmdir missing", __wasi_path_remove_directory(root, "d/zz"));
    CHECK("rmdir d/e/f/", __wasi_path_remove_directory(root, "d/e/f/"));
    CHECK("rmdir d/e", __wasi_path_remove_directory(root, "d/e"));
    CHECK("rmdir .", __wasi_path_remove_directory(d, "."));
    CHECK("unlink a dir", __wasi_path_unlink_file(root, "d/g"));
    CHECK("unlink a dir/", __wasi_path_unlink_file(root, "d/g/"));
    CHECK("unlink file/", __wasi_path_unlink_file(root, "d/file00/"));
    for (int i = 0; i < 12; i++) {
        char path[32];
        snprintf(path, sizeof path, "file%02d", i);
        MUST(__wasi_path_unlink_file(d, path));
    }
    MUST(__wasi_path_remove_directory(d, "g"));
    printf("list emptied d\n");
    list(d, 512);
    CHECK("rmdir d while open", __wasi_path_remove_directory(root, "d"));
    CHECK("create in removed dir", open_at(d, "x", __WASI_OFLAGS_CREAT, 0, 0, &f));
    printf("list root\n");
    list(root, 512);
    return 0;
}
