#include "tests/acked_orders.h"

#include <memory>
#include <unordered_set>

#include "orderstore/iterator.h"

namespace orderstore::testing {

void AckedOrders::Begin(int writer, std::vector<Change> changes) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_[writer] = std::move(changes);
}

void AckedOrders::Acknowledge(int writer) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(writer);
  if (it == pending_.end()) return;
  for (Change& change : it->second) {
    std::string key(change.hash.AsKey());
    if (change.record.empty()) {
      acked_.erase(key);
    } else {
      acked_[key] = Entry{std::move(change.record), writer};
    }
  }
  pending_.erase(it);
}

std::vector<AckedOrders::Change> AckedOrders::Of(int writer) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Change> orders;
  for (const auto& [key, entry] : acked_) {
    if (entry.writer != writer) continue;
    std::array<uint8_t, OrderHash::kSize> bytes{};
    std::copy(key.begin(), key.end(), bytes.begin());
    orders.push_back(Change{OrderHash(bytes), entry.record});
  }
  return orders;
}

void AckedOrders::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  acked_.clear();
  pending_.clear();
}

std::string AckedOrders::Check(const Store& store) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string problems;

  // What the store holds, by a full scan; every record must verify.
  std::unordered_map<std::string, std::string> stored;
  std::unique_ptr<Iterator> it = store.NewIterator(ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<OrderView> view = it->view();
    if (!view.ok()) {
      problems += "unreadable: " + view.status().ToString() + "\n";
      continue;
    }
    stored[std::string(it->hash().AsKey())] = std::string(view->record());
  }
  if (!it->status().ok()) problems += "scan: " + it->status().ToString() + "\n";
  it.reset();

  // Each write in flight landed whole or not at all.
  for (auto& [writer, changes] : pending_) {
    size_t landed = 0, old = 0;
    for (const Change& change : changes) {
      const std::string key(change.hash.AsKey());
      auto found = stored.find(key);
      const std::string now = found == stored.end() ? "" : found->second;
      auto acked = acked_.find(key);
      const std::string before = acked == acked_.end() ? "" : acked->second.record;
      landed += now == change.record;
      old += now == before;
    }
    if (landed == changes.size()) {
      ++in_flight_landed_;
      for (Change& change : changes) {
        std::string key(change.hash.AsKey());
        if (change.record.empty()) {
          acked_.erase(key);
        } else {
          acked_[key] = Entry{std::move(change.record), writer};
        }
      }
    } else if (old == changes.size()) {
      ++in_flight_lost_;
    } else {
      problems += "writer " + std::to_string(writer) + ": a write of " +
                  std::to_string(changes.size()) + " orders landed in part (" +
                  std::to_string(landed) + " new, " + std::to_string(old) +
                  " old)\n";
    }
  }
  pending_.clear();

  // Every acknowledged order is there byte for byte, through a scan and
  // through GetMany; nothing else is.
  std::vector<OrderHash> hashes;
  std::vector<const std::string*> records;
  for (const auto& [key, entry] : acked_) {
    std::array<uint8_t, OrderHash::kSize> bytes{};
    std::copy(key.begin(), key.end(), bytes.begin());
    hashes.emplace_back(bytes);
    records.push_back(&entry.record);
    auto found = stored.find(key);
    if (found == stored.end()) {
      problems += "acknowledged order " + hashes.back().ToHex() + " is missing\n";
    } else if (found->second != entry.record) {
      problems += "acknowledged order " + hashes.back().ToHex() + " differs\n";
    }
  }
  std::vector<Result<PinnedOrder>> got = store.GetMany(ReadOptions(), hashes);
  for (size_t i = 0; i < hashes.size(); ++i) {
    if (!got[i].ok()) {
      problems += "Get " + hashes[i].ToHex() + ": " + got[i].status().ToString() + "\n";
    } else if (got[i]->view().record() != *records[i]) {
      problems += "Get " + hashes[i].ToHex() + " differs\n";
    }
  }
  orders_checked_ += hashes.size();
  for (const auto& [key, record] : stored) {
    if (acked_.count(key) == 0) {
      std::array<uint8_t, OrderHash::kSize> bytes{};
      std::copy(key.begin(), key.end(), bytes.begin());
      problems += "order " + OrderHash(bytes).ToHex() +
                  " is stored but was never acknowledged\n";
    }
  }

  // And the indexes agree with the orders.
  Result<size_t> checked = store.CheckIndexes([&problems](const Status& s) {
    problems += "index: " + s.ToString() + "\n";
  });
  if (!checked.ok()) {
    problems += "CheckIndexes: " + checked.status().ToString() + "\n";
  } else if (*checked != stored.size()) {
    problems += "CheckIndexes checked " + std::to_string(*checked) +
                " orders of " + std::to_string(stored.size()) + "\n";
  }
  return problems;
}

}  // namespace orderstore::testing
