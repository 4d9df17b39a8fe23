// WSARecv / WSASend (overlapped or not), plain recv / send, WSAGetOverlappedResult.
#include "api/api.h"
#include "api/marshal.h"
#include "api/overlapped_object.h"
#include "api/overlapped_start.h"
#include "core/delivery.h"
#include "core/env_state.h"

namespace wsn::api {

// Bytes per element, as Napi::TypedArray::ElementSize() counts them.
static size_t ElementSize(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array:
      return 1;
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array:
      return 8;
    default:
      return 0;
  }
}

// One WSABUF (or Buffer) as a slice. Returns a WSA error for a bad length or a detached buffer.
// One napi_get_typedarray_info call gives everything (Napi::TypedArray's accessors would make four).
// `backing` (optional) receives the ArrayBuffer behind the view.
uint32_t ReadSlice(const Arg& arg, Napi::Value buffer, uint32_t length, IoSlice* slice, napi_value* backingOut) {
  if (!buffer.IsTypedArray()) arg.fail("WSABUF(s) whose .buf is a Buffer");
  napi_env env = buffer.Env();
  napi_typedarray_type type;
  size_t elements = 0;
  void* data = nullptr;
  napi_value backing = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, buffer, &type, &elements, &data, &backing, nullptr),
                       WSAEFAULT);
  bool detached = false;
  // A SharedArrayBuffer (napi_is_detached_arraybuffer refuses it) can never be detached.
  if (napi_is_detached_arraybuffer(env, backing, &detached) != napi_ok) detached = false;
  if (detached || length > elements * ElementSize(type)) return WSAEFAULT;
  slice->base = data;  // the backing store's data + the view's byte offset
  slice->len = length;
  if (backingOut != nullptr) *backingOut = backing;
  return kNoError;
}

// A pending operation writes into its buffers from whichever thread completes it. If JS transferred an
// ArrayBuffer away (structuredClone / postMessage with a transfer list), its memory would move to an object we
// hold no reference to and could be freed under the kernel. Untransferable ArrayBuffers are copied instead of
// moved, so the memory we point at stays attached to the Buffer we retain. Done before the operation starts, so
// a failure here leaves nothing queued.
void KeepAttached(Napi::Env env, napi_value backing) {
  // Tagged once marked, so a buffer reused for every receive costs one native check, not a JS call.
  static const napi_type_tag kMarked = {0x6f7665726c617070, 0x756e7472616e7366};
  bool marked = false;
  napi_check_object_type_tag(env, backing, &kMarked, &marked);
  if (marked) return;
  Napi::FunctionReference& mark = GetEnvState(env).markAsUntransferable;
  if (mark.IsEmpty()) return;
  mark.Call({backing});
  napi_type_tag_object(env, backing, &kMarked);
}

// lpBuffers + dwBufferCount -> op->slices; `overlapped`: the buffers may outlive the call.
static uint32_t ReadBuffers(const Napi::CallbackInfo& info, const char* function, Operation* op, bool overlapped) {
  Arg buffersArg{info, function, 1, "lpBuffers"};
  uint32_t count = ToUint32({info, function, 2, "dwBufferCount"});
  Napi::Value buffers = buffersArg.value();
  if (!buffers.IsObject()) buffersArg.fail("a WSABUF or an array of WSABUF");
  const bool isArray = buffers.IsArray();
  const uint32_t available = isArray ? buffers.As<Napi::Array>().Length() : 1;
  if (count == 0 || count > available) return WSAEINVAL;
  op->slices.resize(count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value item = isArray ? buffers.As<Napi::Array>().Get(i) : buffers;
    if (!item.IsObject()) buffersArg.fail("a WSABUF or an array of WSABUF");
    Napi::Object wsabuf = item.As<Napi::Object>();
    Napi::Value length = wsabuf.Get("len");
    if (!length.IsNumber()) buffersArg.fail("WSABUF(s) whose .len is a number");
    Napi::Value buffer = wsabuf.Get("buf");
    napi_value backing = nullptr;
    uint32_t error = ReadSlice(buffersArg, buffer, length.As<Napi::Number>().Uint32Value(), &op->slices[i], &backing);
    if (error != kNoError) return error;
    if (overlapped) KeepAttached(info.Env(), backing);
  }
  return kNoError;
}

struct TransferArgs {
  const char* function;
  OpKind kind;
  uint32_t socket;
  Napi::Object bytesBox;  // may be empty
  uint32_t flags;         // Windows MSG_* flags in
  Napi::Object flagsBox;  // WSARecv's lpFlags (in/out); empty for WSASend
  Napi::Value overlappedValue;
  OverlappedObject* overlapped;  // nullptr: a plain call
  Napi::Function routine;        // may be empty
  uint32_t slot;                 // the caller's slot in lib/completions.ts
};

static void WriteOutParams(const TransferArgs& args, size_t bytes, uint32_t flags) {
  if (!args.bytesBox.IsEmpty()) SetBox(args.bytesBox, static_cast<double>(bytes));
  if (!args.flagsBox.IsEmpty()) SetBox(args.flagsBox, flags);
}

static Napi::Value PlainTransfer(const Napi::CallbackInfo& info, const TransferArgs& args, Operation* op) {
  Napi::Env env = info.Env();
  // Without an OVERLAPPED the byte count has nowhere else to go.
  if (args.bytesBox.IsEmpty()) return FailSocket(env, WSAEFAULT);
  uint32_t bytes = 0;
  uint32_t error = args.kind == OpKind::Recv
                       ? backend::Recv(args.socket, op->slices.data(), op->slices.size(), args.flags, &bytes)
                       : backend::Send(args.socket, op->slices.data(), op->slices.size(), args.flags, &bytes);
  if (error != kNoError) return FailSocket(env, error);
  WriteOutParams(args, bytes, 0);
  return FailSocket(env, kNoError);
}

// Starts `op` (its slices and buffers already read). Returns kNoError if it completed at once (announced
// exactly as a late completion would be: op->transferred / resultFlags hold the out-params), WSA_IO_PENDING, or
// the error of an immediate failure (nothing will ever be signalled for it).
uint32_t StartOverlapped(const OverlappedStart& start, Operation* op, OperationGuard& guard) {
  OverlappedState& state = *start.state;
  uint32_t* result = op->env->words;
  result[kStartSlotKept] = 0;
  if (state.internal.load(std::memory_order_acquire) == STATUS_PENDING) return WSAEINVAL;
  op->kind = start.kind;
  op->state = &state;
  op->msgFlags = start.flags;
  op->slot = start.slot;
  op->withRoutine = start.withRoutine;
  if (!start.withRoutine) {
    // hEvent with its low bit set: the event is still set, but no completion port packet is queued.
    op->noPacket = (start.event & 1) != 0;
    op->event = start.event & ~1u;
    if (op->event != 0) backend::ResetEvent(op->event);  // starting an operation resets its event
  }
  state.internalHigh.store(0, std::memory_order_relaxed);
  state.pendingReads.store(0, std::memory_order_relaxed);
  state.internal.store(STATUS_PENDING, std::memory_order_release);
  uint32_t error = kNoError;
  switch (backend::StartOperation(start.socket, op, &error)) {
    case backend::StartResult::Pending:
      guard.release();
      result[kStartSlotKept] = 1;
      return WSA_IO_PENDING;
    case backend::StartResult::Failed:
      // Nothing will be signalled: leave the OVERLAPPED reusable and report the error.
      state.error.store(error, std::memory_order_relaxed);
      state.internal.store(NtStatusFromWsaError(error), std::memory_order_release);
      return error;
    case backend::StartResult::Completed:
      break;
  }
  const bool reportPending = op->announcePending;
  if (op->hasRoutine() || reportPending) RetainPastCall(op);
  // Read before announcing: a queued packet hands the state to whichever thread dequeues it.
  result[kStartBytes] = static_cast<uint32_t>(op->transferred);
  result[kStartFlags] = op->resultFlags;
  // The op stays this thread's after the announcement (recycled by the guard, or in this env's own queues).
  if (backend::AnnounceCompletion(op)) guard.release();
  result[kStartSlotKept] = op->hasRoutine() || reportPending || op->slotMoved ? 1 : 0;
  return reportPending ? WSA_IO_PENDING : kNoError;
}

static Napi::Value OverlappedTransfer(const Napi::CallbackInfo& info, const TransferArgs& args, Operation* op,
                                      OperationGuard& guard) {
  Napi::Env env = info.Env();
  OverlappedStart start{args.kind, args.socket, args.flags, args.overlapped->state, args.slot, 0, !args.routine.IsEmpty()};
  if (!start.withRoutine) {
    Napi::Value event = args.overlappedValue.As<Napi::Object>().Get("hEvent");
    start.event = event.IsNumber() ? event.As<Napi::Number>().Uint32Value() : 0;
  }
  uint32_t error = StartOverlapped(start, op, guard);
  if (error == kNoError) {
    const uint32_t* result = op->env->words;
    WriteOutParams(args, result[kStartBytes], result[kStartFlags]);
  }
  return FailSocket(env, error);
}

// The fast entry's buffer: lib/overlapped-io.ts passes a Uint8Array, so only its memory is asked for (the
// element type is what makes napi_get_typedarray_info walk V8's dozen Is*Array checks). Counting elements as
// bytes is exact for a Uint8Array and never more than the memory for any other view. A view of length 0 may
// be a detached one: ReadSlice tells.
static uint32_t ReadFastSlice(const Arg& arg, Napi::Value buffer, uint32_t length, IoSlice* slice) {
  size_t elements = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(buffer.Env(), buffer, nullptr, &elements, &data, nullptr, nullptr) != napi_ok) {
    arg.fail("WSABUF(s) whose .buf is a Buffer");
  }
  if (elements == 0) return ReadSlice(arg, buffer, length, slice);
  if (length > elements) return WSAEFAULT;
  slice->base = data;
  slice->len = length;
  return kNoError;
}

// overlappedIo(buf, state): the fast entry for one WSABUF with an OVERLAPPED; the other arguments are in the
// thread's kFast* words (scalars there cost no conversion). lib/overlapped-io.ts checks the shapes, holds the
// values in the slot and marks `buf` untransferable before calling it, reads the out-parameters of an
// immediate completion from the kStart* words, and sends every other shape to the general WSARecv / WSASend.
// Returns 0, WSA_IO_PENDING or the error, which is also the thread's last error.
static Napi::Value OverlappedIo(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  EnvState& envState = GetEnvState(env);
  const uint32_t* words = envState.words;
  OverlappedState* state = StateFromArray(env, info[1]);
  if (state == nullptr) Arg{info, "WSARecv/WSASend", 1, "lpOverlapped"}.fail("a WSAOVERLAPPED");
  Operation* op = AcquireOperation(&envState);
  OperationGuard guard(op);
  op->slices.resize(1);
  uint32_t error = ReadFastSlice({info, "WSARecv/WSASend", 0, "lpBuffers"}, info[0], words[kFastLength], &op->slices[0]);
  if (error == kNoError) {
    const uint32_t mode = words[kFastMode];
    const OpKind kind = (mode & 1) == 0 ? OpKind::Recv : OpKind::Send;
    OverlappedStart start{kind, words[kFastSocket], words[kFastFlags], state, words[kFastSlot], words[kFastEvent],
                          (mode & 2) != 0};
    error = StartOverlapped(start, op, guard);
  }
  SetLastError(info.Env(), error);
  return Napi::Number::New(info.Env(), error);
}

static Napi::Value Transfer(const Napi::CallbackInfo& info, TransferArgs& args) {
  Operation* op = AcquireOperation(&GetEnvState(info.Env()));
  OperationGuard guard(op);
  uint32_t error = ReadBuffers(info, args.function, op, args.overlapped != nullptr);
  if (error != kNoError) return FailSocket(info.Env(), error);
  if (args.overlapped == nullptr) return PlainTransfer(info, args, op);
  return OverlappedTransfer(info, args, op, guard);
}

// Arguments 3.. of WSARecv / WSASend: (counter, flags, lpOverlapped, lpCompletionRoutine).
static void ReadOverlappedArgs(const Napi::CallbackInfo& info, TransferArgs* args) {
  args->bytesBox = ToBox({info, args->function, 3, args->kind == OpKind::Recv ? "lpNumberOfBytesRecvd"
                                                                              : "lpNumberOfBytesSent"},
                         true);
  Arg overlappedArg{info, args->function, 5, "lpOverlapped"};
  napi_valuetype overlappedType = overlappedArg.type();
  if (!Arg::IsNullish(overlappedType)) {
    args->overlapped = UnwrapOverlapped(info.Env(), overlappedArg.value(), overlappedType);
    if (args->overlapped == nullptr) overlappedArg.fail("a WSAOVERLAPPED or null");
    args->overlappedValue = overlappedArg.value();
  }
  args->routine = ToOptionalFunction({info, args->function, 6, "lpCompletionRoutine"});
  args->slot = ToUint32({info, args->function, 7, "slot (lib/overlapped-io.ts)"});
}

static Napi::Value WSARecv(const Napi::CallbackInfo& info) {
  TransferArgs args{"WSARecv", OpKind::Recv, ToUint32({info, "WSARecv", 0, "s"}), {}, 0, {}, {}, nullptr, {}, 0};
  Arg flagsArg{info, "WSARecv", 4, "lpFlags"};
  args.flagsBox = ToBox(flagsArg);
  args.flags = BoxValue(flagsArg, args.flagsBox);
  ReadOverlappedArgs(info, &args);
  return Transfer(info, args);
}

static Napi::Value WSASend(const Napi::CallbackInfo& info) {
  TransferArgs args{"WSASend", OpKind::Send, ToUint32({info, "WSASend", 0, "s"}), {}, 0, {}, {}, nullptr, {}, 0};
  args.flags = ToUint32({info, "WSASend", 4, "dwFlags"});
  ReadOverlappedArgs(info, &args);
  return Transfer(info, args);
}

// recv / send: (s, buf: Buffer, len, flags) -> bytes or SOCKET_ERROR
template <OpKind Kind>
static Napi::Value PlainCall(const Napi::CallbackInfo& info) {
  const char* function = Kind == OpKind::Recv ? "recv" : "send";
  Napi::Env env = info.Env();
  uint32_t s = ToUint32({info, function, 0, "s"});
  Arg bufferArg{info, function, 1, "buf"};
  uint32_t length = ToUint32({info, function, 2, "len"});
  uint32_t flags = ToUint32({info, function, 3, "flags"});
  IoSlice slice;
  uint32_t error = ReadSlice(bufferArg, bufferArg.value(), length, &slice);
  if (error != kNoError) return FailSocket(env, error);
  uint32_t bytes = 0;
  error = Kind == OpKind::Recv ? backend::Recv(s, &slice, 1, flags, &bytes) : backend::Send(s, &slice, 1, flags, &bytes);
  if (error != kNoError) return FailSocket(env, error);
  return Napi::Number::New(env, bytes);
}

static Napi::Value WSAGetOverlappedResult(const Napi::CallbackInfo& info) {
  const char* function = "WSAGetOverlappedResult";
  Napi::Env env = info.Env();
  ToUint32({info, function, 0, "s"});  // Windows reads the result from the OVERLAPPED, even after closesocket
  Arg overlappedArg{info, function, 1, "lpOverlapped"};
  OverlappedObject* overlapped = UnwrapOverlapped(env, overlappedArg.value());
  if (overlapped == nullptr) overlappedArg.fail("a WSAOVERLAPPED");
  Napi::Object bytes = ToBox({info, function, 2, "lpcbTransfer"});
  bool wait = ToBool({info, function, 3, "fWait"});
  Napi::Object flags = ToBox({info, function, 4, "lpdwFlags"});
  OverlappedState& state = *overlapped->state;
  if (state.internal.load(std::memory_order_acquire) == STATUS_PENDING) {
    if (!wait) return Fail(env, WSA_IO_INCOMPLETE, Napi::Boolean::New(env, false));
    backend::WaitForCompletion(&GetEnvState(env), &state);
    ReleaseFinished(env, &GetEnvState(env));
  }
  SetBox(bytes, state.internalHigh.load(std::memory_order_relaxed));
  SetBox(flags, state.flags.load(std::memory_order_relaxed));
  uint32_t error = state.error.load(std::memory_order_relaxed);
  if (error != kNoError) return Fail(env, error, Napi::Boolean::New(env, false));
  return Napi::Boolean::New(env, true);
}

// configure({ markAsUntransferable, deliver }): called once per env by lib/binding.ts.
static Napi::Value Configure(const Napi::CallbackInfo& info) {
  Arg hooksArg{info, "configure", 0, "hooks"};
  Napi::Object hooks = ToObject(hooksArg);
  Napi::Value mark = hooks.Get("markAsUntransferable");
  Napi::Value deliver = hooks.Get("deliver");
  if (!mark.IsFunction() || !deliver.IsFunction()) hooksArg.fail("{ markAsUntransferable: Function, deliver: Function }");
  EnvState& state = GetEnvState(info.Env());
  state.markAsUntransferable = Napi::Persistent(mark.As<Napi::Function>());
  state.deliver = Napi::Persistent(deliver.As<Napi::Function>());
  return info.Env().Undefined();
}

// pollCompletions(): what a JS loop that keeps reading a pending Internal calls now and then (lib/binding.ts):
// it drives the engines without blocking and without running JS, as the kernel would on Windows.
static Napi::Value PollCompletions(const Napi::CallbackInfo& info) {
  backend::PollCompletions(&GetEnvState(info.Env()));
  return info.Env().Undefined();
}

void RegisterOverlapped(Napi::Env env, Napi::Object exports) {
  Export<OverlappedIo>(env, exports, "overlappedIo");
  Export<Configure>(env, exports, "configure");
  Napi::Symbol stateKey = Napi::Symbol::New(env, "WSAOVERLAPPED state");
  GetEnvState(env).overlappedStateKey = Napi::Persistent(Napi::Value(stateKey));
  exports.Set("overlappedStateKey", stateKey);
  exports.Set("WSAOVERLAPPED", OverlappedObject::DefineClass(env));
  Export<PollCompletions>(env, exports, "pollCompletions");
  Export<WSARecv>(env, exports, "WSARecv");
  Export<WSASend>(env, exports, "WSASend");
  Export<PlainCall<OpKind::Recv>>(env, exports, "recv");
  Export<PlainCall<OpKind::Send>>(env, exports, "send");
  Export<WSAGetOverlappedResult>(env, exports, "WSAGetOverlappedResult");
}

}  // namespace wsn::api
