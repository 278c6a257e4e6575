// Replays every committed fuzz input (seeds and the inputs of past findings)
// through its target in the normal build, without libFuzzer: a fixed bug
// stays fixed even where the fuzzers never run. Any exception but the
// SPEC's refusals fails the row (under the ASan build, so does a memory error).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "targets.h"

namespace {

struct Target {
  const char* reason;  // also the corpus folder's name
  std::function<void(std::string_view)> run;
};

class FuzzCorpus : public testing::TestWithParam<Target> {};

TEST_P(FuzzCorpus, EveryInputIsHandled) {
  const std::filesystem::path folder =
      std::filesystem::path(CRUD_FUZZ_CORPUS_DIR) / GetParam().reason;
  ASSERT_TRUE(std::filesystem::is_directory(folder)) << folder;
  int inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NO_THROW(GetParam().run(input)) << entry.path().filename();
    ++inputs;
  }
  EXPECT_GT(inputs, 0) << "no seed inputs in " << folder;
}

// Rows are named after their target (a functor: a lambda here trips -Wshadow).
struct TargetName {
  std::string operator()(const testing::TestParamInfo<Target>& row) const {
    return row.param.reason;
  }
};

INSTANTIATE_TEST_SUITE_P(Targets, FuzzCorpus,
                         testing::Values(Target{"request_params", crud::fuzz::request_params},
                                         Target{"json_body", crud::fuzz::json_body},
                                         Target{"jwt", crud::fuzz::jwt}),
                         TargetName());

}  // namespace
