/* Timestamps and clocks. */
#include "guest.h"

int main(void) {
    int root = preopen("/");
    __wasi_fd_t fd;
    __wasi_filestat_t st, st2;
    __wasi_timestamp_t t0, t1, res;
    __wasi_size_t n;

    CHECK("realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t0));
    printf("after 2020: %d\n", t0 > 1577836800000000000ull);
    CHECK("monotonic", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0));
    CHECK("monotonic again", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
    printf("monotonic: %d\n", t1 >= t0);
    CHECK("process cputime", __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t1));
    CHECK("thread cputime", __wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &t1));
    CHECK("bad clock", __wasi_clock_time_get(9, 1, &t1));
    CHECK("res realtime", __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res));
    printf("res positive: %d\n", res > 0);
    CHECK("res monotonic", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res));
    CHECK("res bad clock", __wasi_clock_res_get(9, &res));

    MUST(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t0));
    MUST(open_at(root, "t.txt", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0, &fd));
    MUST(__wasi_fd_filestat_get(fd, &st));
    /* File systems may round times down to their own resolution. */
    printf("created recently: %d\n", st.mtim + 2000000000ull >= t0);
    CHECK("set both", __wasi_fd_filestat_set_times(fd, 1000000000ull, 2000000000ull,
                                                   __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("atim %llu mtim %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    CHECK("set mtim only", __wasi_fd_filestat_set_times(fd, 5, 3000000000ull, __WASI_FSTFLAGS_MTIM));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("atim %llu mtim %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    CHECK("set mtim and mtim_now",
          __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    CHECK("set atim and atim_now",
          __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    CHECK("set bad flags", __wasi_fd_filestat_set_times(fd, 0, 0, 0x40));
    CHECK("set atim_now", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("atim now: %d mtim kept: %d\n", st.atim + 2000000000ull >= t0, st.mtim == 3000000000ull);

    /* Writing moves mtim forward. */
    MUST(write_str(fd, "x", &n));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("write moved mtim: %d\n", st.mtim > 3000000000ull);

    /* Through paths, with and without following a link. */
    MUST(__wasi_path_symlink("t.txt", root, "tl"));
    CHECK("path set link itself", __wasi_path_filestat_set_times(root, 0, "tl", 0, 7000000000ull,
                                                                 __WASI_FSTFLAGS_MTIM));
    MUST(__wasi_path_filestat_get(root, 0, "tl", &st));
    MUST(__wasi_path_filestat_get(root, 0, "t.txt", &st2));
    printf("link mtim %llu file mtim changed: %d\n", (unsigned long long)st.mtim,
           st2.mtim == 7000000000ull);
    CHECK("path set through link", __wasi_path_filestat_set_times(
                                       root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "tl", 0,
                                       8000000000ull, __WASI_FSTFLAGS_MTIM));
    MUST(__wasi_path_filestat_get(root, 0, "t.txt", &st2));
    printf("file mtim %llu\n", (unsigned long long)st2.mtim);
    CHECK("path set bad flags", __wasi_path_filestat_set_times(
                                    root, 0, "t.txt", 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    CHECK("path set missing", __wasi_path_filestat_set_times(root, 0, "nope", 0, 1, __WASI_FSTFLAGS_MTIM));
    CHECK("dir set times", __wasi_fd_filestat_set_times(root, 0, 9000000000ull, __WASI_FSTFLAGS_MTIM));
    MUST(__wasi_fd_filestat_get(root, &st));
    printf("dir mtim %llu\n", (unsigned long long)st.mtim);
    CHECK("set times without right", (__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ, 0),
                                      __wasi_fd_filestat_set_times(fd, 0, 1, __WASI_FSTFLAGS_MTIM)));
    return 0;
}
