#include "core/codes.h"

namespace wsn {

uint32_t NtStatusFromWsaError(uint32_t wsaError) {
  switch (wsaError) {
    case kNoError: return STATUS_SUCCESS;
    case WSA_OPERATION_ABORTED: return STATUS_CANCELLED;
    case WSAECONNRESET: return STATUS_CONNECTION_RESET;
    case WSAECONNABORTED: return STATUS_CONNECTION_ABORTED;
    case WSAECONNREFUSED: return STATUS_CONNECTION_REFUSED;
    default: return STATUS_UNSUCCESSFUL;
  }
}

}  // namespace wsn
