// The row a change becomes in ClickHouse, and the tables that hold it: one
// file, so that the row and its schema cannot drift apart.
//
// Amounts: the store accepts any finite, non-negative double (ValidateOrder),
// from 5e-324 to 1.8e308, which no Decimal type holds, and ClickHouse 18.16
// reads Float64 text inexactly ("5.81" becomes 5.8100000000000005). So each
// amount travels as the 64 bits of its double (fee_bits, an exact integer)
// and the table turns them back into the same double (fee, a MATERIALIZED
// Float64). Every amount arrives bit for bit, and SQL over the Float64
// columns does the same double arithmetic CheckOrder does (arraySum adds
// the prices in item order, as it does), so the fleet's reconcile queries
// find what `orderstore reconcile` finds.
//
// Times: ClickHouse 18.16 has no DateTime64, and DateTime (1970 to 2105)
// holds neither the zero time nor the years 1400..9999 the store accepts;
// each time is its Timestamp's three fields: T (Unix seconds, Int64), T_ns
// (UInt32) and T_offset (minutes, Int16), from which FormatTimestamp's
// string is rebuilt exactly.
#include <bit>
#include <charconv>
#include <string>

#include "orderstore/changes.h"
#include "orderstore/json_export.h"
#include "orderstore/ship.h"

namespace orderstore {
namespace {

template <typename T>
void AppendInt(T value, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

void AppendKey(std::string_view key, std::string* out) {
  out->push_back(',');
  out->push_back('"');
  out->append(key);
  out->append("\":");
}

void AppendBits(double amount, std::string* out) {
  AppendInt(std::bit_cast<uint64_t>(amount), out);
}

void AppendTime(std::string_view name, const Timestamp& t, std::string* out) {
  AppendKey(name, out);
  AppendInt(t.unix_seconds, out);
  AppendKey(std::string(name) + "_ns", out);
  AppendInt(t.nanos, out);
  AppendKey(std::string(name) + "_offset", out);
  AppendInt(t.offset_minutes, out);
}

// One array column of the items: "items.NAME":[f(item0),f(item1),...].
template <typename F>
void AppendItemArray(const ItemsView& items, std::string_view name, F&& f,
                     std::string* out) {
  out->append(",\"items.");
  out->append(name);
  out->append("\":[");
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->push_back(',');
    f(items[i]);
  }
  out->push_back(']');
}

void AppendItemTime(const ItemsView& items, std::string_view name,
                    Timestamp (OrderItemView::*get)() const, std::string* out) {
  AppendItemArray(items, name, [&](OrderItemView item) {
    AppendInt((item.*get)().unix_seconds, out);
  }, out);
  AppendItemArray(items, std::string(name) + "_ns", [&](OrderItemView item) {
    AppendInt((item.*get)().nanos, out);
  }, out);
  AppendItemArray(items, std::string(name) + "_offset", [&](OrderItemView item) {
    AppendInt((item.*get)().offset_minutes, out);
  }, out);
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

// "Enum8('new' = 0, 'paid' = 1, ...)" from the enum's own spellings.
template <typename E>
std::string EnumType(int count) {
  std::string type = "Enum8(";
  for (int i = 0; i < count; ++i) {
    if (i > 0) type += ", ";
    type += "'" + std::string(ToString(static_cast<E>(i))) + "' = " +
            std::to_string(i);
  }
  return type + ")";
}

std::string TimeColumns(std::string_view name, bool array) {
  auto wrap = [array](std::string_view type) {
    return array ? "Array(" + std::string(type) + ")" : std::string(type);
  };
  const std::string n = array ? "`items." + std::string(name) : "`" + std::string(name);
  return "  " + n + "` " + wrap("Int64") + ",\n  " + n + "_ns` " + wrap("UInt32") +
         ",\n  " + n + "_offset` " + wrap("Int16") + ",\n";
}

constexpr char kBitsToDouble[] = "reinterpretAsFloat64(reinterpretAsString(";

}  // namespace

void AppendShipRow(const ChangeView& change, std::string_view shard,
                   std::string* out) {
  char hex[OrderHash::kHexSize];
  change.hash().WriteHex(hex);
  out->append("{\"order\":\"");
  out->append(hex, sizeof(hex));
  out->push_back('"');
  AppendKey("version", out);
  AppendInt(change.seq(), out);
  AppendKey("deleted", out);
  out->push_back(change.op() == ChangeOp::kDelete ? '1' : '0');
  AppendKey("shard", out);
  AppendJsonString(shard, out);
  AppendKey("changed_at", out);
  AppendInt(change.time_micros(), out);
  if (change.op() == ChangeOp::kPut) {
    const OrderView order = change.order();
    AppendKey("fee_bits", out);
    AppendBits(order.fee(), out);
    AppendKey("c_fee_bits", out);
    AppendBits(order.c_fee(), out);
    AppendTime("create_time", order.create_time(), out);
    AppendTime("pay_time", order.pay_time(), out);
    AppendTime("cancel_time", order.cancel_time(), out);
    AppendTime("expire_time", order.expire_time(), out);
    AppendKey("status", out);
    out->push_back('"');
    out->append(ToString(order.status()));
    out->push_back('"');
    const ItemsView items = order.items();
    using Item = OrderItemView;
    AppendItemArray(items, "order_type", [&](Item i) { AppendJsonString(i.order_type(), out); }, out);
    AppendItemArray(items, "resource_type", [&](Item i) { AppendJsonString(i.resource_type(), out); }, out);
    AppendItemArray(items, "resource_id", [&](Item i) { AppendJsonString(i.resource_id(), out); }, out);
    AppendItemArray(items, "region", [&](Item i) { AppendJsonString(i.region(), out); }, out);
    AppendItemArray(items, "price_bits", [&](Item i) { AppendBits(i.price(), out); }, out);
    AppendItemArray(items, "status", [&](Item i) {
      out->push_back('"');
      out->append(ToString(i.status()));
      out->push_back('"');
    }, out);
    AppendItemTime(items, "life_start_time", &OrderItemView::life_start_time, out);
    AppendItemTime(items, "life_expire_time", &OrderItemView::life_expire_time, out);
  }
  out->append("}\n");
}

Result<std::string> ShipSchema(std::string_view table, std::string_view cluster) {
  const size_t dot = table.find('.');
  const std::string_view local =
      dot == std::string_view::npos ? table : table.substr(dot + 1);
  if (!IsIdentifier(local) ||
      (dot != std::string_view::npos && !IsIdentifier(table.substr(0, dot)))) {
    return Status::InvalidArgument("table name \"" + std::string(table) +
                                   "\" is not NAME or DATABASE.NAME");
  }
  if (!IsIdentifier(cluster)) {
    return Status::InvalidArgument("cluster name \"" + std::string(cluster) +
                                   "\" is not a plain name");
  }
  const std::string t(table), all = std::string(table) + "_all";
  std::string ddl = "CREATE TABLE IF NOT EXISTS " + t + "\n(\n";
  ddl += "  `order` String,\n";
  ddl += "  `fee_bits` UInt64,\n";
  ddl += "  `fee` Float64 MATERIALIZED " + std::string(kBitsToDouble) + "fee_bits)),\n";
  ddl += "  `c_fee_bits` UInt64,\n";
  ddl += "  `c_fee` Float64 MATERIALIZED " + std::string(kBitsToDouble) + "c_fee_bits)),\n";
  for (const char* name : {"create_time", "pay_time", "cancel_time", "expire_time"}) {
    ddl += TimeColumns(name, false);
  }
  ddl += "  `status` " + EnumType<OrderStatus>(kOrderStatusCount) + ",\n";
  for (const char* name : {"order_type", "resource_type", "resource_id", "region"}) {
    ddl += "  `items." + std::string(name) + "` Array(String),\n";
  }
  ddl += "  `items.price_bits` Array(UInt64),\n";
  ddl += "  `items.price` Array(Float64) MATERIALIZED arrayMap(b -> " +
         std::string(kBitsToDouble) + "b)), `items.price_bits`),\n";
  ddl += "  `items.status` Array(" + EnumType<ItemStatus>(kItemStatusCount) + "),\n";
  ddl += TimeColumns("life_start_time", true);
  ddl += TimeColumns("life_expire_time", true);
  ddl += "  `version` UInt64,\n";
  ddl += "  `deleted` UInt8,\n";
  ddl += "  `shard` String,\n";
  ddl += "  `changed_at` Int64\n";
  // Sequence numbers of two stores do not compare, so the shard is part of
  // the key: each store's rows replace only its own.
  ddl += ")\nENGINE = ReplacingMergeTree(version)\nORDER BY (`order`, shard);\n";
  ddl += "CREATE TABLE IF NOT EXISTS " + all + " AS " + t +
         "\nENGINE = Distributed(" + std::string(cluster) + ", '', " +
         std::string(local) + ");\n";
  return ddl;
}

}  // namespace orderstore
