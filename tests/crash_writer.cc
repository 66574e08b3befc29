// crash_writer DB LOG SEED FIRST: the child process of crash_test. Writes
// generated orders GenerateOrder(SEED, FIRST), (SEED, FIRST + 1), ... to the
// store DB with synced writes, in batches laid out by CrashBatchSize, until
// it is killed. After each write is acknowledged it appends one line
// "INDEX HASH\n" per order to LOG and fsyncs it, so the log only ever names
// orders the store acknowledged.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "orderstore/generate.h"
#include "orderstore/store.h"
#include "tests/crash_batches.h"

int main(int argc, char** argv) {
  using namespace orderstore;
  if (argc != 5) {
    std::fprintf(stderr, "usage: crash_writer DB LOG SEED FIRST\n");
    return 2;
  }
  const uint64_t seed = std::strtoull(argv[3], nullptr, 10);
  uint64_t index = std::strtoull(argv[4], nullptr, 10);
  int log = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (log < 0) {
    std::perror(argv[2]);
    return 4;
  }
  Result<std::unique_ptr<Store>> store = Store::Open(Options(), argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "crash_writer: %s\n",
                 store.status().ToString().c_str());
    return 4;
  }
  WriteOptions synced;  // sync is the default; say so
  synced.sync = true;
  synced.actor = "crash-writer";  // crash_test finds it in the feed
  for (;;) {
    const uint64_t size = testing::CrashBatchSize(index);
    Status written;
    if (size == 1) {
      written = (*store)->Put(synced, GenerateOrder(seed, index));
    } else {
      WriteBatch batch;
      for (uint64_t i = index; i < index + size; ++i) {
        if (Status s = batch.Put(GenerateOrder(seed, i)); !s.ok()) {
          std::fprintf(stderr, "crash_writer: %s\n", s.ToString().c_str());
          return 3;
        }
      }
      written = (*store)->Write(synced, batch);
    }
    if (!written.ok()) {
      std::fprintf(stderr, "crash_writer: %s\n", written.ToString().c_str());
      return 4;
    }
    std::string lines;
    for (uint64_t i = index; i < index + size; ++i) {
      lines +=
          std::to_string(i) + " " + GenerateOrderHash(seed, i).ToHex() + "\n";
    }
    if (write(log, lines.data(), lines.size()) !=
            static_cast<ssize_t>(lines.size()) ||
        fsync(log) != 0) {
      std::perror("crash_writer: log");
      return 4;
    }
    index += size;
  }
}
