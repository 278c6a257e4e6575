// Fires requests at the same moment from several threads, for the tests that
// prove the database (not a read-then-write check) settles conflicts.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/json_checks.h"

namespace itest {

// Runs `a` and `b` on two threads released together; returns both responses.
inline std::pair<Response, Response> race(const std::function<Response()>& a,
                                          const std::function<Response()>& b) {
  std::promise<void> start;
  const std::shared_future<void> go = start.get_future().share();
  auto first = std::async(std::launch::async, [go, &a] {
    go.wait();
    return a();
  });
  auto second = std::async(std::launch::async, [go, &b] {
    go.wait();
    return b();
  });
  start.set_value();
  Response ra = first.get();
  Response rb = second.get();
  return {std::move(ra), std::move(rb)};
}

// Runs request(i) for i in [0, n) on n threads released together; returns
// the responses in the order of i.
inline std::vector<Response> race_all(int n, const std::function<Response(int)>& request) {
  std::promise<void> start;
  const std::shared_future<void> go = start.get_future().share();
  std::vector<std::future<Response>> running;
  for (int i = 0; i < n; ++i) {
    running.push_back(std::async(std::launch::async, [go, &request, i] {
      go.wait();
      return request(i);
    }));
  }
  start.set_value();
  std::vector<Response> responses;
  for (auto& r : running) responses.push_back(r.get());
  return responses;
}

// One of the two succeeded with `win` and the other failed with error
// `lose_status`/`lose_code`; `winner` tells which (0 for the first, 1 for the second).
inline testing::AssertionResult OneWinsOneLoses(const std::pair<Response, Response>& rs, int win,
                                                int lose_status, const std::string& lose_code,
                                                int* winner = nullptr) {
  const bool first_won = rs.first.status == win;
  const Response& won = first_won ? rs.first : rs.second;
  const Response& lost = first_won ? rs.second : rs.first;
  if (won.status != win || lost.status == win) {
    return testing::AssertionFailure() << "want exactly one " << win << "\n"
                                       << rs.first.describe() << "\n"
                                       << rs.second.describe();
  }
  if (auto error = IsApiError(lost, lose_status, lose_code); !error) return error;
  if (winner != nullptr) *winner = first_won ? 0 : 1;
  return testing::AssertionSuccess();
}

}  // namespace itest
