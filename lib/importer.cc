// Importer (include/orderstore/importer.h): parts filled by the caller,
// planned and written by a thread of the import's own.
#include "orderstore/importer.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "lib/import.h"
#include "lib/order_diff.h"
#include "lib/store_impl.h"
#include "lib/write_batch_rep.h"

namespace orderstore {

namespace {

// Fewer orders than this are landed by Store::Write (one synced batch),
// which adds no table files of its own: every import adds up to six, for
// compactions to merge. An import pays a fixed cost (writing, syncing and
// ingesting its files) that dominates small ones, where Write costs
// several times less; Write's cost grows with its memtable's later flush,
// which an import has already done, so the two meet around 10,000 orders.
constexpr size_t kWriteBelow = 10000;

}  // namespace

struct Importer::Impl {
  Store& store;
  ImportOptions options;
  // The part the caller fills, and its records' bytes.
  WriteBatch filling;
  size_t filling_bytes = 0;
  // The part the writer thread plans and writes meanwhile.
  WriteBatch writing;
  size_t writing_bytes = 0;
  std::thread writer;
  Status written;  // the writer's last result; read after joining it

  std::unique_ptr<internal::ImportFiles> files;  // from the first part on
  WriteOutcome found;
  Status failed;  // a store error: the import is over
  bool finished = false;
  size_t parts = 0;  // handed to the writer
  size_t peak_bytes = 0;

  Impl(Store& s, const ImportOptions& o) : store(s), options(o) {}

  // Waits for the part being written; its error fails the import.
  void Join() {
    if (!writer.joinable()) return;
    writer.join();
    if (failed.ok() && !written.ok()) failed = written;
    writing.Clear();
    writing_bytes = 0;
  }

  // Hands the part being filled to the writer thread, once it is done
  // with the previous one: at most two parts are held at a time.
  void Hand() {
    Join();
    if (!failed.ok() || filling.size() == 0) return;
    if (files == nullptr) {
      Result<std::unique_ptr<internal::ImportFiles>> started =
          internal::ImportFiles::Start(*store.impl_);
      if (!started.ok()) {
        failed = started.status();
        return;
      }
      files = std::move(started).value();
    }
    std::swap(writing, filling);
    std::swap(writing_bytes, filling_bytes);
    ++parts;
    writer = std::thread([this] {
      written = files->AddPart(writing.rep_->ops, &found);
    });
  }

  // Importer::Finish's work.
  Status Finish(WriteOutcome* outcome);

  Status Added(Status s) {
    if (!s.ok()) return s;
    filling_bytes += filling.rep_->ops.back().record.size();
    peak_bytes = std::max(peak_bytes, filling_bytes + writing_bytes);
    if (filling_bytes >= options.part_bytes) Hand();
    return failed;
  }
};

Importer::Importer(Store& store, const ImportOptions& options)
    : impl_(std::make_unique<Impl>(store, options)) {}

Importer::~Importer() { impl_->Join(); }

Status Importer::Put(const Order& order) {
  if (!impl_->failed.ok()) return impl_->failed;
  return impl_->Added(impl_->filling.Put(order));
}

Status Importer::Create(const Order& order) {
  if (!impl_->failed.ok()) return impl_->failed;
  return impl_->Added(impl_->filling.Create(order));
}

Status Importer::Finish(WriteOutcome* outcome) {
  Impl& m = *impl_;
  if (m.finished) return Status::InvalidArgument("import already finished");
  m.finished = true;
  Status s = m.Finish(outcome);
  // Other writers go on from here, whatever happened.
  m.Join();
  m.files.reset();
  return s;
}

Status Importer::Impl::Finish(WriteOutcome* outcome) {
  Impl& m = *this;
  if (!m.failed.ok()) {
    m.Join();
    return m.failed;
  }
  if (m.files == nullptr && m.filling.size() < kWriteBelow) {
    WriteOptions sync;
    sync.sync = true;
    return m.store.Write(sync, m.filling, outcome);
  }
  m.Hand();
  m.Join();
  if (!m.failed.ok()) return m.failed;
  // In hash order, as Store::Write reports them.
  std::sort(m.found.conflicts.begin(), m.found.conflicts.end(),
            [](const CreateConflict& a, const CreateConflict& b) {
              return a.hash < b.hash;
            });
  Status s = internal::ReportCreates(std::move(m.found), outcome);
  if (!s.ok()) return s;
  return m.files->Commit();
}

size_t Importer::parts() const { return impl_->parts; }

size_t Importer::peak_record_bytes() const { return impl_->peak_bytes; }

}  // namespace orderstore
