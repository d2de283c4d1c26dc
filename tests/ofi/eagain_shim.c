/*
 * eagain_shim.c - LD_PRELOAD fault injector: a share of the small sends a
 * process makes on its non-blocking TCP sockets fail with EAGAIN, as a
 * full socket buffer on a loaded machine makes them.
 *
 * libfabric's tcp provider then keeps the bytes of a send it already
 * reported done (an injected one) in user space until the endpoint is
 * progressed again; a rank that waits elsewhere without progressing it
 * leaves its peer waiting forever.  tests/ofi/eagain_check.py runs
 * fabscale-bench under this shim.
 *
 * FS_EAGAIN_PERCENT  share of eligible sends refused (default 30)
 * FS_EAGAIN_MAX      largest send, in bytes, that may be refused (8192)
 * Only the main thread's sends count (the launcher's own threads are left
 * alone), and the choice is a fixed pseudo-random sequence per process.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static int percent = -1;
static size_t max_bytes;
static uint64_t rng = 0x9e3779b97f4a7c15u;
static unsigned long eligible, refused;

static void setup(void)
{
    const char *p = getenv("FS_EAGAIN_PERCENT");
    const char *m = getenv("FS_EAGAIN_MAX");
    percent = p ? atoi(p) : 30;
    max_bytes = m ? (size_t)strtoull(m, NULL, 10) : 8192;
    rng ^= (uint64_t)getpid();
}

/* Refuse this send?  Non-blocking TCP sockets of the main thread only. */
static int refuse(int fd, size_t len)
{
    if (percent < 0) setup();
    if (percent == 0 || len == 0 || len > max_bytes) return 0;
    if ((pid_t)syscall(SYS_gettid) != getpid()) return 0;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || !(fl & O_NONBLOCK)) return 0;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) ||
        (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
        return 0;
    int type = 0;
    socklen_t tl = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) || type != SOCK_STREAM) return 0;
    rng ^= rng << 13; /* xorshift64 */
    rng ^= rng >> 7;
    rng ^= rng << 17;
    eligible++;
    if ((int)(rng % 100) >= percent) return 0;
    refused++;
    return 1;
}

/* The test checks the shim was in the path: one line per process. */
__attribute__((destructor)) static void report(void)
{
    if (eligible == 0) return;
    char line[128];
    int n = snprintf(line, sizeof line, "eagain_shim: pid %d refused %lu of %lu sends\n",
                     (int)getpid(), refused, eligible);
    if (n > 0) (void)!write(2, line, (size_t)n);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    static ssize_t (*real)(int, const void *, size_t, int);
    if (!real) real = (ssize_t(*)(int, const void *, size_t, int))dlsym(RTLD_NEXT, "send");
    if (refuse(fd, len)) {
        errno = EAGAIN;
        return -1;
    }
    return real(fd, buf, len, flags);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    static ssize_t (*real)(int, const struct msghdr *, int);
    if (!real) real = (ssize_t(*)(int, const struct msghdr *, int))dlsym(RTLD_NEXT, "sendmsg");
    size_t len = 0;
    for (size_t i = 0; i < msg->msg_iovlen; i++) len += msg->msg_iov[i].iov_len;
    if (refuse(fd, len)) {
        errno = EAGAIN;
        return -1;
    }
    return real(fd, msg, flags);
}
