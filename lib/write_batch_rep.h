// What a WriteBatch holds, for the lib/ files that write one (store.cc,
// import.cc, write_plan.cc).
#ifndef ORDERSTORE_LIB_WRITE_BATCH_REP_H_
#define ORDERSTORE_LIB_WRITE_BATCH_REP_H_

#include <string>
#include <vector>

#include "orderstore/order.h"
#include "orderstore/store.h"

namespace orderstore {
namespace internal {

// One entry of a WriteBatch.
struct BatchOp {
  OrderHash hash;
  std::string record;  // empty for a delete (a record never is)
  bool create = false;  // stored only if absent (WriteBatch::Create)
};

}  // namespace internal

struct WriteBatch::Rep {
  std::vector<internal::BatchOp> ops;
};

}  // namespace orderstore

#endif  // ORDERSTORE_LIB_WRITE_BATCH_REP_H_
