/* poll_oneoff with clocks and descriptors, plus sched_yield. */
#include "guest.h"

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id,
                                       __wasi_timestamp_t timeout, int abstime) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.flags = abstime ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = type;
    s.u.u.fd_read.file_descriptor = fd;
    return s;
}

/* Polls; `timed` says whether a clock should have fired (>= 20ms) or a
 * descriptor should have been ready at once (< 1s of the 5s clock). */
static void show(const char *label, __wasi_subscription_t *subs, int n, int timed) {
    __wasi_event_t ev[8];
    __wasi_size_t got = 0;
    __wasi_timestamp_t t0, t1;
    MUST(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0));
    __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, n, &got);
    MUST(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
    printf("%s: %s, %u events\n", label, errname(e), (unsigned)got);
    for (unsigned i = 0; i < got; i++)
        printf("  userdata %llu type %u error %s nbytes %llu\n",
               (unsigned long long)ev[i].userdata, (unsigned)ev[i].type, errname(ev[i].error),
               (unsigned long long)ev[i].fd_readwrite.nbytes);
    if (timed) printf("  waited at least 20ms: %d\n", t1 - t0 >= 20000000ull);
    else printf("  returned at once: %d\n", t1 - t0 < 1000000000ull);
}

int main(void) {
    int root = preopen("/");
    __wasi_subscription_t subs[4];
    __wasi_timestamp_t now;

    subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 20000000ull, 0);
    show("relative 20ms", subs, 1, 1);

    subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
    subs[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 25000000ull, 0);
    show("earliest of two", subs, 2, 1);

    MUST(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now));
    subs[0] = clock_sub(3, __WASI_CLOCKID_REALTIME, now + 30000000ull, 1);
    show("absolute realtime", subs, 1, 1);

    MUST(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &now));
    subs[0] = clock_sub(4, __WASI_CLOCKID_MONOTONIC, now + 20000000ull, 1);
    show("absolute monotonic", subs, 1, 1);

    subs[0] = clock_sub(5, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
    subs[1] = fd_sub(6, __WASI_EVENTTYPE_FD_WRITE, 1);
    show("stdout writable", subs, 2, 0);

    __wasi_fd_t fd;
    MUST(open_at(root, "hello.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_POLL_FD_READWRITE, 0, &fd));
    subs[1] = fd_sub(7, __WASI_EVENTTYPE_FD_READ, fd);
    show("file readable", subs, 2, 0);

    subs[1] = fd_sub(8, __WASI_EVENTTYPE_FD_READ, 0);
    show("stdin readable", subs, 2, 0);

    subs[1] = fd_sub(9, __WASI_EVENTTYPE_FD_READ, 55);
    show("bad fd", subs, 2, 0);

    subs[0] = clock_sub(10, 9, 1, 0);
    show("bad clock", subs, 1, 0);

    __wasi_event_t ev;
    __wasi_size_t got;
    CHECK("no subscriptions", __wasi_poll_oneoff(subs, &ev, 0, &got));
    CHECK("sched_yield", __wasi_sched_yield());
    return 0;
}
