// The Prometheus text exposition of this host: every worker's metrics file
// summed per endpoint (dead workers folded into their pool's retired file
// first), the live processes of each pool, and figures the caller measured
// (database, Redis, nginx).
#pragma once

#include <string>
#include <vector>

namespace crud {

// One sample the metrics endpoint measured itself, e.g. crud_users.
struct Sample {
  std::string family;  // metric name
  std::string type;    // "gauge" or "counter"
  std::string help;
  std::string labels;  // e.g. state="active", or empty
  double value;
};

std::string metrics_report(const std::string& metrics_dir, const std::vector<Sample>& samples);

// Parses nginx's stub_status page into samples (empty when unreadable).
std::vector<Sample> nginx_status_samples(const std::string& stub_status_body);

}  // namespace crud
