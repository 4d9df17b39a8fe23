/* Socket and process plumbing shared by echo_epoll and loadgen: loopback-only TCP, non-blocking sockets,
 * the stop signals as a file descriptor, and the monotonic clock both programs time with. */
#ifndef BENCH_NET_UTIL_H
#define BENCH_NET_UTIL_H

#include <stdint.h>
#include <sys/epoll.h>

/* CLOCK_MONOTONIC in nanoseconds: the timestamp loadgen writes into each message and reads back. */
uint64_t monotonic_ns(void);

/* Print "<program>: <message>" (die_errno: followed by ": strerror(errno)") to stderr and exit with status 1. */
_Noreturn void die(const char *format, ...);
_Noreturn void die_errno(const char *format, ...);

/* Parses a decimal integer in [min, max]; returns 0 on success, -1 if text is not one. */
int parse_int(const char *text, long min, long max, long *out);

/* Raises the soft RLIMIT_NOFILE to the hard limit (10k sessions need 10k descriptors); returns the new limit. */
long raise_fd_limit(void);

int set_nonblocking(int fd);
int set_tcp_nodelay(int fd);

/* A non-blocking listener on 127.0.0.1:port (0 picks a free port); *bound_port receives the port. Dies on failure. */
int open_loopback_listener(int port, int *bound_port);

/* A non-blocking TCP_NODELAY socket with connect() to 127.0.0.1:port started (EINPROGRESS is the normal case).
 * Returns the socket, or -1 with errno set if even starting the connect failed. */
int start_loopback_connect(int port);

/* The pending error of a socket whose non-blocking connect finished (0: connected). */
int socket_error(int fd);

/* Blocks SIGINT and SIGTERM and returns a signalfd that becomes readable when one arrives: the event loop
 * learns about a stop request like any other event, with no race between a flag check and the wait. */
int open_stop_signal_fd(void);

/* epoll_ctl(ADD / MOD) with data.u64 = tag (what the caller finds its state by); dies on failure,
 * which only a bug can cause. */
void epoll_watch(int epoll_fd, int fd, uint32_t events, uint64_t tag);
void epoll_rewatch(int epoll_fd, int fd, uint32_t events, uint64_t tag);

/* epoll_wait with a nanosecond timeout (epoll_pwait2; epoll_wait rounded up to ms on kernels without it).
 * timeout_ns < 0 waits forever. */
int epoll_wait_ns(int epoll_fd, struct epoll_event *events, int max_events, int64_t timeout_ns);

#endif
