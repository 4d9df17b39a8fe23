#include "net_util.h"

#include <arpa/inet.h>
#include <errno.h> /* with _GNU_SOURCE: program_invocation_short_name */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>


uint64_t monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static _Noreturn void vdie(const char *format, va_list args, const char *reason) {
  fprintf(stderr, "%s: ", program_invocation_short_name);
  vfprintf(stderr, format, args);
  if (reason) fprintf(stderr, ": %s", reason);
  fputc('\n', stderr);
  exit(1);
}

void die(const char *format, ...) {
  va_list args;
  va_start(args, format);
  vdie(format, args, NULL);
}

void die_errno(const char *format, ...) {
  const char *reason = strerror(errno);
  va_list args;
  va_start(args, format);
  vdie(format, args, reason);
}

int parse_int(const char *text, long min, long max, long *out) {
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < min || value > max) return -1;
  *out = value;
  return 0;
}

long raise_fd_limit(void) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return (long)limit.rlim_cur;
}

int set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int set_tcp_nodelay(int fd) {
  int on = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

static struct sockaddr_in loopback_address(int port) {
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons((uint16_t)port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int open_loopback_listener(int port, int *bound_port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die_errno("socket");
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in address = loopback_address(port);
  if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) die_errno("bind 127.0.0.1:%d", port);
  if (listen(fd, SOMAXCONN) != 0) die_errno("listen");
  socklen_t length = sizeof address;
  if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) die_errno("getsockname");
  *bound_port = ntohs(address.sin_port);
  return fd;
}

int start_loopback_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  set_tcp_nodelay(fd);
  struct sockaddr_in address = loopback_address(port);
  if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0 && errno != EINPROGRESS) {
    int saved_errno = errno;
    close(fd);
    errno = saved_errno;
    return -1;
  }
  return fd;
}

int socket_error(int fd) {
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

int open_stop_signal_fd(void) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (sigprocmask(SIG_BLOCK, &stop_signals, NULL) != 0) die_errno("sigprocmask");
  int fd = signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) die_errno("signalfd");
  return fd;
}

static void epoll_control(int epoll_fd, int operation, int fd, uint32_t events, uint64_t tag) {
  struct epoll_event event = {.events = events, .data.u64 = tag};
  if (epoll_ctl(epoll_fd, operation, fd, &event) != 0) die_errno("epoll_ctl(fd %d)", fd);
}

void epoll_watch(int epoll_fd, int fd, uint32_t events, uint64_t tag) {
  epoll_control(epoll_fd, EPOLL_CTL_ADD, fd, events, tag);
}

void epoll_rewatch(int epoll_fd, int fd, uint32_t events, uint64_t tag) {
  epoll_control(epoll_fd, EPOLL_CTL_MOD, fd, events, tag);
}

int epoll_wait_ns(int epoll_fd, struct epoll_event *events, int max_events, int64_t timeout_ns) {
  static int have_pwait2 = 1;
  if (have_pwait2) {
    struct timespec timeout = {.tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000};
    int count = epoll_pwait2(epoll_fd, events, max_events, timeout_ns < 0 ? NULL : &timeout, NULL);
    if (count >= 0 || errno != ENOSYS) return count;
    have_pwait2 = 0;
  }
  int timeout_ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000);
  return epoll_wait(epoll_fd, events, max_events, timeout_ms);
}
