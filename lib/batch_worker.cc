// A second thread for large batched reads (see batch_worker.h).
#include "lib/batch_worker.h"

#include <atomic>

namespace orderstore::internal {

BatchWorker::~BatchWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  posted_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void BatchWorker::Run(size_t parts, const std::function<void(size_t)>& part) {
  struct Parts {
    std::atomic<size_t> next{0};
    size_t count;
    const std::function<void(size_t)>* run;
  } state{.count = parts, .run = &part};
  // One pointer captured: held inside the std::function, no allocation.
  const std::function<void()> take_parts = [&state] {
    for (size_t i; (i = state.next.fetch_add(1, std::memory_order_relaxed)) <
                   state.count;) {
      (*state.run)(i);
    }
  };
  const bool posted = Post(&take_parts);
  if (posted) posted_.notify_one();
  take_parts();
  if (posted) WithdrawOrWait();
}

bool BatchWorker::Post(const std::function<void()>* task) {
  std::lock_guard<std::mutex> lock(mu_);
  if (taken_) return false;
  taken_ = true;
  task_ = task;
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  return true;
}

void BatchWorker::WithdrawOrWait() {
  std::unique_lock<std::mutex> lock(mu_);
  if (task_ != nullptr) {
    task_ = nullptr;  // never begun: every part has run here
  } else {
    finished_.wait(lock, [this] { return !running_; });
  }
  taken_ = false;
}

void BatchWorker::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    posted_.wait(lock, [this] { return stop_ || task_ != nullptr; });
    if (stop_) return;
    const std::function<void()>* task = task_;
    task_ = nullptr;
    running_ = true;
    lock.unlock();
    (*task)();
    lock.lock();
    running_ = false;
    finished_.notify_all();
  }
}

}  // namespace orderstore::internal
