// ship_changes STORE CURSOR_FILE OUTPUT [--follow]: a consumer of the change
// feed that ships every change of STORE to OUTPUT (here: appended to a
// JSON Lines file; in production: a message queue, an analytics database,
// another data centre) and resumes where it stopped after a restart or a
// crash.
//
// The delivery guarantee: at least once. The cursor (the number of the
// last change shipped) is saved only after OUTPUT has the changes durably,
// so a crash between the two ships some changes again on restart, never
// skips one. The receiver makes a repeat harmless by keeping, per order,
// the highest "seq" it applied.
//
// It opens STORE without taking its lock (as a secondary instance while a
// writer process has it open), so it runs beside the writer.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "orderstore/changes.h"
#include "orderstore/json_export.h"
#include "orderstore/store.h"

namespace {

using orderstore::ChangeOp;

// The cursor: "0" when the file does not exist yet.
uint64_t LoadCursor(const std::string& path) {
  std::ifstream in(path);
  uint64_t cursor = 0;
  in >> cursor;
  return cursor;
}

// Replaces the cursor file atomically: a crash leaves the old or the new.
bool SaveCursor(const std::string& path, uint64_t cursor) {
  const std::string tmp = path + ".tmp";
  const std::string text = std::to_string(cursor) + "\n";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  const bool written =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
      fsync(fd) == 0;
  close(fd);
  return written && std::rename(tmp.c_str(), path.c_str()) == 0;
}

// Appends `lines` to the output and waits until they are on disk.
bool Ship(const std::string& path, const std::string& lines) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return false;
  const bool shipped =
      write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size()) &&
      fsync(fd) == 0;
  close(fd);
  return shipped;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: ship_changes STORE CURSOR_FILE OUTPUT [--follow]\n");
    return 2;
  }
  const std::string store_path = argv[1], cursor_path = argv[2], output = argv[3];
  const bool follow = argc == 5 && std::string(argv[4]) == "--follow";

  orderstore::Options options;
  options.read_only = true;
  options.secondary = orderstore::Store::LockHolder(store_path) != 0;
  auto store = orderstore::Store::Open(options, store_path);
  if (!store.ok()) {
    std::fprintf(stderr, "ship_changes: %s\n", store.status().ToString().c_str());
    return 1;
  }
  uint64_t cursor = LoadCursor(cursor_path);
  for (;;) {
    auto changes = (*store)->ChangesAfter({}, cursor);
    if (!changes.ok()) {
      // OutOfRange: the consumer stayed away longer than the retention.
      // Nothing can be resumed: reload the receiver from a full export
      // (`orderstore dump`), then start after the latest change.
      std::fprintf(stderr, "ship_changes: %s\n", changes.status().ToString().c_str());
      return 1;
    }
    std::string lines;
    uint64_t last = cursor;
    for (auto& it = *changes; it->Valid(); it->Next()) {
      auto change = it->change();
      if (!change.ok()) {
        std::fprintf(stderr, "ship_changes: %s\n", change.status().ToString().c_str());
        return 1;
      }
      lines += "{\"seq\":" + std::to_string(change->seq()) + ",\"op\":\"" +
               std::string(orderstore::ToString(change->op())) + "\",";
      if (change->op() == ChangeOp::kPut) {
        lines += "\"data\":";
        orderstore::AppendOrderJson(change->order(), &lines);
      } else {
        lines += "\"order\":\"" + change->hash().ToHex() + "\"";
      }
      lines += "}\n";
      last = change->seq();
      // Ship in bounded batches, each followed by its cursor.
      if (lines.size() >= (1 << 20)) {
        if (!Ship(output, lines) || !SaveCursor(cursor_path, last)) return 1;
        lines.clear();
        cursor = last;
      }
    }
    if (!(*changes)->status().ok()) return 1;
    if (last != cursor) {
      if (!Ship(output, lines) || !SaveCursor(cursor_path, last)) return 1;
      cursor = last;
    }
    if (!follow) break;
    changes->reset();  // let go of its version of the store while waiting
    (*store)->WaitForChanges(cursor, std::chrono::seconds(1));
  }
  std::printf("shipped through change %llu\n", static_cast<unsigned long long>(cursor));
  return 0;
}
