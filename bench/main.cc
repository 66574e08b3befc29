// orderstore_bench: every benchmark of bench/ in one process over one
// dataset, then the summary table.
//
//   orderstore_bench [--orders N] [--layouts] [Google Benchmark flags]
//
// --layouts adds the record layouts tried for stores bigger than their
// caches (layout_bench.cc).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/dataset.h"
#include "bench/layout_bench.h"
#include "bench/report.h"

int main(int argc, char** argv) {
  using namespace orderstore::bench;
  // Take --orders N / --orders=N out of argv before Google Benchmark sees it.
  uint64_t orders = 1'000'000;
  bool layouts = false;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const char* value = nullptr;
    if (std::strcmp(argv[i], "--layouts") == 0) {
      layouts = true;
      continue;
    }
    if (std::strcmp(argv[i], "--orders") == 0 && i + 1 < argc) {
      value = argv[++i];
    } else if (std::strncmp(argv[i], "--orders=", 9) == 0) {
      value = argv[i] + 9;
    } else {
      argv[kept++] = argv[i];
      continue;
    }
    char* end = nullptr;
    orders = std::strtoull(value, &end, 10);
    if (*end != '\0' || orders == 0) {
      std::fprintf(stderr, "orderstore_bench: --orders wants a count > 0\n");
      return 2;
    }
  }
  argc = kept;
  SetOrderCount(orders);
  if (layouts) RegisterLayoutBenchmarks();

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::AddCustomContext("orders", std::to_string(orders));
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  Teardown();
  reporter.PrintSummary();
  benchmark::Shutdown();
  return 0;
}
