#pragma once
#include <sys/types.h>

#include "backend/posix/socket.h"

namespace wsn::posix {

// With socket.mutex held (a drain): completes queued operations in order until one would block.
void DrainReadQueue(Socket& socket);
void DrainWriteQueue(Socket& socket);
void DrainAcceptQueue(Socket& listener);  // extensions.cc

// With socket.mutex held: one attempt. False if it would block (op untouched), true if it finished.
bool TryReceive(Socket& socket, Operation* op);
bool TrySend(Socket& socket, Operation* op);
bool TryConnect(Socket& socket, Operation* op);  // ConnectEx: the connect, then its data

// What a transfer's outcome means, whoever made the call (this thread, or the kernel for the io_uring engine),
// with socket.mutex held. SettleReceive: `result` is the byte count or -errno; sets op->transferred/error.
void SettleReceive(Socket& socket, Operation* op, ssize_t result);
size_t ReceiveLength(const Operation* op);  // the bytes the receive's slices hold
// A send: skips what is sent (and empty slices), true when nothing is left; AdvanceSend counts `sent` more bytes.
bool SendComplete(Operation* op);
void AdvanceSend(Operation* op, size_t sent);
// The WSA error for a failed transfer's errno (a reset is remembered: every later receive fails with it).
uint32_t ConnectionError(Socket& socket, int error);

// With socket.mutex held: an operation that completed in its starting call (a completion port gets its packet
// unless FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), or one that goes into `queue` to pend.
void CompletedAtOnceLocked(Socket& socket, Operation* op);
void QueueLocked(Socket& socket, OperationQueue& queue, Operation* op);

// AcceptEx / ConnectEx / DisconnectEx starts (extensions.cc), with StartOperation's contract.
backend::StartResult StartAccept(const SocketPtr& listener, Operation* op, uint32_t* error);
backend::StartResult StartConnectLocked(Socket& socket, Operation* op, uint32_t* error);
backend::StartResult StartDisconnectLocked(Socket& socket, Operation* op, uint32_t* error);
// closesocket of an accept socket: its pending AcceptEx (still on the listener's queue) is aborted too.
void AbortAcceptOf(Socket& acceptSocket, std::deque<Operation*>* aborted);
// The error a pending operation completes with when its socket is closed under it.
uint32_t ClosedUnderError(const Operation* op);

}  // namespace wsn::posix
