// libFuzzer target: see FuzzTimestamp in fuzz_entry.h for what it checks.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string failure = orderstore::fuzz::FuzzTimestamp(data, size);
  if (!failure.empty()) {
    std::fprintf(stderr, "timestamp: %s\n", failure.c_str());
    std::abort();  // libFuzzer saves the input as a crash
  }
  return 0;
}
