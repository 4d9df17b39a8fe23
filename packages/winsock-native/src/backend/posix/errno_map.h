#pragma once
#include <cerrno>
#include <cstdint>

namespace wsn::posix {

// The one errno -> Winsock error table of the emulation.
uint32_t WsaErrorFromErrno(int error);

// True for the errno values that mean "try again when ready".
inline bool WouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

}  // namespace wsn::posix
