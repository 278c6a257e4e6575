// Background load threads and their tallies (see load.h).
#include "support/load.h"

#include <stdexcept>

namespace itest {
namespace {

bool succeeded(const Response& r) { return (r.status >= 200 && r.status < 300) || r.status == 304; }

}  // namespace

Response Tally::observe(const std::function<Response()>& send) {
  const size_t kept = 5;
  Response r;
  try {
    r = send();
    ++answers;
  } catch (const std::runtime_error& e) {
    r.status = 0;
    r.body = std::string("transport error: ") + e.what();
  }
  ++by_status[r.status];
  if (r.status >= 500) server_errors.push_back(r);
  if (!succeeded(r)) {
    ++failures;
    if (samples.size() < kept) samples.push_back(r.status == 0 ? r.body : r.describe());
  }
  return r;
}

std::optional<Response> Tally::send(const std::function<Response()>& send) {
  Response r = observe(send);
  if (succeeded(r)) return r;
  return std::nullopt;
}

void Load::run(std::function<void(Tally&)> step) {
  tallies_.push_back(std::make_unique<Tally>());
  Tally* tally = tallies_.back().get();
  threads_.emplace_back([this, tally, step = std::move(step)] {
    while (!stopping_.load()) step(*tally);
  });
}

void Load::stop() {
  stopping_.store(true);
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace itest
