// The libFuzzer target for one entry point of fuzz_entry.h: the build
// compiles this file once per target, with ORDERSTORE_FUZZ_ENTRY naming the
// function (see fuzz/CMakeLists.txt).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string failure = orderstore::fuzz::ORDERSTORE_FUZZ_ENTRY(data, size);
  if (!failure.empty()) {
    std::fprintf(stderr, "%s\n", failure.c_str());
    std::abort();  // libFuzzer saves the input as a crash
  }
  return 0;
}
