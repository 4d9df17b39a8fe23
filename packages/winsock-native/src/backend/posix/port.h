// The emulation's completion ports: a process-wide FIFO of packets per port and a LIFO stack of the threads
// waiting on it, all under the Sync lock. Completions reach a port from AnnounceCompletion (completion.cc).
#pragma once
#include <deque>
#include <memory>
#include <vector>

#include "backend/backend.h"

namespace wsn::posix {

struct Port;
using PortPtr = std::shared_ptr<Port>;

}  // namespace wsn::posix

namespace wsn::backend {

// One GetQueuedCompletionStatus(Ex) in progress: a blocked thread's (on its stack) or an async one's.
struct PortWaiter {
  EnvState* env = nullptr;
  posix::PortPtr port;
  uint32_t max = 1;
  bool alertable = false;
  bool async = false;
  uint32_t id = 0;                    // async only
  bool done = false;                  // packets handed over, or the port closed: `result` says which
  uint32_t result = 0;
  bool settled = false;               // async: a delivery reported it; TakeDequeued collects the packets
  std::vector<PortPacket*> packets;
};

}  // namespace wsn::backend

namespace wsn::posix {

using backend::PortWaiter;

struct Port {
  explicit Port(uint32_t h) : handle(h) {}
  const uint32_t handle;
  bool closed = false;
  std::deque<PortPacket*> queue;      // FIFO
  std::vector<PortWaiter*> waiters;   // the last to wait is released first
};

// Under Sync().mutex.
PortPtr FindPortLocked(uint32_t handle);
// Queues `packet` (or hands it straight to the last thread to wait). A closed port drops it.
void EnqueueLocked(Port& port, PortPacket* packet);
// A packet that will never reach JS: its issuer's next delivery releases the slot.
void DropPacketLocked(PortPacket* packet);
// Env teardown: the env's packets lose their issuer, its async waiters go and give back what they held.
void DetachPortsLocked(EnvState* env);
// A posix port has nobody to tell when a waiter leaves its stack (the port_waiters.h hook).
inline void NothingToQuiet(Port&) {}
size_t PortCountLocked();
size_t PortWaiterCountLocked();

}  // namespace wsn::posix
