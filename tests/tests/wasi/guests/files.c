/* Files: create, write, read, seek/tell, pread/pwrite, append, sizes,
 * allocate, advise, sync, flags, rights, renumber, close, unlink, and the
 * errors of each (bad descriptors, missing rights, bad pointers). */
#include "guest.h"

int main(void) {
    int root = preopen("/");
    __wasi_fd_t fd, fd2;
    __wasi_size_t n;
    __wasi_filesize_t pos;
    __wasi_filestat_t st;
    __wasi_fdstat_t fs;
    char buf[64];

    CHECK("open missing", open_at(root, "new.txt", 0, ALL_RIGHTS, 0, &fd));
    CHECK("create", open_at(root, "new.txt", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0, &fd));
    CHECK("create excl on existing",
          open_at(root, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_RIGHTS, 0, &fd2));
    CHECK("write", write_str(fd, "hello, wasi world", &n));
    printf("wrote %u\n", (unsigned)n);
    CHECK("tell", __wasi_fd_tell(fd, &pos));
    printf("pos %llu\n", (unsigned long long)pos);
    CHECK("seek set 7", __wasi_fd_seek(fd, 7, __WASI_WHENCE_SET, &pos));
    __wasi_iovec_t iov = {(uint8_t *)buf, 4};
    CHECK("read 4", __wasi_fd_read(fd, &iov, 1, &n));
    printf("read %u '%.*s'\n", (unsigned)n, (int)n, buf);
    CHECK("seek cur -2", __wasi_fd_seek(fd, -2, __WASI_WHENCE_CUR, &pos));
    printf("pos %llu\n", (unsigned long long)pos);
    CHECK("seek end -5", __wasi_fd_seek(fd, -5, __WASI_WHENCE_END, &pos));
    printf("pos %llu\n", (unsigned long long)pos);
    CHECK("seek before start", __wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos));
    CHECK("seek bad whence", __wasi_fd_seek(fd, 0, 7, &pos));

    /* Two iovecs in one read, then a read at the end. */
    char a[3], b[10];
    __wasi_iovec_t two[2] = {{(uint8_t *)a, 3}, {(uint8_t *)b, 10}};
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    CHECK("readv", __wasi_fd_read(fd, two, 2, &n));
    printf("readv %u '%.3s' '%.10s'\n", (unsigned)n, a, b);
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos));
    CHECK("read at end", __wasi_fd_read(fd, &iov, 1, &n));
    printf("read %u\n", (unsigned)n);

    /* pread/pwrite leave the cursor alone. */
    MUST(__wasi_fd_seek(fd, 3, __WASI_WHENCE_SET, &pos));
    __wasi_ciovec_t w = {(const uint8_t *)"WASI", 4};
    CHECK("pwrite at 12", __wasi_fd_pwrite(fd, &w, 1, 12, &n));
    iov.buf_len = 10;
    CHECK("pread at 7", __wasi_fd_pread(fd, &iov, 1, 7, &n));
    printf("pread %u '%.*s'\n", (unsigned)n, (int)n, buf);
    CHECK("tell after p*", __wasi_fd_tell(fd, &pos));
    printf("pos %llu\n", (unsigned long long)pos);
    CHECK("pwrite past end", __wasi_fd_pwrite(fd, &w, 1, 20, &n));
    CHECK("filestat", __wasi_fd_filestat_get(fd, &st));
    printf("size %llu type %s nlink %llu\n", (unsigned long long)st.size, typename(st.filetype),
           (unsigned long long)st.nlink);
    iov.buf_len = 24;
    CHECK("pread hole", __wasi_fd_pread(fd, &iov, 1, 0, &n));
    printf("pread %u byte17=%d byte19=%d\n", (unsigned)n, buf[17], buf[19]);

    /* Sizes. */
    CHECK("set_size 5", __wasi_fd_filestat_set_size(fd, 5));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("size %llu\n", (unsigned long long)st.size);
    CHECK("allocate 0+10", __wasi_fd_allocate(fd, 0, 10));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("size %llu\n", (unsigned long long)st.size);
    CHECK("allocate 2+3", __wasi_fd_allocate(fd, 2, 3));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("size %llu\n", (unsigned long long)st.size);
    CHECK("advise", __wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_SEQUENTIAL));
    CHECK("advise bad", __wasi_fd_advise(fd, 0, 10, 9));
    CHECK("sync", __wasi_fd_sync(fd));
    CHECK("datasync", __wasi_fd_datasync(fd));

    /* Append mode through fdstat flags. */
    CHECK("set append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    MUST(__wasi_fd_fdstat_get(fd, &fs));
    printf("flags %u type %s\n", (unsigned)fs.fs_flags, typename(fs.fs_filetype));
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    CHECK("append write", write_str(fd, "END", &n));
    CHECK("tell after append", __wasi_fd_tell(fd, &pos));
    printf("pos %llu\n", (unsigned long long)pos);
    CHECK("set flags bad", __wasi_fd_fdstat_set_flags(fd, 0x100));
    MUST(__wasi_fd_fdstat_set_flags(fd, 0));

    /* Rights: drop read, then reads fail and rights cannot come back. */
    MUST(__wasi_fd_fdstat_get(fd, &fs));
    CHECK("add rights", __wasi_fd_fdstat_set_rights(fd, ALL_RIGHTS, 0));
    CHECK("drop read", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base & ~__WASI_RIGHTS_FD_READ, 0));
    MUST(__wasi_fd_fdstat_get(fd, &fs));
    printf("has read %d has write %d\n", (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0,
           (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
    CHECK("read without right", __wasi_fd_read(fd, &iov, 1, &n));
    CHECK("regain read", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base | __WASI_RIGHTS_FD_READ, 0));
    CHECK("close", __wasi_fd_close(fd));
    CHECK("close again", __wasi_fd_close(fd));
    CHECK("write closed", write_str(fd, "x", &n));

    /* A read-only descriptor; truncating open; contents. */
    CHECK("open read-only", open_at(root, "new.txt", 0, __WASI_RIGHTS_FD_READ, 0, &fd));
    CHECK("write read-only", write_str(fd, "x", &n));
    iov.buf_len = sizeof buf;
    CHECK("read all", __wasi_fd_read(fd, &iov, 1, &n));
    for (unsigned i = 0; i < n; i++) if (buf[i] == 0) buf[i] = '_';
    printf("contents '%.*s'\n", (int)n, buf);
    CHECK("seek without right", __wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos));
    CHECK("open trunc", open_at(root, "new.txt", __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0, &fd2));
    MUST(__wasi_fd_filestat_get(fd2, &st));
    printf("size after trunc %llu\n", (unsigned long long)st.size);

    /* Renumber: fd2 takes fd's place; the old number is closed. */
    CHECK("renumber", __wasi_fd_renumber(fd2, fd));
    CHECK("fdstat old number", __wasi_fd_fdstat_get(fd2, &fs));
    MUST(__wasi_fd_fdstat_get(fd, &fs));
    printf("renumbered has write %d\n", (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
    CHECK("renumber to closed", __wasi_fd_renumber(fd, 77));
    CHECK("renumber from closed", __wasi_fd_renumber(77, fd));

    /* Bad pointers are EFAULT and change nothing. */
    CHECK("write bad iovec array", raw_fd_write(fd, 0x7ffffff0, 4, 0x100));
    __wasi_ciovec_t far = {(const uint8_t *)0xfffff000, 16};
    CHECK("write bad buffer", __wasi_fd_write(fd, &far, 1, &n));
    CHECK("write bad nwritten", raw_fd_write(fd, (int32_t)(intptr_t)&w, 1, -4));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("size after faults %llu\n", (unsigned long long)st.size);
    CHECK("open bad path pointer", raw_path_open(root, 0, -16, 100, 0, 0, 0, 0, 0x100));

    /* Directories are not files. */
    CHECK("read dir", __wasi_fd_read(root, &iov, 1, &n));
    CHECK("seek dir", __wasi_fd_seek(root, 0, __WASI_WHENCE_SET, &pos));
    CHECK("open dir for write", open_at(root, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0, &fd2));
    CHECK("path_open on a file fd", open_at(fd, "x", 0, 0, 0, &fd2));
    CHECK("close", __wasi_fd_close(fd));
    CHECK("unlink", __wasi_path_unlink_file(root, "new.txt"));
    CHECK("unlink again", __wasi_path_unlink_file(root, "new.txt"));

    /* An unlinked file stays readable through an open descriptor. */
    MUST(open_at(root, "tmp.txt", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0, &fd));
    MUST(write_str(fd, "still here", &n));
    CHECK("unlink open file", __wasi_path_unlink_file(root, "tmp.txt"));
    iov.buf_len = sizeof buf;
    CHECK("pread unlinked", __wasi_fd_pread(fd, &iov, 1, 0, &n));
    printf("pread '%.*s'\n", (int)n, buf);
    MUST(__wasi_fd_close(fd));

    /* The fixture file. */
    MUST(open_at(root, "hello.txt", 0, __WASI_RIGHTS_FD_READ, 0, &fd));
    CHECK("read fixture", __wasi_fd_read(fd, &iov, 1, &n));
    printf("fixture '%.*s'\n", (int)n, buf);
    return 0;
}
