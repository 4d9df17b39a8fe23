#pragma once
#include <cstdint>

namespace wsn::posix {

// The one errno -> Winsock error table of the emulation.
uint32_t WsaErrorFromErrno(int error);

// True for the errno values that mean "try again when ready".
inline bool WouldBlock(int error);

}  // namespace wsn::posix

#include <cerrno>
inline bool wsn::posix::WouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK; }
