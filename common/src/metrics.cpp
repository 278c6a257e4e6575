// Metrics files: creation, mapping, recording and folding of dead workers.
#include "crud/metrics.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace crud {

namespace {

constexpr char kMagic[8] = {'c', 'r', 'u', 'd', 'm', 't', 'r', '1'};

void copy_name(char* to, std::size_t size, const std::string& from) {
  std::memset(to, 0, size);
  std::memcpy(to, from.data(), std::min(from.size(), size - 1));
}

void add(Count& into, const Count& from) {
  into.fetch_add(from.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

template <std::size_t N>
void add_all(Count (&into)[N], const Count (&from)[N]) {
  for (std::size_t i = 0; i < N; ++i) add(into[i], from[i]);
}

std::uint64_t to_ns(double seconds) { return static_cast<std::uint64_t>(seconds * 1e9); }

}  // namespace

const char* method_label(int method_index) {
  static const char* const kLabels[kMethodCount] = {"GET", "HEAD",   "POST",
                                                    "PUT", "DELETE", "other"};
  return kLabels[method_index];
}

int method_index(std::string_view method) {
  for (int i = 0; i < kMethodCount - 1; ++i)
    if (method == method_label(i)) return i;
  return kMethodCount - 1;
}

std::string live_metrics_file(const std::string& dir, const std::string& pool, long pid) {
  return dir + "/" + pool + "." + std::to_string(pid) + ".live";
}

std::string retired_metrics_file(const std::string& dir, const std::string& pool) {
  return dir + "/" + pool + ".retired";
}

MetricsBlock* map_metrics_file(const std::string& path, bool create) {
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0640);
  if (fd < 0) return nullptr;
  struct stat st {};
  bool ok = fstat(fd, &st) == 0;
  if (ok && create && st.st_size == 0)
    ok = ftruncate(fd, sizeof(MetricsBlock)) == 0;  // zero-filled: all counts 0
  else if (ok)
    ok = static_cast<std::size_t>(st.st_size) == sizeof(MetricsBlock);
  void* mem = ok ? mmap(nullptr, sizeof(MetricsBlock), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                 : MAP_FAILED;
  close(fd);
  if (mem == MAP_FAILED) return nullptr;
  auto* block = static_cast<MetricsBlock*>(mem);
  if (std::memcmp(block->magic, kMagic, sizeof kMagic) != 0) {
    if (!create || block->pid != 0) {  // not a metrics file of this version
      munmap(mem, sizeof(MetricsBlock));
      return nullptr;
    }
    std::memcpy(block->magic, kMagic, sizeof kMagic);
  }
  return block;
}

void unmap_metrics_file(MetricsBlock* block) {
  if (block) munmap(block, sizeof(MetricsBlock));
}

void add_counts(MetricsBlock& into, const MetricsBlock& from) {
  for (int m = 0; m < kMethodCount; ++m) add_all(into.requests[m], from.requests[m]);
  add_all(into.latency_buckets, from.latency_buckets);
  add(into.latency_ns, from.latency_ns);
  add_all(into.errors, from.errors);
  add_all(into.counters, from.counters);
  add(into.postgres_ns, from.postgres_ns);
  add(into.redis_ns, from.redis_ns);
}

void fold_into_retired(const std::string& dir, const std::string& live_path) {
  MetricsBlock* dead = map_metrics_file(live_path, false);
  if (dead) {
    std::string pool(dead->pool, strnlen(dead->pool, sizeof dead->pool));
    MetricsBlock* retired = map_metrics_file(retired_metrics_file(dir, pool), true);
    if (retired) {
      if (retired->endpoint[0] == '\0') {
        std::memcpy(retired->endpoint, dead->endpoint, sizeof retired->endpoint);
        std::memcpy(retired->pool, dead->pool, sizeof retired->pool);
      }
      add_counts(*retired, *dead);
      unmap_metrics_file(retired);
    }
    unmap_metrics_file(dead);
    if (!retired) return;  // keep the counts where they are
  }
  unlink(live_path.c_str());
}

MetricsDirLock::MetricsDirLock(const std::string& dir) {
  fd_ = open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ >= 0) flock(fd_, LOCK_EX);
}

MetricsDirLock::~MetricsDirLock() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

WorkerMetrics::WorkerMetrics(const std::string& dir, const std::string& endpoint,
                             const std::string& pool)
    : dir_(dir) {
  if (dir.empty()) return;
  mkdir(dir.c_str(), 0750);
  MetricsDirLock lock(dir);
  path_ = live_metrics_file(dir, pool.empty() ? endpoint : pool, static_cast<long>(getpid()));
  // A file with our pid belonged to an earlier process: keep its counts.
  if (access(path_.c_str(), F_OK) == 0) fold_into_retired(dir, path_);
  block_ = map_metrics_file(path_, true);
  if (!block_) return;
  copy_name(block_->endpoint, sizeof block_->endpoint, endpoint);
  copy_name(block_->pool, sizeof block_->pool, pool.empty() ? endpoint : pool);
  block_->pid = getpid();
  count(Counter::worker_starts);
}

WorkerMetrics::~WorkerMetrics() { unmap_metrics_file(block_); }

void WorkerMetrics::request(std::string_view method, int status, double seconds,
                            double postgres_seconds, double redis_seconds) {
  if (!block_) return;
  int s = status - kStatusMin;
  if (s < 0 || s >= kStatusCount) s = 500 - kStatusMin;  // cannot happen; counted as 500
  block_->requests[method_index(method)][s].fetch_add(1, std::memory_order_relaxed);
  int bucket = 0;
  while (bucket < kLatencyBucketCount - 1 && seconds > kLatencyBounds[bucket]) ++bucket;
  block_->latency_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  block_->latency_ns.fetch_add(to_ns(seconds), std::memory_order_relaxed);
  block_->postgres_ns.fetch_add(to_ns(postgres_seconds), std::memory_order_relaxed);
  block_->redis_ns.fetch_add(to_ns(redis_seconds), std::memory_order_relaxed);
}

void WorkerMetrics::error(ErrorCode code) {
  if (block_) block_->errors[static_cast<int>(code)].fetch_add(1, std::memory_order_relaxed);
}

void WorkerMetrics::count(Counter counter) {
  if (block_) block_->counters[static_cast<int>(counter)].fetch_add(1, std::memory_order_relaxed);
}

void WorkerMetrics::retire() {
  if (!block_) return;
  unmap_metrics_file(block_);
  block_ = nullptr;
  MetricsDirLock lock(dir_);
  fold_into_retired(dir_, path_);
}

}  // namespace crud
