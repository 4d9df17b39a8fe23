// The io_uring engine (backend/posix/engine.h): a pending WSARecv / WSASend is handed to the kernel in the
// ring of the socket's thread, and completes from the ring's completion queue, as an overlapped operation does
// on Windows. What stays as the epoll engine has it: the call's own first attempt (an immediate completion is
// still an immediate completion), ConnectEx, AcceptEx's accept, WSAEventSelect, the blocking calls.
//
// Windows' rules, kept here:
//  - receives fill in posting order and sends go out whole, one after another: only a queue head is ever in
//    the kernel, one per direction; a short send is submitted again for the rest before the next send starts;
//  - no data is taken before a WSARecv asks for it: a receive is submitted only once it is posted (no
//    multishot receive into provided buffers), so FIONREAD, FD_READ and the peer's window look as on Windows;
//  - CancelIoEx and closesocket cancel in the kernel (before the fd is closed), and each operation completes
//    once, from its completion entry, when the kernel no longer touches its buffers; the socket object stays
//    alive until then.
// Submissions prepared on a thread's own turn (its deliveries re-posting receives) wait for the end of the
// delivery round and go in one io_uring_enter; any other submission is handed over at once, so an operation
// never waits on a thread that is busy elsewhere.
#include <liburing.h>
#include <sys/epoll.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "backend/linux/engine_state.h"
#include "backend/posix/socket.h"
#include "backend/posix/socket_io.h"

namespace wsn::posix {

namespace {

constexpr unsigned kSubmissionEntries = 256;
constexpr unsigned kCompletionEntries = 4096;  // more than that in flight overflows into the kernel's list (NODROP)
constexpr unsigned kReapBatch = 128;  // the most entries a drain takes (it asks for as many as epoll_wait takes)

// A completion entry's user_data: the socket, and which of its two transfers. 0 is a cancel request's own entry.
constexpr uint64_t kWriteBit = 1;

}  // namespace

struct Ring {
  io_uring uring{};
  std::mutex submitMutex;  // the submission queue: any thread may add to it (a leaf lock)
  unsigned deferred = 0;   // entries not handed to the kernel yet (prepared on the owner's turn, or a failed enter)
  bool pollFirst = false;  // the kernel takes IORING_RECVSEND_POLL_FIRST (Linux 5.19)
};

void RingDeleter::operator()(Ring* ring) const {
  io_uring_queue_exit(&ring->uring);
  delete ring;
}

namespace {

Ring& RingOf(const Socket& socket) { return *socket.engine->ring; }

uint64_t TagOf(Socket& socket, bool write) { return reinterpret_cast<uintptr_t>(&socket) | (write ? kWriteBit : 0); }

// With ring.submitMutex held: hands the kernel every prepared entry. If io_uring_enter fails (EINTR, EAGAIN
// when the kernel is short of memory), the entries stay in the queue and the owner's next round tries again.
void EnterLocked(Ring& ring) { ring.deferred = io_uring_submit(&ring.uring) < 0 ? 1 : 0; }

// With ring.submitMutex held.
io_uring_sqe* NextEntryLocked(Ring& ring) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring.uring);
  while (sqe == nullptr) {  // the queue is full: hand it over and take a fresh entry
    EnterLocked(ring);
    sqe = io_uring_get_sqe(&ring.uring);
  }
  return sqe;
}

// With ring.submitMutex held, after an entry was prepared: on the owner's own turn it waits for the end of the
// delivery round (SubmitDeferred); anywhere else it goes to the kernel now.
void CommitLocked(Engine& engine, Ring& ring) {
  if (engine.env != nullptr && IsCurrentThread(engine.env) && engine.inTurn) {
    ring.deferred++;
    return;
  }
  EnterLocked(ring);
}

// Under socket.mutex: `op` (the head of its queue) goes to the kernel.
void SubmitTransferLocked(Socket& socket, Operation* op, bool write) {
  KernelTransfer& transfer = write ? socket.kernelWrite : socket.kernelRead;
  transfer.op = op;
  transfer.abortError = 0;
  msghdr& message = transfer.message;
  message = msghdr{};
  message.msg_iov = reinterpret_cast<iovec*>(op->slices.data() + op->nextSlice);
  message.msg_iovlen = op->slices.size() - op->nextSlice;
  if (!socket.heldForKernel) socket.heldForKernel = socket.shared_from_this();
  Ring& ring = RingOf(socket);
  std::lock_guard<std::mutex> lock(ring.submitMutex);
  io_uring_sqe* sqe = NextEntryLocked(ring);
  const int flags = static_cast<int>(op->msgFlags);
  // One buffer (nearly every transfer) goes as IORING_OP_SEND / RECV: no msghdr or iovec array to copy in.
  const iovec& first = message.msg_iov[0];
  if (write && message.msg_iovlen == 1) {
    io_uring_prep_send(sqe, socket.fd, first.iov_base, first.iov_len, MSG_NOSIGNAL | flags);
  } else if (write) {
    io_uring_prep_sendmsg(sqe, socket.fd, &message, MSG_NOSIGNAL | flags);
  } else if (ReceiveLength(op) == 0) {
    // A zero-byte receive completes once data (or the end) is there, consuming nothing: a one-byte peek.
    io_uring_prep_recv(sqe, socket.fd, &socket.peekByte, 1, MSG_PEEK | flags);
  } else if (message.msg_iovlen == 1) {
    io_uring_prep_recv(sqe, socket.fd, first.iov_base, first.iov_len, flags);
  } else {
    io_uring_prep_recvmsg(sqe, socket.fd, &message, flags);
  }
  // The readiness cache knows the socket is drained (or full): the kernel's first try would fail, so it is
  // asked to wait for readiness first and spares that attempt.
  if (ring.pollFirst && !(write ? socket.writable : socket.readable)) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
  io_uring_sqe_set_data64(sqe, TagOf(socket, write));
  CommitLocked(*socket.engine, ring);
}

// Under socket.mutex: an operation that left its queue (or was taken out of it) is announced.
void FinishLocked(Socket& socket, Operation* op, bool write) {
  if (!write) socket.readReported = false;  // a completed receive re-enables FD_READ
  BindToPortLocked(socket, op);
  backend::AnnounceCompletion(op);
}

void SubmitCancelLocked(Socket& socket, bool write) {
  Ring& ring = RingOf(socket);
  std::lock_guard<std::mutex> lock(ring.submitMutex);
  io_uring_sqe* sqe = NextEntryLocked(ring);
  io_uring_prep_cancel64(sqe, TagOf(socket, write), 0);
  io_uring_sqe_set_data64(sqe, 0);
  EnterLocked(ring);  // at once, also on a turn: the fd may be closed right after
}

template <typename Container>
size_t CancelHeld(Socket& socket, Container* taken, uint32_t error) {
  size_t kept = 0;
  for (bool write : {false, true}) {
    KernelTransfer& transfer = write ? socket.kernelWrite : socket.kernelRead;
    if (transfer.op == nullptr || transfer.abortError != 0) continue;  // none, or already cancelled
    auto it = std::find(taken->begin(), taken->end(), transfer.op);
    if (it == taken->end()) continue;
    taken->erase(it);
    transfer.abortError = error != 0 ? error : ClosedUnderError(transfer.op);
    SubmitCancelLocked(socket, write);
    kept++;
  }
  return kept;
}

// What the kernel reports for a transfer: `result` is its byte count or -errno.
void OnTransferDone(Socket& socket, bool write, int result) {
  std::shared_ptr<Socket> release;  // the kernel's hold, dropped after the lock (it may be the last reference)
  std::lock_guard<std::mutex> lock(socket.mutex);
  KernelTransfer& transfer = write ? socket.kernelWrite : socket.kernelRead;
  Operation* op = transfer.op;
  const uint32_t abortError = transfer.abortError;
  // Handed back unfinished without our asking: the thread that submitted it exited (the kernel cancels a
  // task's requests then). The operation is still pending for Windows: submit it again.
  if (abortError == 0 && (result == -ECANCELED || result == -EINTR || result == -EAGAIN)) {
    SubmitTransferLocked(socket, op, write);
    return;
  }
  if (write) {
    if (result >= 0) AdvanceSend(op, static_cast<size_t>(result));
    if (result >= 0 && !SendComplete(op)) {
      if (abortError == 0) {  // a short send: the rest goes before anything queued behind it
        SubmitTransferLocked(socket, op, write);
        return;
      }
      op->error = abortError;
    } else if (result >= 0) {
      op->error = kNoError;
    } else {
      op->error = abortError != 0 ? abortError : ConnectionError(socket, -result);
    }
  } else if (abortError != 0 && result <= 0) {
    op->error = abortError;
    op->transferred = 0;
  } else {
    // Bytes that landed before a cancel took effect are the operation's result, as on Windows.
    SettleReceive(socket, op, result > 0 && ReceiveLength(op) == 0 ? 0 : result);
  }
  transfer.op = nullptr;
  transfer.abortError = 0;
  if (abortError == 0) (write ? socket.writeQueue : socket.readQueue).pop_front();
  FinishLocked(socket, op, write);
  if (!socket.closed) {
    SubmitQueueHeadsLocked(socket);
    if (!write) RecordCurrentReadiness(socket);
  }
  if (socket.kernelRead.op == nullptr && socket.kernelWrite.op == nullptr) release = std::move(socket.heldForKernel);
}

// The running kernel's version as major * 1000 + minor (6.18.44 -> 6018).
int KernelVersion() {
  utsname system{};
  uname(&system);
  int major = 0, minor = 0;
  std::sscanf(system.release, "%d.%d", &major, &minor);
  return major * 1000 + minor;
}

// Who refused io_uring_setup: the sysctl says whether it was the kernel's policy; otherwise a seccomp filter.
std::string SetupRefusal(int result) {
  if (result == -ENOSYS) return "the kernel has no io_uring";
  int disabled = 0;
  if (FILE* sysctl = std::fopen("/proc/sys/kernel/io_uring_disabled", "r")) {
    if (std::fscanf(sysctl, "%d", &disabled) != 1) disabled = 0;
    std::fclose(sysctl);
  }
  if (disabled == 2) return "kernel.io_uring_disabled=2 turns it off for every process";
  if (disabled == 1) return "kernel.io_uring_disabled=1 allows it only to the group in kernel.io_uring_group";
  return "refused by a seccomp filter: containers' default profiles refuse it";
}

}  // namespace

bool ProbeRing(std::string* why) {
  utsname system{};
  uname(&system);
  const std::string kernel = std::string("Linux ") + system.release;
  io_uring probeRing;
  const int result = io_uring_queue_init(2, &probeRing, 0);
  if (result < 0) {
    *why = "io_uring_setup failed on " + kernel + ": " + std::strerror(-result) + " (" + SetupRefusal(result) + ")";
    return false;
  }
  std::string missing;
  if ((probeRing.features & IORING_FEAT_FAST_POLL) == 0) missing += " FAST_POLL";
  if ((probeRing.features & IORING_FEAT_NODROP) == 0) missing += " NODROP";
  if (io_uring_probe* probe = io_uring_get_probe_ring(&probeRing)) {
    for (auto [opcode, name] : {std::pair{IORING_OP_RECVMSG, " RECVMSG"}, {IORING_OP_SENDMSG, " SENDMSG"},
                                {IORING_OP_RECV, " RECV"}, {IORING_OP_SEND, " SEND"},
                                {IORING_OP_ASYNC_CANCEL, " ASYNC_CANCEL"}}) {
      if (!io_uring_opcode_supported(probe, opcode)) missing += name;
    }
    io_uring_free_probe(probe);
  } else {
    missing += " PROBE";
  }
  io_uring_queue_exit(&probeRing);
  if (!missing.empty()) {
    *why = kernel + "'s io_uring lacks what the engine needs:" + missing + " (Linux 5.7 or later has it)";
    return false;
  }
  *why = kernel + " accepts io_uring";
  return true;
}

RingPtr CreateRing(int socketsFd, std::string* error) {
  RingPtr ring(new Ring());
  io_uring_params params{};
  // The default task-work mode, on purpose. DEFER_TASKRUN (with SINGLE_ISSUER) would leave a waiting receive
  // unfinished until this thread enters the ring itself, so a thread busy in JS or blocked elsewhere would
  // stall operations other threads wait for; COOP_TASKRUN would not wake this thread in epoll_wait.
  params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
  params.cq_entries = kCompletionEntries;
  const int result = io_uring_queue_init_params(kSubmissionEntries, &ring->uring, &params);
  if (result < 0) {
    delete ring.release();  // nothing to exit
    *error = std::string("io_uring_setup failed for this thread's ring: ") + std::strerror(-result);
    return nullptr;
  }
  ring->pollFirst = KernelVersion() >= 5019;
  epoll_event event{};
  event.events = EPOLLIN;  // level-triggered: readable while the completion queue holds entries
  event.data.ptr = nullptr;  // not a socket
  if (epoll_ctl(socketsFd, EPOLL_CTL_ADD, ring->uring.ring_fd, &event) < 0) {
    *error = std::string("cannot watch the ring's fd: ") + std::strerror(errno);
    return nullptr;
  }
  return ring;
}

int ReapRingLocked(Engine& engine, int max) {
  Ring& ring = *engine.ring;
  io_uring_cqe* entries[kReapBatch];
  const unsigned count = io_uring_peek_batch_cqe(&ring.uring, entries, std::min<unsigned>(max, kReapBatch));
  struct Done {
    uint64_t tag;
    int result;
  } done[kReapBatch];
  for (unsigned i = 0; i < count; i++) done[i] = {entries[i]->user_data, entries[i]->res};
  io_uring_cq_advance(&ring.uring, count);  // the entries are copied: the kernel may reuse them
  for (unsigned i = 0; i < count; i++) {
    if (done[i].tag == 0) continue;  // a cancel request's own entry: its target reports for itself
    OnTransferDone(*reinterpret_cast<Socket*>(done[i].tag & ~kWriteBit), (done[i].tag & kWriteBit) != 0,
                   done[i].result);
  }
  return static_cast<int>(count);
}

void SubmitDeferred(Engine& engine) {
  if (!engine.ring) return;
  Ring& ring = *engine.ring;
  std::lock_guard<std::mutex> lock(ring.submitMutex);
  if (ring.deferred != 0) EnterLocked(ring);
}

bool KernelTransfers(const Socket& socket) { return socket.engine->ring != nullptr; }

void SubmitQueueHeadsLocked(Socket& socket) {
  if (socket.closed) return;
  while (socket.kernelRead.op == nullptr && !socket.readQueue.empty()) {
    Operation* op = socket.readQueue.front();
    if (!socket.resetSeen) {
      SubmitTransferLocked(socket, op, false);
      break;
    }
    op->error = WSAECONNRESET;  // every receive after a reset fails with it, without asking the kernel
    op->transferred = 0;
    socket.readQueue.pop_front();
    FinishLocked(socket, op, false);
  }
  while (socket.kernelWrite.op == nullptr && !socket.writeQueue.empty()) {
    Operation* op = socket.writeQueue.front();
    if (op->kind == OpKind::Connect) break;  // a ConnectEx connects on readiness (DrainWriteQueue)
    if (!SendComplete(op)) {
      SubmitTransferLocked(socket, op, true);
      break;
    }
    op->error = kNoError;  // nothing (left) to send
    socket.writeQueue.pop_front();
    FinishLocked(socket, op, true);
  }
}

size_t CancelKernelHeldLocked(Socket& socket, std::vector<Operation*>* taken, uint32_t error) {
  return KernelTransfers(socket) ? CancelHeld(socket, taken, error) : 0;
}

size_t CancelKernelHeldLocked(Socket& socket, std::deque<Operation*>* taken, uint32_t error) {
  return KernelTransfers(socket) ? CancelHeld(socket, taken, error) : 0;
}

void SubmitBeforeFdChangeLocked(Socket& socket) {
  if (KernelTransfers(socket)) SubmitDeferred(*socket.engine);
}

}  // namespace wsn::posix
