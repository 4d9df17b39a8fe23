// A socket's FIFO of pending operations, linked through the operations themselves: a socket costs no
// allocation for its queues (10,000 idle sessions are 20,000 queues), and queueing allocates nothing.
#pragma once
#include <vector>

#include "core/operation.h"

namespace wsn::posix {

class OperationQueue {
 public:
  bool empty() const { return head_ == nullptr; }
  Operation* front() const { return head_; }

  void push_back(Operation* op) {
    op->next = nullptr;
    if (tail_ == nullptr) {
      head_ = op;
    } else {
      tail_->next = op;
    }
    tail_ = op;
  }

  void pop_front() {
    Operation* op = head_;
    head_ = op->next;
    if (head_ == nullptr) tail_ = nullptr;
    op->next = nullptr;
  }

  // Moves every operation, in order, to `out`.
  template <typename Out>
  void TakeAll(Out* out) {
    while (!empty()) {
      out->push_back(front());
      pop_front();
    }
  }

  // Moves the operations for which `pred` holds, in order, to `out`; returns how many.
  template <typename Pred>
  size_t TakeIf(Pred pred, std::vector<Operation*>* out) {
    OperationQueue kept;
    size_t taken = 0;
    while (!empty()) {
      Operation* op = front();
      pop_front();
      if (pred(op)) {
        out->push_back(op);
        taken++;
      } else {
        kept.push_back(op);
      }
    }
    *this = kept;
    return taken;
  }

 private:
  Operation* head_ = nullptr;
  Operation* tail_ = nullptr;
};

}  // namespace wsn::posix
