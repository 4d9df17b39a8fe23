// The platform seam. The API layer (src/api) validates and marshals JS arguments, then calls only these
// functions; a backend (posix+linux today, win later) implements them with Windows-identical semantics.
// Every function returning uint32_t returns a WSA error code (0 = success) unless stated otherwise.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/operation.h"
#include "core/port.h"

namespace wsn {
struct EnvState;

namespace backend {

struct SockAddrIn {
  uint16_t family = 0;
  uint16_t port = 0;     // network byte order
  uint32_t address = 0;  // network byte order
};

struct Linger {
  uint16_t onoff = 0;
  uint16_t seconds = 0;
};

// A socket option value: LINGER for SO_LINGER, an int for everything else.
struct OptionValue {
  int32_t integer = 0;
  Linger linger;
};

struct DeliveryBatch;

// ---- per JS thread ----
// On the env's thread at module load: creates env->channel, the backend's way of running delivery batches
// (core/delivery.h, DeliverBatch) on this thread.
void AttachEnv(EnvState* env);
// Env teardown, on the env's thread: cancels every operation the env issued without calling into JS, closes the
// sockets and events it created and hands back (in `leftovers`) every op still held.
// Returns only once no other thread can still touch the env or its operations.
void DetachEnv(EnvState* env, DeliveryBatch* leftovers);
// After DetachEnv and once the leftovers are released: closes the channel.
void CloseChannel(EnvState* env);
// Whether the channel keeps the env's event loop (and so the process or worker) alive (JS thread).
void SetKeepAlive(EnvState* env, bool alive);
// Drives pending I/O without blocking and without running JS (a JS loop polling a pending Internal).
void PollCompletions(EnvState* env);

// The engine under the API (getEngine()): "io_uring" or "epoll" on Linux, "winsock" on Windows, and why.
struct EngineInfo {
  std::string name;
  std::string reason;
};
EngineInfo DescribeEngine();

struct ResourceCounts {
  uint32_t sockets = 0;
  uint32_t events = 0;
  uint32_t ports = 0;
  uint32_t portWaiters = 0;  // GetQueuedCompletionStatus(Ex) calls waiting right now, blocking or Async
};
ResourceCounts CountResources();

// ---- startup ----
uint32_t Startup();  // process-wide counter, as in Windows
uint32_t Cleanup();

// ---- sockets ----
uint32_t CreateSocket(EnvState* env, int af, int type, int protocol, uint32_t* handle);
uint32_t CloseSocket(uint32_t s);
uint32_t Bind(uint32_t s, const SockAddrIn& name);
uint32_t Listen(uint32_t s, int backlog);
uint32_t Accept(EnvState* env, uint32_t s, uint32_t* accepted, SockAddrIn* peer);
uint32_t Connect(uint32_t s, const SockAddrIn& name);
uint32_t Shutdown(uint32_t s, int how);
uint32_t SetNonBlocking(uint32_t s, bool nonBlocking);
uint32_t BytesReadable(uint32_t s, uint32_t* bytes);
uint32_t GetSockName(uint32_t s, SockAddrIn* name);
uint32_t GetPeerName(uint32_t s, SockAddrIn* name);
uint32_t SetSockOpt(uint32_t s, int level, int name, const OptionValue& value);
uint32_t GetSockOpt(uint32_t s, int level, int name, OptionValue* value);

// ---- plain (non-overlapped) I/O: blocking unless FIONBIO / WSAEventSelect made the socket non-blocking ----
// `flags` are Windows MSG_* flags.
uint32_t Recv(uint32_t s, IoSlice* slices, size_t count, uint32_t flags, uint32_t* bytes);
uint32_t Send(uint32_t s, IoSlice* slices, size_t count, uint32_t flags, uint32_t* bytes);

// ---- overlapped I/O ----
enum class StartResult { Completed, Pending, Failed };
// Starts op->kind on `s` (op->msgFlags holds the caller's Windows MSG_* flags; Accept / Connect / Disconnect
// read op->extension and report their synchronous errors as Failed). A socket associated with a completion port
// fails a start that has a routine with WSAEINVAL. Completed (op->announcePending: the call still says
// WSA_IO_PENDING): op->error/transferred hold the result, nothing is announced yet (the caller
// calls AnnounceCompletion). Pending: the backend owns `op` until it reaches the env's queues. Failed: *error set,
// nothing will ever be signalled for it.
StartResult StartOperation(uint32_t s, Operation* op, uint32_t* error);
// Writes the WSAOVERLAPPED state and announces the completion (routine queued, or event set).
// Returns true if the backend took `op` (it will come back through the env's queues); false: caller recycles it.
bool AnnounceCompletion(Operation* op);
// Blocks the calling JS thread until `state` is no longer STATUS_PENDING.
void WaitForCompletion(EnvState* env, const OverlappedState* state);

// ---- events ----
uint32_t CreateEvent(EnvState* env, uint32_t* handle);
uint32_t CloseEvent(uint32_t handle);
uint32_t SetEvent(uint32_t handle);
uint32_t ResetEvent(uint32_t handle);

// ---- waits (WSAWaitForMultipleEvents, SleepEx and their Async forms) ----
struct WaitRequest {
  std::vector<uint32_t> handles;  // empty: a sleep
  bool waitAll = false;
  bool alertable = false;
};
// Blocks the calling JS thread. Returns the wait result; WAIT_IO_COMPLETION moves the routines to run into
// `routines` (the caller runs them); WSA_WAIT_FAILED sets *error.
uint32_t Wait(EnvState* env, const WaitRequest& request, uint32_t timeoutMs, std::deque<Operation*>* routines,
              uint32_t* error);

constexpr uint32_t kWaitRegistered = 0xFFFFFFFE;  // WaitAsync: not satisfied yet, *waiterId identifies it
// Never blocks. Returns a final result, or kWaitRegistered; the result then arrives through a delivery batch,
// for the waiter id (lib/completions.ts keeps what settles it).
// `poll`: resolve with WSA_WAIT_TIMEOUT at the first delivery if nothing is ready (timeout 0 with routines queued).
uint32_t WaitAsync(EnvState* env, const WaitRequest& request, bool poll, uint32_t* waiterId, uint32_t* error);
// Removes a registered async waiter. False if it was already resolved (its result is on its way).
bool CancelAsyncWait(EnvState* env, uint32_t waiterId);

// What one delivery on a JS thread has to do, collected under the backend's lock.
struct ResolvedWait {
  uint32_t waiterId;
  uint32_t result;
  bool runsRoutines;  // the `routines` of the batch run first; a throwing routine rejects this wait
};
struct DeliveryBatch {
  std::vector<Operation*> finished;        // recycle (release what they retained, unless a packet took the slot)
  std::vector<uint32_t> releasedSlots;     // slots whose port packet another thread dequeued (env->releasedSlots)
  std::deque<Operation*> routines;         // run in order, for the waiter flagged runsRoutines
  std::vector<ResolvedWait> resolved;
};
void CollectDelivery(EnvState* env, DeliveryBatch* batch);
// Only the finished operations and the released slots (a thread in a blocking wait, whose loop may not turn for
// a long time, releases them before the wait returns; routines and async waits stay for a delivery).
void CollectFinished(EnvState* env, DeliveryBatch* batch);
// A routine threw: the ones not run yet go back to the front of the queue, in order.
void RequeueRoutines(EnvState* env, std::deque<Operation*>* notRun);
bool HasAsyncWaiters(EnvState* env);

// ---- completion ports (semantics notes, "Completion ports"); results are Win32 codes, 0 = success ----
// A port handle comes from the same number space as SOCKET and WSAEVENT values. Ports are process-wide: any
// JS thread may wait on any port.
uint32_t CreatePort(EnvState* env, uint32_t* handle);
// ERROR_INVALID_PARAMETER if `socket` is associated already, ERROR_INVALID_HANDLE if it is no socket or `port`
// is no open port.
uint32_t AssociatePort(uint32_t socket, uint32_t port, CompletionKey key);
// CloseHandle on a port: its waiting threads return ERROR_ABANDONED_WAIT_0. ERROR_INVALID_HANDLE if it is none.
uint32_t ClosePortHandle(uint32_t handle);
// PostQueuedCompletionStatus: takes `packet` on success.
uint32_t PostToPort(uint32_t port, PortPacket* packet);

struct DequeueRequest {
  uint32_t port = 0;
  uint32_t max = 1;         // GetQueuedCompletionStatusEx's ulCount
  bool alertable = false;
};
// Blocks the calling JS thread (waiting threads are released LIFO, packets come out FIFO). Returns 0 with up to
// request.max packets in `out`, WAIT_TIMEOUT, ERROR_ABANDONED_WAIT_0 (the port was closed meanwhile),
// ERROR_INVALID_HANDLE, or WAIT_IO_COMPLETION (alertable, no packet: the routines to run are in `routines`).
// `keepWaiting` is asked at least every kTerminationCheckMs while the thread is blocked (without leaving its
// place among the waiting threads); false ends the wait with kWaitAbandoned (a worker being terminated).
constexpr uint32_t kTerminationCheckMs = 100;
constexpr uint32_t kWaitAbandoned = 0xFFFFFFFD;
uint32_t Dequeue(EnvState* env, const DequeueRequest& request, uint32_t timeoutMs, std::vector<PortPacket*>* out,
                 std::deque<Operation*>* routines, const std::function<bool()>& keepWaiting);
// Never blocks: 0 with packets now in `out`, an error, WAIT_TIMEOUT when `poll` finds nothing, or
// kWaitRegistered (*waiterId). A delivery then resolves that waiter with 0 (TakeDequeued hands its packets
// over), ERROR_ABANDONED_WAIT_0, or WAIT_IO_COMPLETION (alertable: the routines ran in that batch).
// CancelAsyncWait withdraws it like any async wait.
uint32_t DequeueAsync(EnvState* env, const DequeueRequest& request, std::vector<PortPacket*>* out,
                      uint32_t* waiterId);
void TakeDequeued(EnvState* env, uint32_t waiterId, std::vector<PortPacket*>* out);
// Once dequeued packets reached JS (one lock for the batch). On a packet's issuer's thread JS released the slot
// itself; on any other thread the issuer's next delivery releases it. Frees the packets, empties `packets`.
void ReturnPackets(EnvState* dequeuer, std::vector<PortPacket*>* packets);
// SetFileCompletionNotificationModes: Win32 error.
uint32_t SetCompletionModes(uint32_t socket, uint32_t modes);
// CancelIoEx(s, only) (only == nullptr: every operation, whichever thread issued it) or CancelIo(s)
// (`issuer` set: only the calling thread's). The cancelled operations complete with WSA_OPERATION_ABORTED.
// ERROR_NOT_FOUND if CancelIoEx found nothing pending (CancelIo succeeds then); ERROR_INVALID_HANDLE if
// `socket` is none.
uint32_t CancelIo(uint32_t socket, const OverlappedState* only, EnvState* issuer);
// GetAcceptExSockaddrs: reads the two addresses AcceptEx wrote after the received data.
void AcceptExSockaddrs(const uint8_t* buffer, uint32_t receiveLength, uint32_t localLength, uint32_t remoteLength,
                       SockAddrIn* local, SockAddrIn* remote);

// ---- WSAEventSelect ----
uint32_t EventSelect(uint32_t s, uint32_t event, uint32_t networkEvents);
uint32_t EnumNetworkEvents(uint32_t s, uint32_t event, uint32_t* networkEvents, int32_t errors[FD_MAX_EVENTS]);

}  // namespace backend
}  // namespace wsn
