// Per-worker metrics with no network round trip per request. Each worker
// counts into its own memory-mapped file in METRICS_DIR (plain atomic adds);
// the metrics endpoint sums every file of the host. When a worker is gone,
// its counts are folded into its pool's "retired" file, so totals never go
// back. Without METRICS_DIR (e.g. a CGI install) nothing is recorded.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "crud/errors.h"

namespace crud {

// Counters of domain events, beside the per-request figures.
#define CRUD_COUNTERS(X)                                                                        \
  X(logins_succeeded, "crud_logins_total", "result=\"succeeded\"", "Logins by result.")         \
  X(logins_failed, "crud_logins_total", "result=\"failed\"", "Logins by result.")               \
  X(registrations, "crud_registrations_total", "", "Users registered.")                         \
  X(cache_hits, "crud_cache_reads_total", "result=\"hit\"", "User cache lookups by result.")    \
  X(cache_misses, "crud_cache_reads_total", "result=\"miss\"", "User cache lookups by result.") \
  X(events_nchan_failed, "crud_event_publish_failures_total", "target=\"nchan\"",               \
    "Events that could not be published, by target.")                                           \
  X(events_redis_failed, "crud_event_publish_failures_total", "target=\"redis\"",               \
    "Events that could not be published, by target.")                                           \
  X(worker_starts, "crud_worker_starts_total", "", "Worker processes started (restarts included).")

enum class Counter : int {
#define CRUD_COUNTER_ENUM(name, metric, labels, help) name,
  CRUD_COUNTERS(CRUD_COUNTER_ENUM)
#undef CRUD_COUNTER_ENUM
      count_
};

constexpr int kMethodCount = 6;  // GET HEAD POST PUT DELETE other
constexpr int kStatusMin = 100, kStatusCount = 500;
// Histogram bounds in seconds: 1 ms to 5 s (and +Inf after them).
constexpr double kLatencyBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                     0.1,   0.25,   0.5,   1,    2.5,   5};
constexpr int kLatencyBucketCount = sizeof kLatencyBounds / sizeof kLatencyBounds[0] + 1;

using Count = std::atomic<std::uint64_t>;
static_assert(Count::is_always_lock_free, "counters live in shared memory");

// The layout of one metrics file. Times are summed in nanoseconds.
struct MetricsBlock {
  char magic[8];
  char endpoint[32];
  char pool[48];  // e.g. "read_user.1"
  std::int64_t pid;
  Count requests[kMethodCount][kStatusCount];
  Count latency_buckets[kLatencyBucketCount];  // not cumulative: one bucket per request
  Count latency_ns;
  Count errors[kErrorCodeCount];
  Count counters[static_cast<int>(Counter::count_)];
  Count postgres_ns;
  Count redis_ns;
};

const char* method_label(int method_index);
int method_index(std::string_view method);

// This worker's metrics. Recording is lock-free; a disabled instance
// (no METRICS_DIR) records nothing.
class WorkerMetrics {
 public:
  WorkerMetrics(const std::string& dir, const std::string& endpoint, const std::string& pool);
  ~WorkerMetrics();
  WorkerMetrics(const WorkerMetrics&) = delete;
  WorkerMetrics& operator=(const WorkerMetrics&) = delete;

  void request(std::string_view method, int status, double seconds, double postgres_seconds,
               double redis_seconds);
  void error(ErrorCode code);
  void count(Counter counter);
  // At a graceful exit: folds this worker's counts into its pool's retired
  // file and removes its own file.
  void retire();

 private:
  std::string dir_;
  std::string path_;
  MetricsBlock* block_ = nullptr;
};

// The metrics file of a worker and the retired file of a pool.
std::string live_metrics_file(const std::string& dir, const std::string& pool, long pid);
std::string retired_metrics_file(const std::string& dir, const std::string& pool);

// Maps a metrics file (read-write); nullptr when it is missing or not one.
MetricsBlock* map_metrics_file(const std::string& path, bool create);
void unmap_metrics_file(MetricsBlock* block);
// Adds every count of `from` to `into`.
void add_counts(MetricsBlock& into, const MetricsBlock& from);
// Folds a dead worker's file into its pool's retired file and deletes it;
// the caller holds the directory lock.
void fold_into_retired(const std::string& dir, const std::string& live_path);

// An exclusive lock on the metrics directory (folding, creating files).
class MetricsDirLock {
 public:
  explicit MetricsDirLock(const std::string& dir);
  ~MetricsDirLock();
  MetricsDirLock(const MetricsDirLock&) = delete;
  MetricsDirLock& operator=(const MetricsDirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace crud
