// Names table-driven test cases after their row's `reason`, so a failing case
// reads like "RegisterRejects/password_7_code_points_14_bytes".
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace itest {

struct ReasonName {
  template <class Row>
  std::string operator()(const testing::TestParamInfo<Row>& row) const {
    return row.param.reason;
  }
};

}  // namespace itest
