// The change feed's and the history's stored layout (change_format.h).
#include "lib/change_format.h"

#include <algorithm>
#include <cstring>

#include "orderstore/order_view.h"

namespace orderstore {

std::string_view ToString(ChangeOp op) {
  return op == ChangeOp::kDelete ? "delete" : "put";
}

std::string_view ToString(HistoryKind kind) {
  switch (kind) {
    case HistoryKind::kCreated:
      return "created";
    case HistoryKind::kReplaced:
      return "replaced";
    case HistoryKind::kStatusChanged:
      return "status";
    case HistoryKind::kDeleted:
      return "deleted";
  }
  return "unknown";
}

std::string FieldGroupNames(uint8_t changed) {
  static constexpr std::pair<uint8_t, const char*> kNames[] = {
      {kStatusFields, "status"},
      {kMoneyFields, "money"},
      {kItemFields, "items"},
      {kOtherFields, "other"}};
  std::string names;
  for (const auto& [bit, name] : kNames) {
    if ((changed & bit) == 0) continue;
    if (!names.empty()) names += ',';
    names += name;
  }
  return names;
}

Timestamp ChangeView::time() const {
  Timestamp t;
  int64_t seconds = time_micros_ / 1000000, micros = time_micros_ % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  t.unix_seconds = seconds;
  t.nanos = static_cast<int32_t>(micros * 1000);
  t.offset_minutes = 0;
  return t;
}

namespace internal {
namespace {

constexpr uint8_t kAllGroups =
    kStatusFields | kMoneyFields | kItemFields | kOtherFields;

void PutBigEndian(uint64_t v, char* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

uint64_t GetBigEndian(const char* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<unsigned char>(in[i]);
  return v;
}

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a varint at *at; false when `in` ends inside it or it is too long.
bool GetVarint(std::string_view in, size_t* at, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift <= 63 && *at < in.size(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in[(*at)++]);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

std::optional<OrderStatus> StatusOf(uint8_t byte) {
  if (byte == kNoStatus) return std::nullopt;
  return static_cast<OrderStatus>(byte);
}

// Every status byte this build writes: an order status or kNoStatus.
bool ValidStatusByte(uint8_t byte) {
  return byte == kNoStatus || byte <= static_cast<uint8_t>(OrderStatus::kRefund);
}

}  // namespace

uint8_t ChangedGroups(OrderView a, OrderView b) {
  uint8_t changed = 0;
  if (a.status() != b.status() || a.pay_time() != b.pay_time() ||
      a.cancel_time() != b.cancel_time()) {
    changed |= kStatusFields;
  }
  if (a.fee() != b.fee() || a.c_fee() != b.c_fee()) changed |= kMoneyFields;
  if (a.create_time() != b.create_time() ||
      a.expire_time() != b.expire_time()) {
    changed |= kOtherFields;
  }
  const ItemsView ia = a.items(), ib = b.items();
  if (ia.size() != ib.size()) changed |= kItemFields;
  for (size_t i = 0; i < std::min(ia.size(), ib.size()); ++i) {
    const OrderItemView x = ia[i], y = ib[i];
    if (x.status() != y.status()) changed |= kStatusFields;
    if (x.price() != y.price()) changed |= kMoneyFields;
    if (x.order_type() != y.order_type() ||
        x.resource_type() != y.resource_type() ||
        x.resource_id() != y.resource_id() || x.region() != y.region() ||
        x.life_start_time() != y.life_start_time() ||
        x.life_expire_time() != y.life_expire_time()) {
      changed |= kItemFields;
    }
  }
  return changed;
}

ChangeNote NoteChange(const OrderHash& hash, std::string_view old_record,
                      const OrderView* old_view, const std::string* record,
                      const OrderView* new_view) {
  ChangeNote note;
  note.hash = hash;
  note.record = record;
  if (old_view != nullptr) note.from = static_cast<uint8_t>(old_view->status());
  if (record == nullptr) {
    note.kind = HistoryKind::kDeleted;
    note.changed = kAllGroups;
    return note;
  }
  note.to = static_cast<uint8_t>(new_view->status());
  if (old_record.empty()) {
    note.kind = HistoryKind::kCreated;
    note.changed = kAllGroups;
  } else {
    note.kind = HistoryKind::kReplaced;
    // A damaged old record is being replaced: all of it changed.
    note.changed =
        old_view != nullptr ? ChangedGroups(*old_view, *new_view) : kAllGroups;
  }
  return note;
}

void MarkStatusChanges(std::vector<ChangeNote>& notes) {
  for (ChangeNote& note : notes) {
    if (note.kind == HistoryKind::kReplaced) note.kind = HistoryKind::kStatusChanged;
  }
}

void AppendSeqKey(uint64_t seq, std::string* out) {
  char bytes[8];
  PutBigEndian(seq, bytes);
  out->append(bytes, sizeof(bytes));
}

uint64_t DecodeSeqKey(std::string_view key) { return GetBigEndian(key.data()); }

std::string HistoryKey(const OrderHash& hash, uint64_t seq) {
  std::string key(hash.AsKey());
  AppendSeqKey(seq, &key);
  return key;
}

void AppendChangeValue(const ChangeNote& note, int64_t time_micros,
                       std::string_view actor, std::string_view reason,
                       std::string* out) {
  char header[kChangeHeaderSize] = {};
  header[0] = static_cast<char>(note.record != nullptr ? ChangeOp::kPut
                                                       : ChangeOp::kDelete);
  header[1] = static_cast<char>(actor.size());
  header[2] = static_cast<char>(reason.size());
  PutBigEndian(static_cast<uint64_t>(time_micros), header + 4);
  std::memcpy(header + 12, note.hash.bytes().data(), OrderHash::kSize);
  out->append(header, sizeof(header));
  out->append(actor);
  out->append(reason);
  if (note.record != nullptr) out->append(*note.record);
}

void AppendHistoryValue(const ChangeNote& note, int64_t time_micros,
                        std::string_view actor, std::string_view reason,
                        std::string* out) {
  out->push_back(static_cast<char>(static_cast<uint8_t>(note.kind) |
                                   note.changed << 4));
  out->push_back(static_cast<char>(note.from));
  out->push_back(static_cast<char>(note.to));
  // Times before 1970 do not occur: the commit clock never goes back there.
  AppendVarint(static_cast<uint64_t>(std::max<int64_t>(time_micros, 0)), out);
  if (actor.empty() && reason.empty()) return;
  out->push_back(static_cast<char>(actor.size()));
  out->append(actor);
  out->push_back(static_cast<char>(reason.size()));
  out->append(reason);
}

Result<ChangeView> DecodeChange(std::string_view key, std::string_view value) {
  if (key.size() != kSeqKeySize) {
    return Status::Corruption("change key of " + std::to_string(key.size()) +
                              " bytes (8 expected)");
  }
  const uint64_t seq = DecodeSeqKey(key);
  auto damaged = [seq](const std::string& why) {
    return Status::Corruption("change " + std::to_string(seq) + ": " + why);
  };
  if (value.size() < kChangeHeaderSize) return damaged("value too short");
  const auto op = static_cast<ChangeOp>(value[0]);
  const size_t actor_size = static_cast<uint8_t>(value[1]);
  const size_t reason_size = static_cast<uint8_t>(value[2]);
  if (op != ChangeOp::kPut && op != ChangeOp::kDelete) {
    return damaged("unknown operation " + std::to_string(value[0]));
  }
  if (kChangeHeaderSize + actor_size + reason_size > value.size()) {
    return damaged("actor and reason overrun the value");
  }
  const auto time_micros = static_cast<int64_t>(GetBigEndian(value.data() + 4));
  std::array<uint8_t, OrderHash::kSize> bytes;
  std::memcpy(bytes.data(), value.data() + 12, bytes.size());
  const OrderHash hash(bytes);
  const std::string_view actor = value.substr(kChangeHeaderSize, actor_size);
  const std::string_view reason =
      value.substr(kChangeHeaderSize + actor_size, reason_size);
  const std::string_view record =
      value.substr(kChangeHeaderSize + actor_size + reason_size);
  OrderView order;
  if (op == ChangeOp::kPut) {
    Result<OrderView> view = VerifyRecord(record);
    if (!view.ok()) return damaged(view.status().message());
    if (view->hash() != hash) {
      return damaged("record holds order " + view->hash().ToHex() +
                     ", the change names " + hash.ToHex());
    }
    order = *view;
  } else if (!record.empty()) {
    return damaged("a delete with a record");
  }
  return ChangeViewAccess::Make(seq, time_micros, op, hash, actor, reason,
                                order);
}

Result<HistoryEntry> DecodeHistory(std::string_view key,
                                   std::string_view value) {
  if (key.size() != kHistoryKeySize) {
    return Status::Corruption("history key of " + std::to_string(key.size()) +
                              " bytes (24 expected)");
  }
  HistoryEntry entry;
  entry.seq = DecodeSeqKey(key.substr(OrderHash::kSize));
  auto damaged = [&entry](const std::string& why) {
    return Status::Corruption("history entry " + std::to_string(entry.seq) +
                              ": " + why);
  };
  if (value.size() < 4) return damaged("value too short");
  const uint8_t kind = static_cast<uint8_t>(value[0]) & 0x0f;
  if (kind < 1 || kind > 4) return damaged("unknown kind " + std::to_string(kind));
  entry.kind = static_cast<HistoryKind>(kind);
  entry.changed = static_cast<uint8_t>(value[0]) >> 4;
  const auto from = static_cast<uint8_t>(value[1]);
  const auto to = static_cast<uint8_t>(value[2]);
  if (!ValidStatusByte(from) || !ValidStatusByte(to)) {
    return damaged("unknown status");
  }
  entry.from = StatusOf(from);
  entry.to = StatusOf(to);
  size_t at = 3;
  uint64_t time = 0;
  if (!GetVarint(value, &at, &time)) return damaged("damaged time");
  entry.time_micros = static_cast<int64_t>(time);
  if (at == value.size()) return entry;
  for (std::string* label : {&entry.actor, &entry.reason}) {
    if (at >= value.size()) return damaged("value too short");
    const size_t size = static_cast<uint8_t>(value[at++]);
    if (size > value.size() - at) return damaged("label overruns the value");
    label->assign(value.substr(at, size));
    at += size;
  }
  if (at != value.size()) return damaged("trailing bytes");
  return entry;
}

std::string EncodeOldest(uint64_t seq) {
  std::string value;
  AppendSeqKey(seq, &value);
  return value;
}

uint64_t DecodeOldest(std::string_view value) {
  return value.size() == kSeqKeySize ? DecodeSeqKey(value) : 0;
}

Status ValidateLabel(std::string_view what, std::string_view text,
                     size_t max) {
  if (text.size() > max) {
    return Status::InvalidArgument(std::string(what) + " is " +
                                   std::to_string(text.size()) +
                                   " bytes long; at most " +
                                   std::to_string(max) + " are allowed");
  }
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<uint8_t>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3
                                  : (c >> 3) == 0x1e ? 4 : 0;
    bool valid = length != 0 && i + length <= text.size();
    for (size_t j = 1; valid && j < length; ++j) {
      valid = (static_cast<uint8_t>(text[i + j]) & 0xc0) == 0x80;
    }
    if (valid && length == 1 && (c < 0x20 || c == 0x7f)) {
      return Status::InvalidArgument(std::string(what) +
                                     ": control character at byte " +
                                     std::to_string(i));
    }
    if (!valid) {
      return Status::InvalidArgument(std::string(what) +
                                     ": invalid UTF-8 at byte " +
                                     std::to_string(i));
    }
    i += length;
  }
  return Status::OK();
}

}  // namespace internal
}  // namespace orderstore
