// Sums the metrics files of a host and writes the Prometheus text format.
#include "crud/metrics_report.h"

#include <dirent.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "crud/metrics.h"
#include "crud/text.h"

namespace crud {

namespace {

struct Family {
  std::string type;
  std::string help;
  std::vector<std::string> lines;  // "name{labels} value"
};

// Families in name order, each with one HELP and TYPE line, as Prometheus wants.
class Exposition {
 public:
  void add(const std::string& family, const char* type, const char* help, const std::string& series,
           const std::string& labels, double value) {
    Family& f = families_[family];
    f.type = type;
    f.help = help;
    char number[64];
    // Counts exactly; times and sizes to nine significant digits.
    bool whole = value == static_cast<double>(static_cast<long long>(value)) && value < 1e15;
    std::snprintf(number, sizeof number, whole ? "%.0f" : "%.9g", value);
    f.lines.push_back(series + (labels.empty() ? "" : "{" + labels + "}") + " " + number);
  }
  void add(const std::string& family, const char* type, const char* help, const std::string& labels,
           double value) {
    add(family, type, help, family, labels, value);
  }
  std::string text() const {
    std::string out;
    for (const auto& [name, f] : families_) {
      out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
      for (const auto& line : f.lines) out += line + "\n";
    }
    return out;
  }

 private:
  std::map<std::string, Family> families_;
};

struct Unmap {
  void operator()(MetricsBlock* b) const { unmap_metrics_file(b); }
};
using MappedBlock = std::unique_ptr<MetricsBlock, Unmap>;

// /proc/PID/stat, or "" when the process is gone.
std::string proc_stat(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  return std::string((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
}

// A process is alive when /proc has it and it is not a zombie.
bool process_alive(long pid) {
  std::string text = proc_stat(pid);
  auto paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

struct ProcessUse {
  double cpu_seconds = 0;
  double resident_bytes = 0;
};

ProcessUse process_use(long pid) {
  ProcessUse use;
  std::string text = proc_stat(pid);
  auto paren = text.rfind(')');
  if (paren != std::string::npos) {
    std::istringstream fields(text.substr(paren + 2));
    std::string field;
    double utime = 0, stime = 0;
    // After the name: state is field 3; utime and stime are fields 14 and 15.
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14) utime = std::atof(field.c_str());
      if (i == 15) stime = std::atof(field.c_str());
    }
    use.cpu_seconds = (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  double pages_total = 0, pages_resident = 0;
  if (statm >> pages_total >> pages_resident)
    use.resident_bytes = pages_resident * static_cast<double>(sysconf(_SC_PAGESIZE));
  return use;
}

std::string label(const char* name, std::string_view value) {
  return std::string(name) + "=\"" + std::string(value) + "\"";
}

double seconds(const Count& ns) {
  return static_cast<double>(ns.load(std::memory_order_relaxed)) / 1e9;
}

double value(const Count& c) { return static_cast<double>(c.load(std::memory_order_relaxed)); }

void add_endpoint(Exposition& out, const std::string& endpoint, const MetricsBlock& b) {
  std::string ep = label("endpoint", endpoint);
  for (int m = 0; m < kMethodCount; ++m)
    for (int s = 0; s < kStatusCount; ++s)
      if (b.requests[m][s] > 0)
        out.add("crud_http_requests_total", "counter",
                "Requests answered, by endpoint, method and status.",
                ep + "," + label("method", method_label(m)) + "," +
                    label("status", std::to_string(s + kStatusMin)),
                value(b.requests[m][s]));
  const char* latency = "crud_http_request_duration_seconds";
  const char* latency_help = "Time from request to response inside the handler.";
  double cumulative = 0;
  for (int i = 0; i < kLatencyBucketCount; ++i) {
    cumulative += value(b.latency_buckets[i]);
    char le[32];
    if (i < kLatencyBucketCount - 1)
      std::snprintf(le, sizeof le, "%g", kLatencyBounds[i]);
    else
      std::snprintf(le, sizeof le, "+Inf");
    out.add(latency, "histogram", latency_help, std::string(latency) + "_bucket",
            ep + "," + label("le", le), cumulative);
  }
  out.add(latency, "histogram", latency_help, std::string(latency) + "_sum", ep,
          seconds(b.latency_ns));
  out.add(latency, "histogram", latency_help, std::string(latency) + "_count", ep, cumulative);
  for (int e = 0; e < kErrorCodeCount; ++e)
    if (b.errors[e] > 0)
      out.add("crud_errors_total", "counter", "Error answers, by endpoint and error code.",
              ep + "," + label("code", error_name(static_cast<ErrorCode>(e))), value(b.errors[e]));
  out.add("crud_postgres_seconds_total", "counter", "Time handlers spent waiting on PostgreSQL.",
          ep, seconds(b.postgres_ns));
  out.add("crud_redis_seconds_total", "counter", "Time handlers spent waiting on Redis.", ep,
          seconds(b.redis_ns));
  int c = 0;
#define CRUD_COUNTER_LINE(name, metric, labels, help)                                             \
  if (b.counters[c] > 0 || std::strcmp(#name, "worker_starts") == 0)                              \
    out.add(metric, "counter", help, ep + (std::strlen(labels) ? std::string(",") + labels : ""), \
            value(b.counters[c]));                                                                \
  ++c;
  CRUD_COUNTERS(CRUD_COUNTER_LINE)
#undef CRUD_COUNTER_LINE
}

std::vector<std::string> file_names(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* entry = readdir(d)) names.emplace_back(entry->d_name);
    closedir(d);
  }
  return names;
}

}  // namespace

std::string metrics_report(const std::string& metrics_dir, const std::vector<Sample>& samples) {
  std::map<std::string, MetricsBlock> by_endpoint;  // value-initialised: all zero
  struct PoolUse {
    std::string endpoint;
    int workers = 0;
    ProcessUse use;
  };
  std::map<std::string, PoolUse> pools;
  {
    MetricsDirLock lock(metrics_dir);
    // First the files of dead workers go into their pools' retired files...
    for (const auto& name : file_names(metrics_dir)) {
      if (!ends_with(name, ".live")) continue;
      std::string path = metrics_dir + "/" + name;
      MappedBlock block(map_metrics_file(path, false));
      if (!block || process_alive(static_cast<long>(block->pid))) continue;
      block.reset();
      fold_into_retired(metrics_dir, path);
    }
    // ...then live and retired files are summed.
    for (const auto& name : file_names(metrics_dir)) {
      bool live = ends_with(name, ".live");
      if (!live && !ends_with(name, ".retired")) continue;
      MappedBlock block(map_metrics_file(metrics_dir + "/" + name, false));
      if (!block) continue;
      std::string pool(block->pool, strnlen(block->pool, sizeof block->pool));
      std::string endpoint(block->endpoint, strnlen(block->endpoint, sizeof block->endpoint));
      PoolUse& p = pools[pool];
      p.endpoint = endpoint;
      if (live) {
        ProcessUse use = process_use(static_cast<long>(block->pid));
        p.workers += 1;
        p.use.cpu_seconds += use.cpu_seconds;
        p.use.resident_bytes += use.resident_bytes;
      }
      add_counts(by_endpoint[endpoint], *block);
    }
  }
  Exposition out;
  for (const auto& [endpoint, block] : by_endpoint) add_endpoint(out, endpoint, block);
  for (const auto& [pool, p] : pools) {
    std::string labels = label("endpoint", p.endpoint) + "," + label("pool", pool);
    out.add("crud_pool_workers", "gauge", "Live worker processes per pool.", labels, p.workers);
    out.add("crud_pool_cpu_seconds", "gauge", "CPU seconds used by the live workers of a pool.",
            labels, p.use.cpu_seconds);
    out.add("crud_pool_resident_bytes", "gauge", "Resident memory of the live workers of a pool.",
            labels, p.use.resident_bytes);
  }
  for (const auto& s : samples)
    out.add(s.family, s.type.c_str(), s.help.c_str(), s.labels, s.value);
  return out.text();
}

std::vector<Sample> nginx_status_samples(const std::string& body) {
  // "Active connections: 2 \nserver accepts handled requests\n 10 10 20 \n
  //  Reading: 0 Writing: 1 Waiting: 1 \n"
  long long active = 0, accepted = 0, handled = 0, requests = 0, reading = 0, writing = 0,
            waiting = 0;
  int got = std::sscanf(body.c_str(),
                        "Active connections: %lld server accepts handled requests %lld %lld %lld "
                        "Reading: %lld Writing: %lld Waiting: %lld",
                        &active, &accepted, &handled, &requests, &reading, &writing, &waiting);
  if (got != 7) return {};
  const char* conns = "Client connections of nginx by state.";
  return {
      {"nginx_connections", "gauge", conns, "state=\"reading\"", static_cast<double>(reading)},
      {"nginx_connections", "gauge", conns, "state=\"writing\"", static_cast<double>(writing)},
      {"nginx_connections", "gauge", conns, "state=\"waiting\"", static_cast<double>(waiting)},
      {"nginx_connections_accepted_total", "counter", "Client connections nginx accepted.", "",
       static_cast<double>(accepted)},
      {"nginx_connections_handled_total", "counter", "Client connections nginx handled.", "",
       static_cast<double>(handled)},
      {"nginx_http_requests_total", "counter", "Client requests nginx received.", "",
       static_cast<double>(requests)},
  };
}

}  // namespace crud
