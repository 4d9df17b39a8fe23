/* loadgen: the load every bench server is measured with. One thread, epoll, N TCP connections to
 * 127.0.0.1:PORT. Every message carries its send time (CLOCK_MONOTONIC ns) and a per-connection sequence
 * number; echoes are reassembled per connection (TCP is a stream) and a message's round trip is taken when
 * its last byte is back.
 *
 *   loadgen --port P [--connections 100] [--size 100] [--mode rate|pingpong] [--spread staggered|burst]
 *           [--interval 10] [--warmup 2] [--measure 5] [--connect-rate 5000] [--connect-timeout 30]
 *
 *   rate      open loop: each connection sends one message every --interval ms; staggered spreads the
 *             connections' send times evenly over the interval, burst sends for all of them in one tick
 *   pingpong  closed loop: each connection keeps exactly one message in flight
 *
 * stdout, one line each: "CONNECTED <n> <ms>" once every connection is up, "STEADY_BEGIN" when the measured
 * window starts (after --warmup s of traffic), "STEADY_END" when it ends (after --measure s), then one JSON
 * line of results; then it closes everything and exits 0. Exit 1 (and a message on stderr) if the
 * connections cannot be made; an alarm ends the process with exit 3 if it ever overruns its time budget. */
#include "latency_histogram.h"
#include "net_util.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

enum mode { MODE_RATE, MODE_PINGPONG };
enum spread { SPREAD_STAGGERED, SPREAD_BURST };

enum {
  HEADER_BYTES = 12,     /* u64 send time + u32 sequence number, at the start of every message */
  MAX_MESSAGE_BYTES = 65536,
  TX_QUEUE_MESSAGES = 64, /* messages a connection may have waiting behind a short send before it skips */
  MAX_CONNECTING = 256,   /* connects in progress at once: keeps the server's accept queue from overflowing */
  CONNECT_ATTEMPTS = 5,
  MAX_EVENTS = 1024,
  RECV_CHUNK = 64 * 1024,
};

static const uint64_t STOP_TAG = UINT64_MAX; /* epoll tag of the stop signal; connections are tagged by index */
static const uint64_t NS_PER_MS = 1000000, NS_PER_S = 1000000000;

struct options {
  int port;
  int connections;
  int size;
  int interval_ms;
  enum mode mode;
  enum spread spread;
  double warmup_s;
  double measure_s;
  int connect_rate;
  double connect_timeout_s;
};

enum connection_state { CONN_WAITING, CONN_CONNECTING, CONN_OPEN, CONN_CLOSED };

struct connection {
  int fd;
  enum connection_state state;
  int attempts;
  uint64_t retry_at_ns;
  uint32_t next_send_sequence;
  uint32_t next_echo_sequence;
  uint32_t echo_filled; /* bytes of the message being reassembled */
  unsigned char echo_header[HEADER_BYTES];
  uint64_t echoes;
  unsigned char *tx; /* bytes a short send left behind, then whole messages queued after them */
  uint32_t tx_length;
  uint32_t tx_offset;
};

struct counters {
  uint64_t sent;
  uint64_t closed;       /* connections the server closed or reset */
  uint64_t out_of_order; /* an echo whose sequence number was not the next one expected */
  uint64_t skipped;      /* scheduled sends dropped because the connection's queue was full */
};

struct window {
  bool open;
  uint64_t begin_ns;
  uint64_t end_ns;
  uint64_t messages;
  struct latency_histogram round_trip;
};

struct loadgen {
  struct options options;
  struct connection *connections;
  int epoll_fd;
  int stop_fd;
  unsigned char *message; /* the message being sent: header rewritten per send, the rest is filler */
  uint64_t next_scheduled_send; /* rate mode: index k of the next send, connection k % N */
  uint64_t traffic_start_ns;
  struct counters counters;
  struct window window;
};

static unsigned char recv_chunk[RECV_CHUNK];

/* ---------- options ---------- */

static _Noreturn void usage(const char *problem) {
  fprintf(stderr,
          "loadgen: %s\n"
          "usage: loadgen --port P [--connections N] [--size B] [--mode rate|pingpong]\n"
          "               [--spread staggered|burst] [--interval MS] [--warmup S] [--measure S]\n"
          "               [--connect-rate PER_S] [--connect-timeout S]\n",
          problem);
  exit(2);
}

static int int_option(const char *name, const char *text, long min, long max) {
  long value;
  if (parse_int(text, min, max, &value) != 0) {
    fprintf(stderr, "loadgen: --%s must be an integer in [%ld, %ld], got '%s'\n", name, min, max, text);
    exit(2);
  }
  return (int)value;
}

static double seconds_option(const char *name, const char *text) {
  char *end;
  double value = strtod(text, &end);
  if (end == text || *end != '\0' || !(value >= 0 && value <= 3600)) {
    fprintf(stderr, "loadgen: --%s must be seconds in [0, 3600], got '%s'\n", name, text);
    exit(2);
  }
  return value;
}

static struct options parse_options(int argc, char **argv) {
  struct options options = {
      .port = 0, .connections = 100, .size = 100, .interval_ms = 10, .mode = MODE_RATE,
      .spread = SPREAD_STAGGERED, .warmup_s = 2, .measure_s = 5, .connect_rate = 5000, .connect_timeout_s = 30,
  };
  static const struct option long_options[] = {
      {"port", required_argument, 0, 'p'},         {"connections", required_argument, 0, 'c'},
      {"size", required_argument, 0, 's'},         {"mode", required_argument, 0, 'm'},
      {"spread", required_argument, 0, 'd'},       {"interval", required_argument, 0, 'i'},
      {"warmup", required_argument, 0, 'w'},       {"measure", required_argument, 0, 'M'},
      {"connect-rate", required_argument, 0, 'r'}, {"connect-timeout", required_argument, 0, 't'},
      {0, 0, 0, 0},
  };
  int option;
  while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
    switch (option) {
      case 'p': options.port = int_option("port", optarg, 1, 65535); break;
      case 'c': options.connections = int_option("connections", optarg, 1, 100000); break;
      case 's': options.size = int_option("size", optarg, HEADER_BYTES, MAX_MESSAGE_BYTES); break;
      case 'i': options.interval_ms = int_option("interval", optarg, 1, 60000); break;
      case 'r': options.connect_rate = int_option("connect-rate", optarg, 1, 1000000); break;
      case 'w': options.warmup_s = seconds_option("warmup", optarg); break;
      case 'M': options.measure_s = seconds_option("measure", optarg); break;
      case 't': options.connect_timeout_s = seconds_option("connect-timeout", optarg); break;
      case 'm':
        if (strcmp(optarg, "rate") == 0) options.mode = MODE_RATE;
        else if (strcmp(optarg, "pingpong") == 0) options.mode = MODE_PINGPONG;
        else usage("--mode is rate or pingpong");
        break;
      case 'd':
        if (strcmp(optarg, "staggered") == 0) options.spread = SPREAD_STAGGERED;
        else if (strcmp(optarg, "burst") == 0) options.spread = SPREAD_BURST;
        else usage("--spread is staggered or burst");
        break;
      default: usage("unknown option");
    }
  }
  if (optind < argc) usage("unexpected argument");
  if (options.port == 0) usage("--port is required");
  if (options.measure_s <= 0) usage("--measure must be more than 0 s");
  return options;
}

/* ---------- sending ---------- */

static void write_u64(unsigned char *at, uint64_t value) { memcpy(at, &value, sizeof value); }
static void write_u32(unsigned char *at, uint32_t value) { memcpy(at, &value, sizeof value); }

static uint64_t read_u64(const unsigned char *at) {
  uint64_t value;
  memcpy(&value, at, sizeof value);
  return value;
}

static uint32_t read_u32(const unsigned char *at) {
  uint32_t value;
  memcpy(&value, at, sizeof value);
  return value;
}

static uint64_t connection_tag(const struct loadgen *loadgen, const struct connection *connection) {
  return (uint64_t)(connection - loadgen->connections);
}

static void connection_lost(struct loadgen *loadgen, struct connection *connection) {
  close(connection->fd);
  connection->state = CONN_CLOSED;
  loadgen->counters.closed++;
}

static uint32_t tx_pending(const struct connection *connection) {
  return connection->tx_length - connection->tx_offset;
}

/* Appends to the connection's queue (after a short send); false if the queue is full. */
static bool queue_tx(struct loadgen *loadgen, struct connection *connection, const unsigned char *data,
                     uint32_t length) {
  uint32_t capacity = TX_QUEUE_MESSAGES * (uint32_t)loadgen->options.size;
  if (!connection->tx && !(connection->tx = malloc(capacity))) die("out of memory");
  if (connection->tx_offset > 0) {
    memmove(connection->tx, connection->tx + connection->tx_offset, tx_pending(connection));
    connection->tx_length -= connection->tx_offset;
    connection->tx_offset = 0;
  }
  if (connection->tx_length + length > capacity) return false;
  bool was_empty = connection->tx_length == 0;
  memcpy(connection->tx + connection->tx_length, data, length);
  connection->tx_length += length;
  if (was_empty)
    epoll_rewatch(loadgen->epoll_fd, connection->fd, EPOLLIN | EPOLLOUT, connection_tag(loadgen, connection));
  return true;
}

static void flush_tx(struct loadgen *loadgen, struct connection *connection) {
  ssize_t sent = send(connection->fd, connection->tx + connection->tx_offset, tx_pending(connection), MSG_NOSIGNAL);
  if (sent < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) connection_lost(loadgen, connection);
    return;
  }
  connection->tx_offset += (uint32_t)sent;
  if (tx_pending(connection) > 0) return;
  connection->tx_length = connection->tx_offset = 0;
  epoll_rewatch(loadgen->epoll_fd, connection->fd, EPOLLIN, connection_tag(loadgen, connection));
}

/* Stamps the message with the time and the connection's next sequence number and sends it. */
static void send_message(struct loadgen *loadgen, struct connection *connection) {
  if (connection->state != CONN_OPEN) return;
  uint32_t size = (uint32_t)loadgen->options.size;
  write_u64(loadgen->message, monotonic_ns());
  write_u32(loadgen->message + 8, connection->next_send_sequence);
  if (tx_pending(connection) > 0) {
    if (!queue_tx(loadgen, connection, loadgen->message, size)) {
      loadgen->counters.skipped++;
      return;
    }
  } else {
    ssize_t sent = send(connection->fd, loadgen->message, size, MSG_NOSIGNAL);
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      connection_lost(loadgen, connection);
      return;
    }
    if (sent < 0) sent = 0;
    if ((uint32_t)sent < size) queue_tx(loadgen, connection, loadgen->message + sent, size - (uint32_t)sent);
  }
  connection->next_send_sequence++;
  loadgen->counters.sent++;
}

/* Rate mode, send k goes to connection k % N in round k / N; staggered offsets it by its share of the
 * interval, burst sends the whole round at the round's start. */
static uint64_t scheduled_time(const struct loadgen *loadgen, uint64_t send_index) {
  uint64_t connections = (uint64_t)loadgen->options.connections;
  uint64_t interval_ns = (uint64_t)loadgen->options.interval_ms * NS_PER_MS;
  uint64_t round = send_index / connections, slot = send_index % connections;
  uint64_t offset = loadgen->options.spread == SPREAD_STAGGERED ? slot * interval_ns / connections : 0;
  return loadgen->traffic_start_ns + round * interval_ns + offset;
}

/* Sends everything that is due, late ones included: the load is open loop, a slow server does not slow it. */
static void send_due_messages(struct loadgen *loadgen, uint64_t now_ns) {
  while (scheduled_time(loadgen, loadgen->next_scheduled_send) <= now_ns) {
    uint64_t index = loadgen->next_scheduled_send++ % (uint64_t)loadgen->options.connections;
    send_message(loadgen, &loadgen->connections[index]);
  }
}

/* ---------- receiving ---------- */

static void complete_echo(struct loadgen *loadgen, struct connection *connection, uint64_t arrived_ns) {
  uint64_t sent_ns = read_u64(connection->echo_header);
  uint32_t sequence = read_u32(connection->echo_header + 8);
  if (sequence != connection->next_echo_sequence) loadgen->counters.out_of_order++;
  connection->next_echo_sequence = sequence + 1;
  connection->echoes++;
  if (loadgen->window.open) {
    loadgen->window.messages++;
    histogram_record(&loadgen->window.round_trip, arrived_ns - sent_ns);
  }
  if (loadgen->options.mode == MODE_PINGPONG) send_message(loadgen, connection);
}

/* Cuts the byte stream back into messages; only a message's header needs keeping until it is complete. */
static void consume_echo_bytes(struct loadgen *loadgen, struct connection *connection, const unsigned char *data,
                               size_t length, uint64_t arrived_ns) {
  uint32_t size = (uint32_t)loadgen->options.size;
  while (length > 0) {
    uint32_t missing = size - connection->echo_filled;
    uint32_t take = length < missing ? (uint32_t)length : missing;
    if (connection->echo_filled < HEADER_BYTES) {
      uint32_t header_part = HEADER_BYTES - connection->echo_filled;
      memcpy(connection->echo_header + connection->echo_filled, data, take < header_part ? take : header_part);
    }
    connection->echo_filled += take;
    data += take;
    length -= take;
    if (connection->echo_filled == size) {
      connection->echo_filled = 0;
      complete_echo(loadgen, connection, arrived_ns);
    }
  }
}

static void receive_echoes(struct loadgen *loadgen, struct connection *connection) {
  ssize_t received = recv(connection->fd, recv_chunk, sizeof recv_chunk, 0);
  if (received > 0) {
    consume_echo_bytes(loadgen, connection, recv_chunk, (size_t)received, monotonic_ns());
  } else if (received == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    connection_lost(loadgen, connection);
  }
}

/* ---------- connecting ---------- */

struct connect_progress {
  int never_tried; /* connections [never_tried, N) have not had a first attempt yet */
  int connecting;
  int open;
  int *retry;      /* connections waiting out a back-off before their next attempt */
  int retry_count;
  uint64_t attempts_started;
};

static void start_connect(struct loadgen *loadgen, struct connect_progress *progress, int index) {
  struct connection *connection = &loadgen->connections[index];
  connection->attempts++;
  progress->attempts_started++;
  connection->fd = start_loopback_connect(loadgen->options.port);
  if (connection->fd < 0) die_errno("connection %d: socket/connect", index);
  connection->state = CONN_CONNECTING;
  progress->connecting++;
  epoll_watch(loadgen->epoll_fd, connection->fd, EPOLLOUT, (uint64_t)index);
}

/* A connect that failed (refused, reset, timed out) is retried after a growing back-off, a few times. */
static void connect_finished(struct loadgen *loadgen, struct connect_progress *progress, int index) {
  struct connection *connection = &loadgen->connections[index];
  progress->connecting--;
  int error = socket_error(connection->fd);
  if (error == 0) {
    connection->state = CONN_OPEN;
    progress->open++;
    epoll_rewatch(loadgen->epoll_fd, connection->fd, EPOLLIN, (uint64_t)index);
    return;
  }
  close(connection->fd);
  connection->state = CONN_WAITING;
  if (connection->attempts >= CONNECT_ATTEMPTS) {
    errno = error;
    die_errno("connection %d: connect to 127.0.0.1:%d failed %d times", index, loadgen->options.port,
              connection->attempts);
  }
  connection->retry_at_ns = monotonic_ns() + (uint64_t)connection->attempts * 100 * NS_PER_MS;
  progress->retry[progress->retry_count++] = index;
}

/* Starts due retries first, then new connections, within the rate budget and MAX_CONNECTING. */
static void start_due_connects(struct loadgen *loadgen, struct connect_progress *progress, uint64_t allowed) {
  uint64_t now_ns = monotonic_ns();
  for (int i = 0; i < progress->retry_count && progress->connecting < MAX_CONNECTING;) {
    int index = progress->retry[i];
    if (loadgen->connections[index].retry_at_ns > now_ns || progress->attempts_started >= allowed) {
      i++;
      continue;
    }
    progress->retry[i] = progress->retry[--progress->retry_count];
    start_connect(loadgen, progress, index);
  }
  while (progress->never_tried < loadgen->options.connections && progress->connecting < MAX_CONNECTING &&
         progress->attempts_started < allowed)
    start_connect(loadgen, progress, progress->never_tried++);
}

static void handle_stop_event(void) {
  fprintf(stderr, "loadgen: stopped by a signal\n");
  exit(130);
}

static void connect_all(struct loadgen *loadgen) {
  int total = loadgen->options.connections;
  struct connect_progress progress = {.retry = calloc((size_t)total, sizeof(int))};
  if (!progress.retry) die("out of memory");
  uint64_t start_ns = monotonic_ns();
  uint64_t deadline_ns = start_ns + (uint64_t)(loadgen->options.connect_timeout_s * (double)NS_PER_S);
  struct epoll_event events[MAX_EVENTS];
  while (progress.open < total) {
    uint64_t now_ns = monotonic_ns();
    if (now_ns > deadline_ns)
      die("%d of %d connections open after %.0f s", progress.open, total, loadgen->options.connect_timeout_s);
    /* The rate budget starts with a small allowance so the first millisecond is not empty. */
    uint64_t allowed = 16 + (now_ns - start_ns) * (uint64_t)loadgen->options.connect_rate / NS_PER_S;
    start_due_connects(loadgen, &progress, allowed);
    int count = epoll_wait_ns(loadgen->epoll_fd, events, MAX_EVENTS, (int64_t)NS_PER_MS);
    if (count < 0 && errno != EINTR) die_errno("epoll_wait");
    for (int i = 0; i < count; i++) {
      uint64_t tag = events[i].data.u64;
      if (tag == STOP_TAG) handle_stop_event();
      struct connection *connection = &loadgen->connections[tag];
      if (connection->state == CONN_CONNECTING)
        connect_finished(loadgen, &progress, (int)tag);
      else if (connection->state == CONN_OPEN)
        receive_echoes(loadgen, connection); /* nothing is sent yet: this is the server closing it */
    }
  }
  free(progress.retry);
  printf("CONNECTED %d %.0f\n", total, (double)(monotonic_ns() - start_ns) / (double)NS_PER_MS);
}

/* ---------- traffic and the measured window ---------- */

static void handle_traffic_event(struct loadgen *loadgen, const struct epoll_event *event) {
  if (event->data.u64 == STOP_TAG) handle_stop_event();
  struct connection *connection = &loadgen->connections[event->data.u64];
  if (connection->state != CONN_OPEN) return;
  if (event->events & (EPOLLIN | EPOLLERR | EPOLLHUP)) receive_echoes(loadgen, connection);
  if (connection->state == CONN_OPEN && (event->events & EPOLLOUT) && tx_pending(connection) > 0)
    flush_tx(loadgen, connection);
}

static void run_traffic(struct loadgen *loadgen) {
  const struct options *options = &loadgen->options;
  loadgen->traffic_start_ns = monotonic_ns();
  uint64_t window_begin_ns = loadgen->traffic_start_ns + (uint64_t)(options->warmup_s * (double)NS_PER_S);
  uint64_t window_end_ns = window_begin_ns + (uint64_t)(options->measure_s * (double)NS_PER_S);
  if (options->mode == MODE_PINGPONG)
    for (int i = 0; i < options->connections; i++) send_message(loadgen, &loadgen->connections[i]);

  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    uint64_t now_ns = monotonic_ns();
    if (!loadgen->window.open && now_ns >= window_begin_ns) {
      loadgen->window.open = true;
      loadgen->window.begin_ns = now_ns;
      printf("STEADY_BEGIN\n");
    }
    if (loadgen->window.open && now_ns >= window_end_ns) {
      loadgen->window.open = false;
      loadgen->window.end_ns = now_ns;
      printf("STEADY_END\n");
      return;
    }
    uint64_t wake_ns = loadgen->window.open ? window_end_ns : window_begin_ns;
    if (options->mode == MODE_RATE) {
      send_due_messages(loadgen, now_ns);
      uint64_t next_send_ns = scheduled_time(loadgen, loadgen->next_scheduled_send);
      if (next_send_ns < wake_ns) wake_ns = next_send_ns;
    }
    now_ns = monotonic_ns();
    int64_t timeout_ns = wake_ns > now_ns ? (int64_t)(wake_ns - now_ns) : 0;
    int count = epoll_wait_ns(loadgen->epoll_fd, events, MAX_EVENTS, timeout_ns);
    if (count < 0 && errno != EINTR) die_errno("epoll_wait");
    for (int i = 0; i < count; i++) handle_traffic_event(loadgen, &events[i]);
  }
}

static void print_results(const struct loadgen *loadgen) {
  const struct window *window = &loadgen->window;
  const struct counters *counters = &loadgen->counters;
  uint64_t unanswered = 0;
  for (int i = 0; i < loadgen->options.connections; i++)
    if (loadgen->connections[i].echoes == 0) unanswered++;
  double seconds = (double)(window->end_ns - window->begin_ns) / (double)NS_PER_S;
  const struct latency_histogram *rtt = &window->round_trip;
  printf("{\"mode\":\"%s\",\"connections\":%d,\"messages\":%llu,\"seconds\":%.6f,\"messages_per_s\":%.1f,"
         "\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
         "\"errors\":%llu,\"closed\":%llu,\"out_of_order\":%llu,\"skipped\":%llu,\"unanswered\":%llu,"
         "\"sent\":%llu}\n",
         loadgen->options.mode == MODE_RATE ? "rate" : "pingpong", loadgen->options.connections,
         (unsigned long long)window->messages, seconds, (double)window->messages / seconds,
         (double)histogram_quantile(rtt, 0.50) / 1e3, (double)histogram_quantile(rtt, 0.99) / 1e3,
         (double)histogram_quantile(rtt, 0.999) / 1e3, (double)rtt->max_ns / 1e3,
         (unsigned long long)(counters->closed + counters->out_of_order + counters->skipped + unanswered),
         (unsigned long long)counters->closed, (unsigned long long)counters->out_of_order,
         (unsigned long long)counters->skipped, (unsigned long long)unanswered,
         (unsigned long long)counters->sent);
}

/* ---------- setup ---------- */

static void deadline_exceeded(int signal_number) {
  (void)signal_number;
  static const char message[] = "loadgen: hard deadline exceeded\n";
  (void)!write(STDERR_FILENO, message, sizeof message - 1);
  _exit(3);
}

/* Whatever happens (a server that stops answering, a bug), the process ends within its time budget. */
static void arm_hard_deadline(const struct options *options) {
  double budget_s = options->connect_timeout_s + options->warmup_s + options->measure_s + 10;
  signal(SIGALRM, deadline_exceeded);
  alarm((unsigned)budget_s + 1);
}

static void prepare(struct loadgen *loadgen) {
  const struct options *options = &loadgen->options;
  setvbuf(stdout, NULL, _IOLBF, 0); /* the runner reacts to each marker line as it is printed */
  prctl(PR_SET_TIMERSLACK, 1UL);    /* staggered sends are ~20 us apart: the default 50 us slack would bunch them */
  long fd_limit = raise_fd_limit();
  if (fd_limit < options->connections + 16)
    die("%d connections need %d file descriptors, the limit is %ld (ulimit -n)", options->connections,
        options->connections + 16, fd_limit);
  loadgen->connections = calloc((size_t)options->connections, sizeof *loadgen->connections);
  loadgen->message = malloc((size_t)options->size);
  if (!loadgen->connections || !loadgen->message) die("out of memory");
  memset(loadgen->message, 'x', (size_t)options->size);
  loadgen->stop_fd = open_stop_signal_fd();
  loadgen->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (loadgen->epoll_fd < 0) die_errno("epoll_create1");
  epoll_watch(loadgen->epoll_fd, loadgen->stop_fd, EPOLLIN, STOP_TAG);
}

static void close_all(struct loadgen *loadgen) {
  for (int i = 0; i < loadgen->options.connections; i++) {
    struct connection *connection = &loadgen->connections[i];
    if (connection->state == CONN_OPEN || connection->state == CONN_CONNECTING) close(connection->fd);
    free(connection->tx);
  }
  free(loadgen->connections);
  free(loadgen->message);
  close(loadgen->epoll_fd);
  close(loadgen->stop_fd);
}

int main(int argc, char **argv) {
  static struct loadgen loadgen; /* static: the latency histogram is 58 KiB */
  loadgen.options = parse_options(argc, argv);
  arm_hard_deadline(&loadgen.options);
  prepare(&loadgen);
  connect_all(&loadgen);
  run_traffic(&loadgen);
  print_results(&loadgen);
  close_all(&loadgen);
  return 0;
}
