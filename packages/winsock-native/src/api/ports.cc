// Completion ports: CreateIoCompletionPort, PostQueuedCompletionStatus, CloseHandle,
// SetFileCompletionNotificationModes, CancelIo(Ex), and the native halves of GetQueuedCompletionStatus(Ex) and
// their Async forms (lib/ports.ts builds the Windows signatures on top).
//
// A dequeue writes its packets into a Uint32Array the caller passes, kEntryWords per packet:
//   win32 error, NTSTATUS, bytes, key low, key high, flags, slot or view index, state address low, high, 0
// flags: bits 0-1 what lpOverlapped is (0 null, 1 the caller's own: its slot, 2 another thread's: a view index
// for overlappedView, the address keys lib/ports.ts's cache of views), bit 2 the key is a bigint.
#include <cmath>

#include "api/api.h"
#include "api/marshal.h"
#include "api/overlapped_object.h"
#include "core/delivery.h"
#include "core/env_state.h"
#include "core/state_block.h"

namespace wsn::api {

constexpr size_t kEntryWords = 10;
constexpr uint32_t kOwnOverlapped = 1, kViewOverlapped = 2, kBigIntKey = 4;
constexpr uint32_t kInvalidHandleValue = 0xFFFFFFFF;

static CompletionKey ToKey(const Arg& arg) {
  Napi::Value value = arg.value();
  CompletionKey key;
  if (value.IsBigInt()) {
    bool lossless = true;
    key.value = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) arg.fail("a ULONG_PTR: a number or a bigint from 0 to 2^64 - 1");
    key.isBigInt = true;
    return key;
  }
  if (!value.IsNumber()) arg.fail("a ULONG_PTR: a number or a bigint");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= 0) || number > 9007199254740991.0 || std::floor(number) != number) {
    arg.fail("a ULONG_PTR: a whole number from 0 to 2^53 - 1, or a bigint");
  }
  key.value = static_cast<uint64_t>(number);
  return key;
}

// CreateIoCompletionPort(FileHandle, ExistingCompletionPort, CompletionKey, NumberOfConcurrentThreads)
static Napi::Value CreateIoCompletionPort(const Napi::CallbackInfo& info) {
  const char* function = "CreateIoCompletionPort";
  Napi::Env env = info.Env();
  uint32_t file = ToUint32({info, function, 0, "FileHandle"});
  uint32_t existing = ToUint32({info, function, 1, "ExistingCompletionPort"});
  CompletionKey key = ToKey({info, function, 2, "CompletionKey"});
  ToUint32({info, function, 3, "NumberOfConcurrentThreads"});  // a scheduling hint: every waiter may run here
  EnvState& state = GetEnvState(env);
  Napi::Number failed = Napi::Number::New(env, 0);
  if (file == kInvalidHandleValue) {
    if (existing != 0) return Fail(env, ERROR_INVALID_PARAMETER, failed);
    uint32_t port = 0;
    uint32_t error = backend::CreatePort(&state, &port);
    if (error != 0) return Fail(env, error, failed);
    return Napi::Number::New(env, port);
  }
  uint32_t port = existing;
  bool created = false;
  if (port == 0) {  // create and associate in one call
    uint32_t error = backend::CreatePort(&state, &port);
    if (error != 0) return Fail(env, error, failed);
    created = true;
  }
  uint32_t error = backend::AssociatePort(file, port, key);
  if (error != 0) {
    if (created) backend::ClosePortHandle(port);
    return Fail(env, error, failed);
  }
  return Napi::Number::New(env, port);
}

// postQueuedCompletionStatus(port, bytes, key, state | null, slot): lib/ports.ts holds the overlapped in `slot`.
static Napi::Value PostQueuedCompletionStatus(const Napi::CallbackInfo& info) {
  const char* function = "PostQueuedCompletionStatus";
  Napi::Env env = info.Env();
  uint32_t port = ToUint32({info, function, 0, "CompletionPort"});
  uint32_t bytes = ToUint32({info, function, 1, "dwNumberOfBytesTransferred"});
  CompletionKey key = ToKey({info, function, 2, "dwCompletionKey"});
  Arg stateArg{info, function, 3, "lpOverlapped"};
  OverlappedState* overlapped = nullptr;
  if (!stateArg.isNullish()) {
    overlapped = StateFromArray(env, stateArg.value());
    if (overlapped == nullptr) stateArg.fail("a WSAOVERLAPPED or null");
  }
  uint32_t slot = ToUint32({info, function, 4, "slot (lib/ports.ts)"});
  EnvState& state = GetEnvState(env);
  PortPacket* packet = PostedPacket(bytes, key, overlapped, &state, slot);
  uint32_t error = backend::PostToPort(port, packet);
  if (error != 0) FreePacket(packet);
  return FailBool(env, error);
}

// Writes `packets` into `area` and hands each back to the backend. Returns how many.
static uint32_t WriteEntries(Napi::Env env, EnvState& state, std::vector<PortPacket*>& packets, Napi::Uint32Array area) {
  for (OverlappedState* view : state.dequeuedViews) StateBlock::Of(view)->Release();
  state.dequeuedViews.clear();
  uint32_t* entry = area.Data();
  const size_t capacity = area.ElementLength() / kEntryWords;
  uint32_t written = 0;
  for (PortPacket* packet : packets) {
    if (written == capacity) break;  // cannot happen: lib/ports.ts sizes the area for the request's maximum
    entry[0] = Win32ErrorFromWsaError(packet->error);
    entry[1] = NtStatusFromWsaError(packet->error);
    entry[2] = packet->bytes;
    entry[3] = static_cast<uint32_t>(packet->key.value);
    entry[4] = static_cast<uint32_t>(packet->key.value >> 32);
    uint32_t flags = packet->key.isBigInt ? kBigIntKey : 0;
    entry[6] = 0;
    const auto address = reinterpret_cast<uintptr_t>(packet->state);
    entry[7] = static_cast<uint32_t>(address);
    entry[8] = static_cast<uint32_t>(static_cast<uint64_t>(address) >> 32);
    entry[9] = 0;
    if (packet->state != nullptr) {
      if (packet->issuer == &state) {
        flags |= kOwnOverlapped;
        entry[6] = packet->slot;  // JS takes the overlapped from its slot and releases the slot
      } else {
        flags |= kViewOverlapped;
        entry[6] = static_cast<uint32_t>(state.dequeuedViews.size());
        StateBlock::Of(packet->state)->Acquire();  // until the next dequeue: overlappedView may need it
        state.dequeuedViews.push_back(packet->state);
      }
    }
    entry[5] = flags;
    entry += kEntryWords;
    written++;
  }
  backend::ReturnPackets(&state, &packets);
  return written;
}

static Napi::Uint32Array ToArea(const Arg& arg, uint32_t max) {
  Napi::Value value = arg.value();
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array ||
      value.As<Napi::Uint32Array>().ElementLength() < static_cast<size_t>(max) * kEntryWords) {
    arg.fail("a Uint32Array of 10 words per entry (lib/ports.ts)");
  }
  return value.As<Napi::Uint32Array>();
}

static backend::DequeueRequest ReadRequest(const Napi::CallbackInfo& info, const char* function) {
  backend::DequeueRequest request;
  request.port = ToUint32({info, function, 0, "CompletionPort"});
  request.max = ToUint32({info, function, 1, "ulCount"});
  request.alertable = ToBool({info, function, 3, "fAlertable"});
  return request;
}

// dequeue(port, max, timeoutMs, alertable, area): the blocking GetQueuedCompletionStatus(Ex). Returns the
// number of entries written, or -1 with the thread's last error set (258, 735, 6, 192 after running routines).
static Napi::Value DequeueBlocking(const Napi::CallbackInfo& info) {
  const char* function = "GetQueuedCompletionStatus";
  Napi::Env env = info.Env();
  backend::DequeueRequest request = ReadRequest(info, function);
  uint32_t timeout = ToUint32({info, function, 2, "dwMilliseconds"});
  Napi::Uint32Array area = ToArea({info, function, 4, "area"}, request.max);
  EnvState& state = GetEnvState(env);
  std::vector<PortPacket*> packets;
  std::deque<Operation*> routines;
  uint32_t result = backend::Dequeue(&state, request, timeout, &packets, &routines, [&] { return CanRunJs(env); });
  ReleaseFinished(env, &state);
  Napi::Number failed = Napi::Number::New(env, -1);
  if (result == backend::kWaitAbandoned) return Fail(env, WSAEINTR, failed);
  if (result == WAIT_IO_COMPLETION) {
    RunRoutines(env, &state, &routines);
    return Fail(env, WAIT_IO_COMPLETION, failed);
  }
  if (result != 0) return Fail(env, result, failed);
  return Napi::Number::New(env, WriteEntries(env, state, packets, area));
}

// dequeueAsync(port, max, alertable, area): entries written now (>= 0), -1 with the last error, or
// -(waiterId + 1): a delivery settles that wait (lib/completions.ts), then takeDequeued collects the entries.
static Napi::Value DequeueAsync(const Napi::CallbackInfo& info) {
  const char* function = "GetQueuedCompletionStatusAsync";
  Napi::Env env = info.Env();
  backend::DequeueRequest request;
  request.port = ToUint32({info, function, 0, "CompletionPort"});
  request.max = ToUint32({info, function, 1, "ulCount"});
  request.alertable = ToBool({info, function, 2, "fAlertable"});
  Napi::Uint32Array area = ToArea({info, function, 3, "area"}, request.max);
  EnvState& state = GetEnvState(env);
  std::vector<PortPacket*> packets;
  uint32_t waiterId = 0;
  uint32_t result = backend::DequeueAsync(&state, request, &packets, &waiterId);
  if (result == backend::kWaitRegistered) {
    UpdateKeepAlive(&state);
    return Napi::Number::New(env, -static_cast<double>(waiterId) - 1);
  }
  if (result != 0) return Fail(env, result, Napi::Number::New(env, -1));
  return Napi::Number::New(env, WriteEntries(env, state, packets, area));
}

// takeDequeued(waiterId, area): the entries of an async dequeue its delivery settled with 0.
static Napi::Value TakeDequeued(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t waiterId = ToUint32({info, "takeDequeued", 0, "waiterId"});
  Napi::Value areaValue = info[1];
  if (!areaValue.IsTypedArray()) Arg{info, "takeDequeued", 1, "area"}.fail("a Uint32Array");
  EnvState& state = GetEnvState(env);
  std::vector<PortPacket*> packets;
  backend::TakeDequeued(&state, waiterId, &packets);
  return Napi::Number::New(env, WriteEntries(env, state, packets, areaValue.As<Napi::Uint32Array>()));
}

// overlappedView(index): this thread's WSAOVERLAPPED over the state of the last dequeue's entry `index`.
static Napi::Value OverlappedView(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t index = ToUint32({info, "overlappedView", 0, "index"});
  EnvState& state = GetEnvState(env);
  if (index >= state.dequeuedViews.size()) Arg{info, "overlappedView", 0, "index"}.fail("an entry of the last dequeue");
  return OverlappedObject::NewView(env, state.dequeuedViews[index]);
}

static Napi::Value CloseHandle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t error = backend::ClosePortHandle(ToUint32({info, "CloseHandle", 0, "hObject"}));
  return FailBool(env, error);
}

static Napi::Value SetFileCompletionNotificationModes(const Napi::CallbackInfo& info) {
  const char* function = "SetFileCompletionNotificationModes";
  Napi::Env env = info.Env();
  uint32_t s = ToUint32({info, function, 0, "FileHandle"});
  uint32_t modes = ToUint32({info, function, 1, "Flags"});
  uint32_t error = backend::SetCompletionModes(s, modes);
  return FailBool(env, error);
}

// The BOOL functions below report Win32 codes through the same per-thread last error: GetLastError() and
// WSAGetLastError() are one value.

// CancelIo(s) / CancelIoEx(s, lpOverlapped | null)
template <bool Ex>
static Napi::Value Cancel(const Napi::CallbackInfo& info) {
  const char* function = Ex ? "CancelIoEx" : "CancelIo";
  Napi::Env env = info.Env();
  uint32_t s = ToUint32({info, function, 0, "hFile"});
  const OverlappedState* only = nullptr;
  if (Ex) {
    Arg overlappedArg{info, function, 1, "lpOverlapped"};
    if (!overlappedArg.isNullish()) {
      OverlappedObject* overlapped = UnwrapOverlapped(env, overlappedArg.value());
      if (overlapped == nullptr) overlappedArg.fail("a WSAOVERLAPPED or null");
      only = overlapped->state;
    }
  }
  uint32_t error = backend::CancelIo(s, only, Ex ? nullptr : &GetEnvState(env));
  return FailBool(env, error);
}

void RegisterPorts(Napi::Env env, Napi::Object exports) {
  Export<CreateIoCompletionPort>(env, exports, "CreateIoCompletionPort");
  Export<PostQueuedCompletionStatus>(env, exports, "postQueuedCompletionStatus");
  Export<DequeueBlocking>(env, exports, "dequeue");
  Export<DequeueAsync>(env, exports, "dequeueAsync");
  Export<TakeDequeued>(env, exports, "takeDequeued");
  Export<OverlappedView>(env, exports, "overlappedView");
  Export<CloseHandle>(env, exports, "CloseHandle");
  Export<SetFileCompletionNotificationModes>(env, exports, "SetFileCompletionNotificationModes");
  Export<Cancel<false>>(env, exports, "CancelIo");
  Export<Cancel<true>>(env, exports, "CancelIoEx");
}

}  // namespace wsn::api
