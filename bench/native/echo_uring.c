/* echo_uring: the io_uring floor beside echo_epoll. One thread, one ring: each client has one receive or one
 * send in the kernel at a time (recv, then send back exactly what was received, then recv again), so it echoes
 * the way echo_epoll does and the way the addon's io_uring engine hands a queue head to the kernel.
 *
 *   echo_uring <port> [normal|defer]   (0 picks a free port; prints "LISTENING <port>" once it accepts)
 *
 * The second argument is how the kernel runs a request's completion work (task work):
 *   normal  the ring's default, as the addon's engine sets it up: at once, interrupting the thread (an IPI
 *           and a signal-like return path), because the engine sleeps in epoll and must be woken for it;
 *   defer   IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN: only when this thread waits in
 *           io_uring_enter, in one batch; what a single-threaded io_uring program would choose.
 * A short send is submitted again for the rest before the client's next receive.
 * SIGINT / SIGTERM close every connection and exit 0. */
#include "net_util.h"

#include <errno.h>
#include <liburing.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

enum { CLIENT_BUFFER = 16 * 1024, SUBMISSION_ENTRIES = 1024, COMPLETION_ENTRIES = 16384 };

/* A completion's user_data: a client pointer (8-byte aligned) with what finished in the low bits. */
enum { KIND_RECV = 0, KIND_SEND = 1, KIND_ACCEPT = 2, KIND_STOP = 3, KIND_MASK = 3 };

struct client {
  int fd;
  unsigned sent;    /* bytes of the current echo already sent */
  unsigned pending; /* bytes of the current echo */
  unsigned char buffer[CLIENT_BUFFER];
};

struct server {
  struct io_uring ring;
  int listen_fd;
  bool stopping;
  struct signalfd_siginfo stop_info;
};

static struct io_uring_sqe *next_entry(struct server *server) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&server->ring);
  while (!sqe) { /* the submission queue is full: hand it to the kernel and take a fresh entry */
    if (io_uring_submit(&server->ring) < 0) die("io_uring_submit failed");
    sqe = io_uring_get_sqe(&server->ring);
  }
  return sqe;
}

static void submit_recv(struct server *server, struct client *client) {
  struct io_uring_sqe *sqe = next_entry(server);
  io_uring_prep_recv(sqe, client->fd, client->buffer, CLIENT_BUFFER, 0);
  io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)client | KIND_RECV);
}

static void submit_send(struct server *server, struct client *client) {
  struct io_uring_sqe *sqe = next_entry(server);
  io_uring_prep_send(sqe, client->fd, client->buffer + client->sent, client->pending - client->sent, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)client | KIND_SEND);
}

static void submit_accept(struct server *server) {
  struct io_uring_sqe *sqe = next_entry(server);
  io_uring_prep_accept(sqe, server->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, KIND_ACCEPT);
}

static void close_client(struct client *client) {
  close(client->fd);
  free(client);
}

static void on_accepted(struct server *server, int fd) {
  if (fd >= 0) {
    struct client *client = malloc(sizeof *client);
    if (client) {
      client->fd = fd;
      set_tcp_nodelay(fd);
      submit_recv(server, client);
    } else {
      close(fd);
    }
  } else if (fd != -EINTR && fd != -ECONNABORTED) {
    fprintf(stderr, "echo_uring: accept: %s\n", strerror(-fd));
  }
  submit_accept(server);
}

static void on_received(struct server *server, struct client *client, int result) {
  if (result <= 0) { /* the end, or a reset */
    close_client(client);
    return;
  }
  client->sent = 0;
  client->pending = (unsigned)result;
  submit_send(server, client);
}

static void on_sent(struct server *server, struct client *client, int result) {
  if (result < 0) {
    close_client(client);
    return;
  }
  client->sent += (unsigned)result;
  if (client->sent < client->pending) submit_send(server, client); /* a short send: the rest first */
  else submit_recv(server, client);
}

static unsigned setup_flags(const char *mode) {
  if (strcmp(mode, "normal") == 0) return 0;
  if (strcmp(mode, "defer") == 0) return IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  die("unknown mode '%s' (normal or defer)", mode);
}

int main(int argc, char **argv) {
  long port;
  if (argc < 2 || argc > 3 || parse_int(argv[1], 0, 65535, &port) != 0) {
    fprintf(stderr, "usage: echo_uring <port> [normal|defer]   (0 picks a free port)\n");
    return 2;
  }
  raise_fd_limit();
  struct server server = {0};
  struct io_uring_params params = {0};
  params.flags = setup_flags(argc == 3 ? argv[2] : "normal") | IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
  params.cq_entries = COMPLETION_ENTRIES;
  int result = io_uring_queue_init_params(SUBMISSION_ENTRIES, &server.ring, &params);
  if (result < 0) die("io_uring_setup: %s (the kernel or a seccomp filter refuses io_uring)", strerror(-result));

  int bound_port;
  server.listen_fd = open_loopback_listener((int)port, &bound_port);
  int stop_fd = open_stop_signal_fd();
  struct io_uring_sqe *sqe = next_entry(&server);
  io_uring_prep_read(sqe, stop_fd, &server.stop_info, sizeof server.stop_info, 0);
  io_uring_sqe_set_data64(sqe, KIND_STOP);
  submit_accept(&server);
  printf("LISTENING %d\n", bound_port);
  fflush(stdout);

  while (!server.stopping) {
    result = io_uring_submit_and_wait(&server.ring, 1);
    if (result < 0 && result != -EINTR) die("io_uring_submit_and_wait: %s", strerror(-result));
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&server.ring, head, cqe) {
      seen++;
      const uint64_t tag = cqe->user_data;
      struct client *client = (struct client *)(uintptr_t)(tag & ~(uint64_t)KIND_MASK);
      switch (tag & KIND_MASK) {
        case KIND_RECV: on_received(&server, client, cqe->res); break;
        case KIND_SEND: on_sent(&server, client, cqe->res); break;
        case KIND_ACCEPT: on_accepted(&server, cqe->res); break;
        default: server.stopping = true; break;
      }
    }
    io_uring_cq_advance(&server.ring, seen);
  }
  /* Clients are not tracked in a list: exiting closes their sockets, and the ring with them. */
  io_uring_queue_exit(&server.ring);
  close(server.listen_fd);
  return 0;
}
