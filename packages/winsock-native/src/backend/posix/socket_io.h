#pragma once
#include "backend/posix/socket.h"

namespace wsn::posix {

// With socket.mutex held (a drain): completes queued operations in order until one would block.
void DrainReadQueue(Socket& socket);
void DrainWriteQueue(Socket& socket);

}  // namespace wsn::posix
