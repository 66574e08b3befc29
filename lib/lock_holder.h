// Reading /proc/locks for Store::LockHolder, apart from it so that tests
// can give it lines of their own.
#ifndef ORDERSTORE_LIB_LOCK_HOLDER_H_
#define ORDERSTORE_LIB_LOCK_HOLDER_H_

#include <sys/types.h>

#include <istream>

namespace orderstore::internal {

// The id of a process other than `self` that `locks` (text as
// /proc/locks gives it) says holds a lock on the file with device `device`
// and inode number `inode`; 0 when there is none. Lines it cannot read,
// and waiters for a lock, are skipped.
int LockHolderIn(std::istream& locks, dev_t device, ino_t inode, pid_t self);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_LOCK_HOLDER_H_
