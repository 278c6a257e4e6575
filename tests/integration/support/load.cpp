// Background load threads and their tallies (see load.h).
#include "support/load.h"

#include <stdexcept>

namespace itest {

std::optional<Response> Tally::send(const std::function<Response()>& send) {
  const size_t kept = 5;
  try {
    Response r = send();
    ++answers;
    if ((r.status >= 200 && r.status < 300) || r.status == 304) return r;
    ++failures;
    if (samples.size() < kept) samples.push_back(r.describe());
  } catch (const std::runtime_error& e) {
    ++failures;
    if (samples.size() < kept) samples.push_back(std::string("transport error: ") + e.what());
  }
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
