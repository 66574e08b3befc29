// Store: orders in RocksDB, one FlatBuffers record per order, in the
// "orders" column family keyed by the 16 raw bytes of the hash.
#include "orderstore/store.h"

#include <rocksdb/db.h>
#include <rocksdb/slice.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <utility>

#include "lib/change_format.h"
#include "lib/change_log.h"
#include "lib/file_modes.h"
#include "lib/import.h"
#include "lib/index.h"
#include "lib/key_filter_advice.h"
#include "lib/live_store.h"
#include "lib/order_diff.h"
#include "lib/hooked_env.h"
#include "lib/pinned_order.h"
#include "lib/record.h"
#include "lib/rocks_options.h"
#include "lib/store_dirs.h"
#include "lib/store_impl.h"
#include "lib/write_batch_rep.h"
#include "lib/write_plan.h"
#include "orderstore/lifecycle.h"

namespace orderstore {

using internal::AddToKeyFilter;
using internal::AsView;
using internal::FamilyChanges;
using internal::FamilyOfSlot;
using internal::FinalRecord;
using internal::FinalRecords;
using internal::CommitToRocksDb;
using internal::FromRocks;
using internal::kFamilySlots;
using internal::KeyChange;
using internal::KeyFilterAdvice;
using internal::KeyOf;
using internal::PlanChanges;
using internal::RemoveImportLeftovers;
using internal::SliceOf;
using internal::SortChanges;
using internal::StoreImpl;
using internal::VerifyStored;
using internal::ViewAccess;

namespace {

constexpr char kOrdersFamily[] = "orders";

using internal::RocksOptions;
using internal::RocksRead;

class StoreIterator final : public Iterator {
 public:
  explicit StoreIterator(std::unique_ptr<rocksdb::Iterator> it)
      : it_(std::move(it)) {}

  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void Seek(const OrderHash& hash) override { it_->Seek(KeyOf(hash)); }
  void Next() override {
    assert(Valid());
    it_->Next();
  }

  OrderHash hash() const override {
    assert(Valid());
    std::array<uint8_t, OrderHash::kSize> bytes{};
    rocksdb::Slice key = it_->key();
    std::copy_n(key.data(), std::min(key.size(), bytes.size()), bytes.begin());
    return OrderHash(bytes);
  }

  Result<OrderView> view() const override {
    assert(Valid());
    if (it_->key().size() != OrderHash::kSize) {
      return Status::Corruption("key of " + std::to_string(it_->key().size()) +
                                " bytes in the orders column family");
    }
    return VerifyStored(hash(), AsView(it_->value()));
  }

  Status status() const override { return FromRocks(it_->status(), "scan"); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace


namespace {

// Reads the orders `hashes` into `values` and `statuses` (as many), in one
// RocksDB MultiGet, except that hashes the key filter rules out are
// NotFound without asking RocksDB.
void MultiGetOrders(const StoreImpl& impl, const ReadOptions& options,
                    std::span<const OrderHash> hashes,
                    std::vector<rocksdb::PinnableSlice>& values,
                    std::vector<rocksdb::Status>& statuses) {
  const rocksdb::ReadOptions read = RocksRead(options);
  std::vector<rocksdb::Slice> keys;  // of the hashes asked for, in order
  std::vector<size_t> asked, ruled_out;  // indexes into `hashes`
  keys.reserve(hashes.size());
  asked.reserve(hashes.size());
  ruled_out.reserve(hashes.size());  // one allocation, however many miss
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (impl.MayContain(options, hashes[i])) {
      asked.push_back(i);
      keys.push_back(KeyOf(hashes[i]));
    } else {
      ruled_out.push_back(i);
    }
  }
  if (ruled_out.empty()) {  // keys are every hash's
    impl.db->MultiGet(read, impl.orders, keys.size(), keys.data(),
                      values.data(), statuses.data());
    return;
  }
  if (options.snapshot == nullptr && impl.hooks != nullptr) {
    impl.hooks->GetManyFiltered();
  }
  std::vector<rocksdb::PinnableSlice> asked_values(asked.size());
  std::vector<rocksdb::Status> asked_statuses(asked.size());
  if (!keys.empty()) {
    impl.db->MultiGet(read, impl.orders, keys.size(), keys.data(),
                      asked_values.data(), asked_statuses.data());
  }
  // Without a snapshot MultiGet reads the state as it starts, after the
  // filter was asked: an order written in between would be missing beside
  // one written after it, which no single state shows. Asked again now,
  // the filter still ruling a hash out means it was not stored when
  // MultiGet read; otherwise (a write of that very hash meanwhile) all
  // are read again, without the filter.
  if (options.snapshot == nullptr) {
    for (size_t i : ruled_out) {
      if (!impl.MayContain(options, hashes[i])) continue;
      keys.clear();
      for (const OrderHash& hash : hashes) keys.push_back(KeyOf(hash));
      impl.db->MultiGet(read, impl.orders, keys.size(), keys.data(),
                        values.data(), statuses.data());
      return;
    }
  }
  for (size_t j = 0; j < asked.size(); ++j) {
    values[asked[j]] = std::move(asked_values[j]);
    statuses[asked[j]] = asked_statuses[j];
  }
  for (size_t i : ruled_out) statuses[i] = rocksdb::Status::NotFound();
}

// Writes the index entries of every stored order, for a store written
// before the indexes existed. One batch: all entries land, or none (and
// the next open builds them again).
Status BuildIndexes(StoreImpl& impl) {
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(
      impl.db->NewIterator(rocksdb::ReadOptions(), impl.orders));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<OrderView> view = VerifyRecord(AsView(it->value()));
    if (!view.ok()) continue;  // `verify` reports it; it derives nothing
    for (const internal::IndexEntry& e : internal::IndexEntriesOf(*view)) {
      Status s = FromRocks(batch.Put(impl.family(e.index), e.key, rocksdb::Slice()),
                           "building indexes");
      if (!s.ok()) return s;
    }
  }
  Status s = FromRocks(it->status(), "building indexes");
  if (!s.ok()) return s;
  return FromRocks(
      CommitToRocksDb(impl.db.get(), rocksdb::WriteOptions(), &batch),
      "building indexes");
}

}  // namespace

Store::Store(std::unique_ptr<StoreImpl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::path() const { return impl_->path; }

Result<std::unique_ptr<Store>> Store::Open(const Options& options,
                                           const std::string& path) {
  const std::string context = "store " + path;
  auto impl = std::make_unique<StoreImpl>();
  rocksdb::Options rocks = RocksOptions(options);
  impl->env = internal::NewHookedEnv(options.hooks.get(), options.file_mode);
  if (impl->env != nullptr) rocks.env = impl->env.get();
  const std::shared_ptr<rocksdb::FileSystem> fs = rocks.env->GetFileSystem();
  const bool existed =
      fs->FileExists(path + "/CURRENT", rocksdb::IOOptions(), nullptr).ok();
  if (!existed && (!options.create_if_missing || options.read_only)) {
    return Status::NotFound(context + ": no store in this directory");
  }
  if (Status s = internal::PrepareStoreDirectory(options, path); !s.ok()) return s;

  // Every existing column family must be opened; a new store gets ours.
  std::vector<std::string> families;
  rocksdb::Status listed =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(rocks), path, &families);
  if (!listed.ok()) families = {rocksdb::kDefaultColumnFamilyName};
  auto has = [&families](std::string_view name) {
    return std::find(families.begin(), families.end(), name) != families.end();
  };
  if (!has(kOrdersFamily)) {
    if (options.read_only) {
      return Status::NotFound(context + ": no orders were ever written here");
    }
    families.push_back(kOrdersFamily);
  }
  // And the change feed's and the history's, which a store written before
  // them starts empty.
  for (const char* name : {internal::kChangesFamily, internal::kHistoryFamily}) {
    if (!has(name) && !options.read_only) families.push_back(name);
  }
  // A store written before the indexes existed gets them built now.
  bool build_indexes = false;
  for (const char* name : internal::kIndexFamilies) {
    if (!has(name) && !options.read_only) {
      families.push_back(name);
      build_indexes = true;
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : families) {
    descriptors.emplace_back(name, internal::RocksFamilyOptions(rocks, name));
  }

  impl->path = path;
  impl->read_only = options.read_only;
  impl->hooks = options.hooks;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      options.read_only && options.secondary
          ? internal::OpenSecondary(rocksdb::DBOptions(rocks), path,
                                    descriptors, &impl->handles, &db)
      : options.read_only
          ? rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(rocks), path,
                                         descriptors, &impl->handles, &db)
          : rocksdb::DB::Open(rocksdb::DBOptions(rocks), path, descriptors,
                              &impl->handles, &db);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status::IOError(context +
                             ": locked by another process (it has the store "
                             "open for writing; open it read-only instead)");
    }
    return FromRocks(s, context);
  }
  impl->db.reset(db);
  internal::WarnIfOpenToOthers(options, path, db->GetDBOptions().info_log.get());
  if (!existed && !options.read_only) {
    Status synced = internal::SyncParentDir(fs.get(), path);
    if (!synced.ok()) return synced.WithContext(context);
  }
  if (!options.read_only) RemoveImportLeftovers(fs.get(), path);
  for (size_t i = 0; i < families.size(); ++i) {
    if (families[i] == kOrdersFamily) impl->orders = impl->handles[i];
    for (size_t j = 0; j < internal::kIndexCount; ++j) {
      if (families[i] == internal::kIndexFamilies[j]) {
        impl->indexes[j] = impl->handles[i];
      }
    }
  }
  rocksdb::ColumnFamilyHandle* changes = nullptr;
  rocksdb::ColumnFamilyHandle* history = nullptr;
  for (size_t i = 0; i < families.size(); ++i) {
    if (families[i] == internal::kChangesFamily) changes = impl->handles[i];
    if (families[i] == internal::kHistoryFamily) history = impl->handles[i];
  }
  Result<std::unique_ptr<internal::ChangeLog>> feed = internal::ChangeLog::Open(
      impl->db.get(), changes, history, options.change_retention,
      !options.read_only  ? internal::ChangeLog::Mode::kReadWrite
      : options.secondary ? internal::ChangeLog::Mode::kSecondary
                          : internal::ChangeLog::Mode::kReadOnly);
  if (!feed.ok()) return feed.status().WithContext(context);
  impl->feed = std::move(*feed);
  if (build_indexes) {
    Status built = BuildIndexes(*impl);
    if (!built.ok()) return built.WithContext(context);
  }
  if (options.key_filter && !options.read_only) {
    impl->key_filter = std::make_unique<internal::LiveKeyFilter>(
        impl->db.get(), impl->orders, &impl->import_gate, impl->hooks.get());
  }
  if (impl->hooks != nullptr) impl->hooks->KeyFilterOpened(impl->key_filter.get());
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Result<PinnedOrder> Store::Get(const ReadOptions& options,
                               const OrderHash& hash) const {
  PinnedOrder pinned;
  // A hash the key filter rules out is answered as RocksDB would answer it.
  // The filter is asked only while this thread's recent gets make its cold
  // load worth paying (lib/key_filter_advice.h).
  const bool ruled_out = KeyFilterAdvice::ShouldAsk() &&
                         !impl_->MayContain(options, hash);
  const rocksdb::Status s =
      ruled_out ? rocksdb::Status::NotFound()
                : impl_->db->Get(RocksRead(options), impl_->orders,
                                 KeyOf(hash), SliceOf(pinned));
  if (s.IsNotFound()) {
    KeyFilterAdvice::Unknown();
    return Status::OrderNotFound(hash.bytes());
  }
  if (!s.ok()) return FromRocks(s, "order " + hash.ToHex());
  KeyFilterAdvice::Found();
  Result<OrderView> view = VerifyStored(hash, AsView(*SliceOf(pinned)));
  if (!view.ok()) return view.status();
  ViewAccess::SetHasValue(pinned, true);
  return pinned;
}

std::vector<Result<PinnedOrder>> Store::GetMany(
    const ReadOptions& options, std::span<const OrderHash> hashes) const {
  std::vector<rocksdb::PinnableSlice> values(hashes.size());
  std::vector<rocksdb::Status> statuses(hashes.size());
  MultiGetOrders(*impl_, options, hashes, values, statuses);

  internal::PrefetchFound(values.data(), statuses.data(), hashes.size());
  std::vector<Result<PinnedOrder>> results;
  results.reserve(hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    // A found order costs no allocation beyond the result vector's, nor
    // does an unknown one: its NotFound formats its message only if read.
    if (statuses[i].IsNotFound()) {
      results.emplace_back(Status::OrderNotFound(hashes[i].bytes()));
      continue;
    }
    if (!statuses[i].ok()) {
      results.emplace_back(FromRocks(statuses[i], "order " + hashes[i].ToHex()));
      continue;
    }
    Result<OrderView> view = VerifyStored(hashes[i], AsView(values[i]));
    if (!view.ok()) {
      results.emplace_back(view.status());
      continue;
    }
    PinnedOrder pinned;
    *SliceOf(pinned) = std::move(values[i]);
    ViewAccess::SetHasValue(pinned, true);
    results.emplace_back(std::move(pinned));
  }
  return results;
}

Status Store::Put(const WriteOptions& options, const Order& order) {
  WriteBatch batch;
  Status s = batch.Put(order);
  if (!s.ok()) return s;
  return Write(options, batch);
}

Status Store::Delete(const WriteOptions& options, const OrderHash& hash) {
  WriteBatch batch;
  batch.Delete(hash);
  return Write(options, batch);
}

Status Store::Write(const WriteOptions& options, const WriteBatch& batch,
                    WriteOutcome* outcome) {
  return Apply(options, batch, nullptr, outcome);
}

Result<CreateOutcome> Store::Create(const WriteOptions& options,
                                    const Order& order) {
  WriteBatch batch;
  Status s = batch.Create(order);
  if (!s.ok()) return s;
  WriteOutcome outcome;
  s = Write(options, batch, &outcome);
  if (!s.ok()) return s;
  return outcome.created == 1 ? CreateOutcome::kCreated : CreateOutcome::kExists;
}

Status Store::Apply(const WriteOptions& options, const WriteBatch& batch,
                    const std::string_view* expected, WriteOutcome* outcome) {
  Status s = impl_->CheckWritable();
  if (!s.ok()) return s;
  const std::vector<FinalRecord> finals = FinalRecords(batch.rep_->ops);

  // Hold the stripes of every order written, in a fixed order, from reading
  // the old records until the batch lands.
  std::shared_lock<std::shared_mutex> no_import(impl_->import_gate);
  std::array<bool, StoreImpl::kStripes> used{};
  for (const FinalRecord& final : finals) used[StoreImpl::StripeOf(final.hash)] = true;
  std::vector<std::unique_lock<std::mutex>> locks;
  for (size_t i = 0; i < StoreImpl::kStripes; ++i) {
    if (used[i]) locks.emplace_back(impl_->stripes[i]);
  }

  Result<FamilyChanges> changes = PlanChanges(*impl_, finals, expected);
  if (!changes.ok()) return changes.status();
  s = internal::ReportCreates(std::move(changes->creates), outcome);
  if (!s.ok()) return s;
  for (size_t slot = 0; slot < kFamilySlots; ++slot) SortChanges(&(*changes)[slot]);
  // A compare-and-set write is UpdateStatus's: the history says so.
  if (expected != nullptr) internal::MarkStatusChanges(changes->notes);
  // The change log commits this write's keys with its changes, in one
  // RocksDB batch (its group's): lib/change_log.h.
  const internal::ChangeLog::Fill fill = [&](rocksdb::WriteBatch* rocks_batch) {
    for (size_t slot = 0; slot < kFamilySlots; ++slot) {
      rocksdb::ColumnFamilyHandle* family = FamilyOfSlot(*impl_, slot);
      for (const KeyChange& change : (*changes)[slot]) {
        rocksdb::Status added =
            change.deleted
                ? rocks_batch->Delete(family, change.key)
                : rocks_batch->Put(family, change.key,
                                   rocksdb::Slice(change.value.data(),
                                                  change.value.size()));
        if (!added.ok()) return FromRocks(added, "store " + impl_->path);
      }
    }
    return Status::OK();
  };
  AddToKeyFilter(*impl_, finals);
  return impl_->feed->Commit(options, fill, changes->notes)
      .WithContext("store " + impl_->path);
}

Status Store::UpdateStatus(const WriteOptions& options, OrderView as_read,
                           const StatusUpdate& update) {
  Order changed = as_read.ToOwned();
  Status s = ApplyStatusUpdate(update, &changed);
  if (!s.ok()) return s.WithContext("order " + changed.hash.ToHex());
  WriteBatch batch;
  s = batch.Put(changed);
  if (!s.ok()) return s;
  // Compare-and-set: Apply compares the stored record with the one read,
  // under the order's stripe lock, which it holds until the write lands.
  const std::string_view expected = as_read.record();
  return Apply(options, batch, &expected, nullptr);
}

std::shared_ptr<const Snapshot> Store::GetSnapshot() const {
  // A read-only store is its own snapshot.
  if (impl_->read_only) return std::make_shared<const Snapshot>(nullptr);
  rocksdb::DB* db = impl_->db.get();
  const Snapshot* snapshot = new Snapshot(db->GetSnapshot());
  return std::shared_ptr<const Snapshot>(snapshot, [db](const Snapshot* s) {
    db->ReleaseSnapshot(s->rep());
    delete s;
  });
}

std::unique_ptr<Iterator> Store::NewIterator(const ReadOptions& options) const {
  return std::make_unique<StoreIterator>(std::unique_ptr<rocksdb::Iterator>(
      impl_->db->NewIterator(RocksRead(options), impl_->orders)));
}

}  // namespace orderstore
