/*
 * om-fetch: the only program in openapi-meta's helper image.
 *
 * A helper container joins the network namespace of the container under test
 * (network_mode "container:<id>") and runs this, so the server is reached on the
 * container's own 127.0.0.1 whatever the image holds: no shell, no libc, no fetcher.
 * It is static and libc-free (raw system calls) so the same few kilobytes run on any
 * Linux engine of its architecture; scripts/build_fetcher.sh builds it.
 *
 *   om-fetch                        wait forever (the helper's main process)
 *   om-fetch PORT SECONDS REQUEST   connect to 127.0.0.1:PORT (then [::1]:PORT when
 *                                   refused), send REQUEST, copy the answer to stdout
 *                                   until the server closes; reads and writes give up
 *                                   after SECONDS
 *   om-fetch -f PATH                copy the file PATH to stdout (/proc/net/tcp as
 *                                   this network namespace sees it)
 *
 * Exit codes: 0 done, 2 usage, 3 connection refused, 4 other socket error,
 * 5 timed out, 6 cannot open the file.
 */

typedef unsigned long size_t;
typedef long ssize_t;

#if defined(__x86_64__)
enum { SYS_read = 0, SYS_write = 1, SYS_close = 3, SYS_socket = 41, SYS_connect = 42,
       SYS_setsockopt = 54, SYS_exit_group = 231, SYS_openat = 257, SYS_ppoll = 271 };

static long syscall6(long n, long a, long b, long c, long d, long e, long f) {
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

__asm__(".text\n.global _start\n_start:\n"
        "  xor %rbp, %rbp\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call start_c\n  hlt\n");
#elif defined(__aarch64__)
enum { SYS_read = 63, SYS_write = 64, SYS_close = 57, SYS_socket = 198, SYS_connect = 203,
       SYS_setsockopt = 208, SYS_exit_group = 94, SYS_openat = 56, SYS_ppoll = 73 };

static long syscall6(long n, long a, long b, long c, long d, long e, long f) {
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}

__asm__(".text\n.global _start\n_start:\n"
        "  mov x29, #0\n  mov x0, sp\n  bl start_c\n  brk #0\n");
#else
#error "om-fetch: unsupported architecture"
#endif

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_CLOEXEC 02000000
#define SOL_SOCKET 1
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define AT_FDCWD (-100)
#define O_RDONLY 0
#define ECONNREFUSED 111
#define EAGAIN 11
#define EINTR 4

struct timeval { long tv_sec; long tv_usec; };
struct sockaddr_in { unsigned short family, port; unsigned int addr; unsigned char zero[8]; };
struct sockaddr_in6 {
    unsigned short family, port;
    unsigned int flowinfo;
    unsigned char addr[16];
    unsigned int scope_id;
};

static long sys(long n, long a, long b, long c) { return syscall6(n, a, b, c, 0, 0, 0); }

static __attribute__((noreturn)) void quit(int code) {
    for (;;) sys(SYS_exit_group, code, 0, 0);
}

static size_t length(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static int write_all(int fd, const char *data, size_t size) {
    while (size > 0) {
        long done = sys(SYS_write, fd, (long)data, (long)size);
        if (done == -EINTR) continue;
        if (done <= 0) return (int)(done < 0 ? done : -1);
        data += done;
        size -= (size_t)done;
    }
    return 0;
}

static __attribute__((noreturn)) void fail(int code, const char *why) {
    write_all(2, "om-fetch: ", 10);
    write_all(2, why, length(why));
    write_all(2, "\n", 1);
    quit(code);
}

/* Copy `from` to stdout until end of file; 0, or the negative errno of a read. */
static long copy_out(int from) {
    static char buffer[65536];
    for (;;) {
        long got = sys(SYS_read, from, (long)buffer, sizeof buffer);
        if (got == -EINTR) continue;
        if (got <= 0) return got;
        if (write_all(1, buffer, (size_t)got) != 0) fail(4, "cannot write to stdout");
    }
}

static int parse_number(const char *text, long *out) {
    long value = 0;
    if (!*text) return -1;
    for (; *text; text++) {
        if (*text < '0' || *text > '9' || value > 1000000) return -1;
        value = value * 10 + (*text - '0');
    }
    *out = value;
    return 0;
}

/* A connected socket to the loopback address of `family`, or the negative errno. */
static long connect_loopback(int family, unsigned short port, long seconds) {
    struct timeval limit = { seconds, 0 };
    long fd = sys(SYS_socket, family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return fd;
    syscall6(SYS_setsockopt, fd, SOL_SOCKET, SO_RCVTIMEO, (long)&limit, sizeof limit, 0);
    syscall6(SYS_setsockopt, fd, SOL_SOCKET, SO_SNDTIMEO, (long)&limit, sizeof limit, 0);
    unsigned short net_port = (unsigned short)((port >> 8) | (port << 8));
    long done;
    if (family == AF_INET) {
        struct sockaddr_in address = { AF_INET, net_port, 0x0100007f, { 0 } };
        done = sys(SYS_connect, fd, (long)&address, sizeof address);
    } else {
        struct sockaddr_in6 address = { AF_INET6, net_port, 0, { 0 }, 0 };
        address.addr[15] = 1;
        done = sys(SYS_connect, fd, (long)&address, sizeof address);
    }
    if (done < 0) {
        sys(SYS_close, fd, 0, 0);
        return done;
    }
    return fd;
}

static void fetch(const char *port_text, const char *seconds_text, const char *request) {
    long port, seconds;
    if (parse_number(port_text, &port) != 0 || port < 1 || port > 65535 ||
        parse_number(seconds_text, &seconds) != 0 || seconds < 1)
        fail(2, "usage: om-fetch PORT SECONDS REQUEST");
    long fd = connect_loopback(AF_INET, (unsigned short)port, seconds);
    if (fd == -ECONNREFUSED) {
        /* Only a server on [::1] counts: a namespace without IPv6 says refused, not why. */
        long v6 = connect_loopback(AF_INET6, (unsigned short)port, seconds);
        if (v6 >= 0) fd = v6;
    }
    if (fd == -ECONNREFUSED) fail(3, "connection refused");
    if (fd == -EAGAIN) fail(5, "timed out connecting");
    if (fd < 0) fail(4, "cannot connect");
    int sent = write_all((int)fd, request, length(request));
    if (sent == -EAGAIN) fail(5, "timed out sending the request");
    if (sent != 0) fail(4, "cannot send the request");
    long end = copy_out((int)fd);
    if (end == -EAGAIN) fail(5, "timed out reading the answer");
    if (end < 0) fail(4, "connection broken while reading the answer");
    quit(0);
}

static void cat(const char *path) {
    long fd = syscall6(SYS_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0);
    if (fd < 0) fail(6, "cannot open the file");
    if (copy_out((int)fd) < 0) fail(6, "cannot read the file");
    quit(0);
}

__attribute__((noreturn, used)) void start_c(long *stack) {
    long argc = stack[0];
    char **argv = (char **)(stack + 1);
    if (argc == 1) {
        for (;;) syscall6(SYS_ppoll, 0, 0, 0, 0, 0, 0);
    }
    if (argc == 3 && argv[1][0] == '-' && argv[1][1] == 'f' && argv[1][2] == 0) cat(argv[2]);
    if (argc == 4) fetch(argv[1], argv[2], argv[3]);
    fail(2, "usage: om-fetch | om-fetch PORT SECONDS REQUEST | om-fetch -f PATH");
}
