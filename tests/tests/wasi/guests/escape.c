/* The escape suite: every known way out of a preopen. Mounts: /sandbox
 * (with inside.txt, and hostabs: an absolute symlink the host placed)
 * and /other. The host's secret.txt sits next to the sandbox directory. */
#include "guest.h"

static void try_open(int dir, int follow, const char *path, __wasi_oflags_t oflags) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path,
                                        oflags, oflags & __WASI_OFLAGS_DIRECTORY ? DIR_RIGHTS : ALL_RIGHTS, ALL_RIGHTS, 0, &fd);
    printf("open %s%s%s: %s\n", path, follow ? " (follow)" : "",
           oflags & __WASI_OFLAGS_CREAT ? " (create)" : "", errname(e));
    if (e == 0) MUST(__wasi_fd_close(fd));
}

int main(void) {
    int sb = preopen("/sandbox");
    int other = preopen("/other");
    __wasi_filestat_t st;
    __wasi_fd_t fd;
    uint8_t buf[64];
    __wasi_size_t used;

    /* Plain paths. */
    try_open(sb, 1, "../secret.txt", 0);
    try_open(sb, 1, "/secret.txt", 0);
    try_open(sb, 1, "/sandbox/inside.txt", 0);
    try_open(sb, 1, "..", __WASI_OFLAGS_DIRECTORY);
    try_open(sb, 1, "../sandbox/inside.txt", 0);
    MUST(__wasi_path_create_directory(sb, "a"));
    try_open(sb, 1, "a/../../secret.txt", 0);
    try_open(sb, 1, "a/./../inside.txt", 0);
    try_open(sb, 1, "../planted.txt", __WASI_OFLAGS_CREAT);
    CHECK("stat ../secret.txt", __wasi_path_filestat_get(sb, 1, "../secret.txt", &st));
    CHECK("stat ..", __wasi_path_filestat_get(sb, 0, "..", &st));

    /* Symbolic links out. */
    CHECK("symlink up -> ..", __wasi_path_symlink("..", sb, "up"));
    try_open(sb, 1, "up/secret.txt", 0);
    try_open(sb, 1, "up", __WASI_OFLAGS_DIRECTORY);
    try_open(sb, 0, "up/secret.txt", 0);
    CHECK("stat up (nofollow)", __wasi_path_filestat_get(sb, 0, "up", &st));
    CHECK("stat up/ (follow)", __wasi_path_filestat_get(sb, 0, "up/", &st));
    CHECK("symlink abs -> /etc/passwd", __wasi_path_symlink("/etc/passwd", sb, "abs"));
    try_open(sb, 1, "hostabs", 0);
    CHECK("stat hostabs (follow)", __wasi_path_filestat_get(sb, 1, "hostabs", &st));
    CHECK("readlink hostabs", __wasi_path_readlink(sb, "hostabs", buf, sizeof buf, &used));
    CHECK("symlink c2 -> ../secret.txt", __wasi_path_symlink("../secret.txt", sb, "c2"));
    CHECK("symlink c1 -> c2", __wasi_path_symlink("c2", sb, "c1"));
    try_open(sb, 1, "c1", 0);
    try_open(sb, 1, "c1", __WASI_OFLAGS_CREAT);
    CHECK("symlink deep -> a/../../secret.txt", __wasi_path_symlink("a/../../secret.txt", sb, "deep"));
    try_open(sb, 1, "deep", 0);
    CHECK("symlink dl -> a", __wasi_path_symlink("a", sb, "dl"));
    try_open(sb, 1, "dl/../../secret.txt", 0);
    try_open(sb, 1, "dl/..", __WASI_OFLAGS_DIRECTORY);
    try_open(sb, 1, "dl/../inside.txt", 0);
    CHECK("symlink self -> self", __wasi_path_symlink("self", sb, "self"));
    try_open(sb, 1, "self", 0);
    CHECK("set times through up", __wasi_path_filestat_set_times(sb, 1, "up/secret.txt", 0, 1,
                                                                 __WASI_FSTFLAGS_MTIM));

    /* Hard links and renames out of (or into) the sandbox. */
    CHECK("link ../secret.txt in", __wasi_path_link(sb, 0, "../secret.txt", sb, "stolen"));
    CHECK("link inside.txt out", __wasi_path_link(sb, 0, "inside.txt", sb, "../planted"));
    CHECK("link through up", __wasi_path_link(sb, 0, "up/secret.txt", sb, "stolen"));
    CHECK("rename inside.txt out", __wasi_path_rename(sb, "inside.txt", sb, "../moved.txt"));
    CHECK("rename ../secret.txt in", __wasi_path_rename(sb, "../secret.txt", sb, "stolen"));
    CHECK("rename through up", __wasi_path_rename(sb, "up/secret.txt", sb, "stolen"));
    CHECK("rename across mounts", __wasi_path_rename(sb, "inside.txt", other, "moved.txt"));
    CHECK("link across mounts", __wasi_path_link(sb, 0, "inside.txt", other, "linked.txt"));
    CHECK("symlink across mounts", __wasi_path_symlink("../sandbox/inside.txt", other, "x"));
    try_open(other, 1, "x", 0);

    /* Every other path call, pointed outside. */
    CHECK("mkdir ../newdir", __wasi_path_create_directory(sb, "../newdir"));
    CHECK("unlink ../secret.txt", __wasi_path_unlink_file(sb, "../secret.txt"));
    CHECK("unlink up/secret.txt", __wasi_path_unlink_file(sb, "up/secret.txt"));
    CHECK("rmdir ../other", __wasi_path_remove_directory(sb, "../other"));
    CHECK("symlink at ../x", __wasi_path_symlink("inside.txt", sb, "../x"));
    CHECK("readlink ../x", __wasi_path_readlink(sb, "../x", buf, sizeof buf, &used));
    CHECK("open other/../sandbox", __wasi_path_open(other, 0, "../sandbox", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));

    /* A descriptor for a subdirectory cannot climb above itself. */
    __wasi_fd_t a;
    MUST(open_at(sb, "a", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &a));
    try_open(a, 1, "../inside.txt", 0);
    try_open(a, 1, ".", __WASI_OFLAGS_DIRECTORY);

    /* A NUL byte cannot cut a path short. */
    const char nul[] = "inside.txt\0/../../secret.txt";
    CHECK("open with NUL", raw_path_open(sb, 0, (int32_t)(intptr_t)nul, sizeof nul - 1, 0, 0, 0, 0,
                                         (int32_t)(intptr_t)&fd));

    /* What the sandbox holds afterwards. */
    try_open(sb, 0, "inside.txt", 0);
    CHECK("stat stolen", __wasi_path_filestat_get(sb, 0, "stolen", &st));
    return 0;
}
