// The fuzzing entry points, shared by the libFuzzer targets (fuzz/*_fuzzer.cc,
// built with clang) and by tests/fuzz_replay_test.cc (built with g++ in the
// normal build), which replays every seed and every input that once crashed.
//
// Each entry point feeds arbitrary bytes to one public parser and checks
// what a correct parser must guarantee. It returns "" when every check
// holds, else what broke; a crash or a sanitizer report is a failure too.
#ifndef ORDERSTORE_FUZZ_FUZZ_ENTRY_H_
#define ORDERSTORE_FUZZ_FUZZ_ENTRY_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace orderstore::fuzz {

// OrderParser::Parse (stop-at-first and keep-going) and ParseOne. Every
// order it returns must pass ValidateOrder, encode to a record that
// verifies and reads back equal, and export to JSON that parses back equal.
std::string FuzzJsonImport(const uint8_t* data, size_t size);

// OrderHash::Parse: accepted text is exactly 32 hex digits and prints back
// as their lower case; anything else is InvalidArgument.
std::string FuzzHashParse(const uint8_t* data, size_t size);

// ParseTimestamp: a parsed time is valid, formats back, and re-parses
// equal; formatting is stable.
std::string FuzzTimestamp(const uint8_t* data, size_t size);

// VerifyRecord over arbitrary bytes: Corruption or a view whose every field
// reads safely, exports as JSON that the importer accepts.
std::string FuzzRecordView(const uint8_t* data, size_t size);

}  // namespace orderstore::fuzz

#endif  // ORDERSTORE_FUZZ_FUZZ_ENTRY_H_
