// The run's summary: a Markdown table of every figure the issue asks for,
// with ratios and targets, printed after Google Benchmark's own output.
#ifndef ORDERSTORE_BENCH_REPORT_H_
#define ORDERSTORE_BENCH_REPORT_H_

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace orderstore::bench {

// Google Benchmark's console output, keeping each run's figures.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;

  // Prints the summary table to stdout; figures of benchmarks that did not
  // run (filtered out, or failed) are shown as "-".
  void PrintSummary() const;

 private:
  struct Figures {
    bool median = false;  // the median of repetitions
    double ns = 0;        // CPU time per iteration
    double real_ns = 0;   // real (wall) time per iteration
    std::map<std::string, double> counters;
  };
  // Keyed by benchmark name ("BM_Get_Orderstore").
  std::map<std::string, Figures> figures_;
  // CPU time per iteration of each repetition, by benchmark name.
  std::map<std::string, std::vector<double>> repetitions_;
};

}  // namespace orderstore::bench

#endif  // ORDERSTORE_BENCH_REPORT_H_
