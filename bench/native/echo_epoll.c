/* echo_epoll: the floor the Node servers are measured against. One thread, level-triggered epoll,
 * non-blocking TCP_NODELAY sockets: recv, then send back exactly what was received.
 *
 *   echo_epoll <port>      (0 picks a free port; prints "LISTENING <port>" once it accepts connections)
 *
 * A partial send keeps the rest in the client's pending buffer and stops reading that client until it is
 * written (backpressure), so a client never has more than one receive's worth buffered.
 * SIGINT / SIGTERM close every connection and exit 0. */
#include "net_util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

enum { RECV_CHUNK = 64 * 1024, MAX_EVENTS = 512 };

/* Bytes a short send left behind; empty (length 0) for nearly every client nearly all the time. */
struct client {
  unsigned char *pending;
  size_t pending_length;
  size_t pending_offset;
};

struct server {
  int epoll_fd;
  int listen_fd;
  int stop_fd;
  long max_fds;
  struct client **clients; /* indexed by fd: epoll reports the fd, this finds its state */
};

static unsigned char recv_chunk[RECV_CHUNK];

static void close_client(struct server *server, int fd) {
  struct client *client = server->clients[fd];
  if (client) free(client->pending);
  free(client);
  server->clients[fd] = NULL;
  close(fd); /* closing also removes it from the epoll set */
}

static void accept_clients(struct server *server) {
  for (;;) {
    int fd = accept4(server->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
        fprintf(stderr, "echo_epoll: accept: %s\n", strerror(errno));
      return;
    }
    struct client *client = fd < server->max_fds ? calloc(1, sizeof *client) : NULL;
    if (!client) {
      close(fd);
      continue;
    }
    set_tcp_nodelay(fd);
    server->clients[fd] = client;
    epoll_watch(server->epoll_fd, fd, EPOLLIN, (uint64_t)fd);
  }
}

/* Sends what it can; a remainder becomes the client's pending bytes and the client waits for EPOLLOUT. */
static bool send_or_keep(struct server *server, int fd, const unsigned char *data, size_t length) {
  ssize_t sent = send(fd, data, length, MSG_NOSIGNAL);
  if (sent < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
    sent = 0;
  }
  if ((size_t)sent == length) return true;
  struct client *client = server->clients[fd];
  size_t rest = length - (size_t)sent;
  client->pending = malloc(rest);
  if (!client->pending) return false;
  memcpy(client->pending, data + sent, rest);
  client->pending_length = rest;
  client->pending_offset = 0;
  epoll_rewatch(server->epoll_fd, fd, EPOLLOUT, (uint64_t)fd);
  return true;
}

static bool echo_readable(struct server *server, int fd) {
  ssize_t received = recv(fd, recv_chunk, sizeof recv_chunk, 0);
  if (received > 0) return send_or_keep(server, fd, recv_chunk, (size_t)received);
  if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
  return false; /* 0: the peer closed; < 0: reset or another error */
}

static bool flush_pending(struct server *server, int fd) {
  struct client *client = server->clients[fd];
  size_t left = client->pending_length - client->pending_offset;
  ssize_t sent = send(fd, client->pending + client->pending_offset, left, MSG_NOSIGNAL);
  if (sent < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  client->pending_offset += (size_t)sent;
  if (client->pending_offset < client->pending_length) return true;
  free(client->pending);
  client->pending = NULL;
  client->pending_length = client->pending_offset = 0;
  epoll_rewatch(server->epoll_fd, fd, EPOLLIN, (uint64_t)fd); /* drained: read again */
  return true;
}

static void handle_client_event(struct server *server, int fd, uint32_t events) {
  if (!server->clients[fd]) return;
  bool alive;
  if (events & EPOLLOUT)
    alive = flush_pending(server, fd);
  else if (events & EPOLLIN)
    alive = echo_readable(server, fd);
  else
    alive = false; /* EPOLLERR / EPOLLHUP with nothing left to read or write */
  if (!alive) close_client(server, fd);
}

static void run_until_stopped(struct server *server) {
  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int count = epoll_wait(server->epoll_fd, events, MAX_EVENTS, -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      die_errno("epoll_wait");
    }
    for (int i = 0; i < count; i++) {
      int fd = (int)events[i].data.u64;
      if (fd == server->stop_fd) return;
      if (fd == server->listen_fd)
        accept_clients(server);
      else
        handle_client_event(server, fd, events[i].events);
    }
  }
}

static void close_all_clients(struct server *server) {
  for (long fd = 0; fd < server->max_fds; fd++)
    if (server->clients[fd]) close_client(server, (int)fd);
}

int main(int argc, char **argv) {
  long port;
  if (argc != 2 || parse_int(argv[1], 0, 65535, &port) != 0) {
    fprintf(stderr, "usage: echo_epoll <port>   (0 picks a free port)\n");
    return 2;
  }
  struct server server = {0};
  server.max_fds = raise_fd_limit();
  server.clients = calloc((size_t)server.max_fds, sizeof *server.clients);
  if (!server.clients) die("out of memory for %ld clients", server.max_fds);
  server.stop_fd = open_stop_signal_fd();
  int bound_port;
  server.listen_fd = open_loopback_listener((int)port, &bound_port);
  server.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (server.epoll_fd < 0) die_errno("epoll_create1");
  epoll_watch(server.epoll_fd, server.stop_fd, EPOLLIN, (uint64_t)server.stop_fd);
  epoll_watch(server.epoll_fd, server.listen_fd, EPOLLIN, (uint64_t)server.listen_fd);

  printf("LISTENING %d\n", bound_port);
  fflush(stdout);
  run_until_stopped(&server);

  close_all_clients(&server);
  close(server.listen_fd);
  close(server.epoll_fd);
  free(server.clients);
  return 0;
}
