// The library's own entry to the time checks of lib/time.cc, beside the
// public ones in orderstore/order.h.
#ifndef ORDERSTORE_LIB_TIME_H_
#define ORDERSTORE_LIB_TIME_H_

#include "orderstore/order.h"

namespace orderstore::internal {

// ValidateTimestamp(t).ok(), without making a Status: the record verifier
// checks about ten times a record, and making a Status only to test it
// would be a good part of verification's cost.
bool IsValidTimestamp(const Timestamp& t);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_TIME_H_
