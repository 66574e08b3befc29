// A second thread for large batched reads.
//
// Why: a GetMany that misses the caches spends each key's time in RocksDB
// decompressing a block (or, with the files out of the page cache, waiting
// for the disk), one key after another: RocksDB 7.8 as Debian builds it
// has no asynchronous MultiGet (no coroutines, no io_uring). Two threads
// each reading part of the keys overlap that work when a core is free.
// The batch is cut into parts that the caller and the worker take in turn
// until none is left, so a caller never waits for more than the one part
// the worker is reading: not for the worker to start (busy with another
// caller's batch, or not yet scheduled), nor for a worker slowed by a
// machine with no free core. A batch then takes at most about what it
// took on one thread plus one part, and about half with a free core; the
// CPU it costs is the same.
#ifndef ORDERSTORE_LIB_BATCH_WORKER_H_
#define ORDERSTORE_LIB_BATCH_WORKER_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace orderstore::internal {

class BatchWorker {
 public:
  // The thread starts with the first Run that posts to it.
  BatchWorker() = default;
  // Stops and joins the thread. REQUIRES: no Run in progress.
  ~BatchWorker();
  BatchWorker(const BatchWorker&) = delete;
  BatchWorker& operator=(const BatchWorker&) = delete;

  // Runs part(0) .. part(parts - 1), each exactly once, on the calling
  // thread and on the worker thread if it is free; returns when all have
  // run. Thread-safe: concurrent callers are served one at a time by the
  // worker, the others running all their parts themselves.
  void Run(size_t parts, const std::function<void(size_t)>& part);

 private:
  // Posts `task` unless another caller's is posted or running.
  bool Post(const std::function<void()>* task);
  // Withdraws the posted task if the worker has not begun it, else waits
  // until the worker has finished it.
  void WithdrawOrWait();
  void Loop();

  std::mutex mu_;
  std::condition_variable posted_;
  std::condition_variable finished_;
  bool taken_ = false;                             // by one caller
  const std::function<void()>* task_ = nullptr;    // posted, not yet begun
  bool running_ = false;                           // the worker runs a task
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_BATCH_WORKER_H_
