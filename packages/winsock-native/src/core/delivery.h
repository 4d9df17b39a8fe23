// Getting completions, routines and async-wait results onto the issuing JS thread, in batches. How a batch is
// scheduled is the backend's (its Channel: a threadsafe function on Windows, the thread's own engine on Linux);
// what a batch does is the same everywhere.
#pragma once
#include <napi.h>

#include <deque>

#include "core/env_state.h"

namespace wsn {

// On the env's JS thread, inside a callback scope: releases finished operations, runs the routines an alertable
// waiter takes, settles async waits. A throwing routine rejects the wait that ran it; a throwing wait callback
// is reported as an uncaught exception, and every other wait of the batch is still settled.
void DeliverBatch(Napi::Env env, EnvState* state);
// From a blocking wait on the JS thread, before it returns: releases the operations that finished meanwhile.
// A thread that stays in blocking waits (a worker looping on GetQueuedCompletionStatus) may never turn its
// loop, and would otherwise hold one record and one slot per completion.
void ReleaseFinished(Napi::Env env, EnvState* state);
// Env teardown: detaches from the backend, releases every reference without calling into JS.
void CloseDelivery(EnvState* env);
// Keeps the process alive exactly while the env has async waiters (JS thread).
void UpdateKeepAlive(EnvState* env);

// Runs completion routines in FIFO order on the JS thread. If one throws, the ones not run yet go back to the
// front of the env's queue and the exception propagates.
void RunRoutines(Napi::Env env, EnvState* state, std::deque<Operation*>* routines);

}  // namespace wsn
