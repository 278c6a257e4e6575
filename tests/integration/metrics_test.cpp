// Operations (SPEC "Operations"): GET /metrics in the Prometheus text format,
// adding up every worker of every pool, exact to the request, across worker
// restarts, reachable from localhost and private networks only; and the JSON
// request logs of handlers and nginx, which share the request id and never
// hold a password, token or secret. Runs serially: the totals are exact only
// while no other test sends requests, and some tests restart workers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/access_log.h"
#include "support/admin.h"
#include "support/auth_client.h"
#include "support/eventually.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/param_name.h"
#include "support/process.h"
#include "support/stack_control.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

// ---------------------------------------------------------------------------
// Reading the exposition.

using Labels = std::map<std::string, std::string>;

struct Series {
  std::string name;
  Labels labels;
  double value = 0;
};

// The samples of a Prometheus text exposition (comments skipped). Throws on a
// line it cannot read; promtool judges the format itself, this only reads it.
std::vector<Series> parse_exposition(const std::string& text) {
  std::vector<Series> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    Series s;
    size_t at = line.find_first_of("{ ");
    if (at == std::string::npos) throw std::runtime_error("unreadable metrics line: " + line);
    s.name = line.substr(0, at);
    if (line[at] == '{') {
      ++at;
      while (at < line.size() && line[at] != '}') {
        const size_t eq = line.find('=', at);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          throw std::runtime_error("unreadable labels: " + line);
        }
        const std::string key = line.substr(at, eq - at);
        std::string value;
        at = eq + 2;
        for (; at < line.size() && line[at] != '"'; ++at) {
          if (line[at] == '\\' && at + 1 < line.size()) {  // \" \\ \n
            ++at;
            value += line[at] == 'n' ? '\n' : line[at];
          } else {
            value += line[at];
          }
        }
        if (at >= line.size()) throw std::runtime_error("unterminated label value: " + line);
        s.labels[key] = value;
        ++at;  // the closing quote
        if (at < line.size() && line[at] == ',') ++at;
      }
      if (at >= line.size()) throw std::runtime_error("unterminated labels: " + line);
      ++at;  // '}'
    }
    std::istringstream rest(line.substr(at));
    std::string number;
    if (!(rest >> number)) throw std::runtime_error("no value: " + line);
    s.value = std::strtod(number.c_str(), nullptr);  // also +Inf and NaN
    out.push_back(std::move(s));
  }
  return out;
}

// One reading of GET /metrics.
class Scrape {
 public:
  explicit Scrape(std::string text) : text_(std::move(text)), series_(parse_exposition(text_)) {}

  // The series `name` with exactly `labels`; 0 when absent (the exposition
  // prints most counters only once they count).
  double value(const std::string& name, const Labels& labels = {}) const {
    for (const auto& s : series_) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return 0;
  }
  // The sum of the series `name` whose labels include all of `match`.
  double sum(const std::string& name, const Labels& match = {}) const {
    double total = 0;
    for (const auto& s : series_) {
      if (s.name == name && includes(s.labels, match)) total += s.value;
    }
    return total;
  }
  bool has(const std::string& name) const {
    return std::any_of(series_.begin(), series_.end(),
                       [&](const Series& s) { return s.name == name; });
  }
  // The values of label `label` over the series `name`.
  std::set<std::string> label_values(const std::string& name, const std::string& label) const {
    std::set<std::string> values;
    for (const auto& s : series_) {
      if (s.name == name && s.labels.count(label) != 0) values.insert(s.labels.at(label));
    }
    return values;
  }
  const std::vector<Series>& series() const { return series_; }
  const std::string& text() const { return text_; }

 private:
  static bool includes(const Labels& labels, const Labels& match) {
    for (const auto& [key, value] : match) {
      const auto it = labels.find(key);
      if (it == labels.end() || it->second != value) return false;
    }
    return true;
  }
  std::string text_;
  std::vector<Series> series_;
};

// GET /metrics without credentials (a scraper has none); throws unless 200.
Scrape scrape() {
  const auto r = request("GET", "/metrics", std::nullopt, anonymous());
  if (r.status != 200) throw std::runtime_error("GET /metrics failed\n" + r.describe());
  return Scrape(r.body);
}

// Counts are whole numbers: compare them as such.
long long delta(const Scrape& before, const Scrape& after, const std::string& name,
                const Labels& labels) {
  return std::llround(after.value(name, labels) - before.value(name, labels));
}
long long delta_sum(const Scrape& before, const Scrape& after, const std::string& name,
                    const Labels& match = {}) {
  return std::llround(after.sum(name, match) - before.sum(name, match));
}

std::string describe(const Labels& labels) {
  std::string out = "{";
  for (const auto& [key, value] : labels) {
    out += (out.size() > 1 ? "," : "") + key + "=\"" + value + "\"";
  }
  return out + "}";
}

// ---------------------------------------------------------------------------
// Sending known traffic.

// One request of the planned traffic and the status it must get.
struct Job {
  std::string what;
  int status;
  std::function<Response()> send;
};

// How many requests of each kind.
struct Mix {
  int reads = 0;          // GET /api/users/{id} as the admin: 200
  int missing = 0;        // GET /api/users/{id} of no user: 404
  int anonymous = 0;      // GET /api/users/{id} without credentials: 401
  int not_allowed = 0;    // PATCH /api/users/{id}: nginx's 405
  int bad_logins = 0;     // unknown usernames: 401
  int logins = 0;         // the member's password: 200
  int registrations = 0;  // 201
  int invalid = 0;        // registrations with a 5-character password: 422
};

// Ids far above any the stack hands out.
std::string missing_user_path(int i) {
  return "/api/users/" + std::to_string((std::int64_t{1} << 40) + i);
}

// The jobs of `mix`, shuffled so that every kind is in flight at once.
// `target` is read; `member` logs in.
std::vector<Job> jobs_for(const Mix& mix, const CreatedUser& target, const CreatedUser& member) {
  const std::string path = "/api/users/" + std::to_string(target.id);
  std::vector<Job> jobs;
  for (int i = 0; i < mix.reads; ++i) {
    jobs.push_back({"read", 200, [path] { return request("GET", path); }});
  }
  for (int i = 0; i < mix.missing; ++i) {
    jobs.push_back({"read missing", 404, [i] { return request("GET", missing_user_path(i)); }});
  }
  for (int i = 0; i < mix.anonymous; ++i) {
    jobs.push_back({"read anonymously", 401,
                    [path] { return request("GET", path, std::nullopt, anonymous()); }});
  }
  for (int i = 0; i < mix.not_allowed; ++i) {
    jobs.push_back({"PATCH", 405, [path] { return request("PATCH", path, username_body("x")); }});
  }
  for (int i = 0; i < mix.bad_logins; ++i) {
    jobs.push_back(
        {"failed login", 401, [] { return login(unique_username("nobody"), strong_password()); }});
  }
  for (int i = 0; i < mix.logins; ++i) {
    jobs.push_back({"login", 200, [member] { return login(member.username, member.password); }});
  }
  for (int i = 0; i < mix.registrations; ++i) {
    jobs.push_back({"register", 201, [] {
                      return request("POST", "/api/register",
                                     credentials_body(unique_username("mtr"), strong_password()),
                                     anonymous());
                    }});
  }
  for (int i = 0; i < mix.invalid; ++i) {
    jobs.push_back({"register short password", 422, [] {
                      return request("POST", "/api/register",
                                     credentials_body(unique_username("mtr"), "short"),
                                     anonymous());
                    }});
  }
  std::shuffle(jobs.begin(), jobs.end(), std::mt19937(std::random_device{}()));
  return jobs;
}

// Sends every job from `threads` threads at once; the answers in job order
// (status 0 and the error as body when no answer came).
std::vector<Response> send_all(const std::vector<Job>& jobs, int threads) {
  std::vector<Response> answers(jobs.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < jobs.size(); i = next++) {
        try {
          answers[i] = jobs[i].send();
        } catch (const std::exception& e) {
          answers[i].status = 0;
          answers[i].body = std::string("no answer: ") + e.what();
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  return answers;
}

// Every job got its status: otherwise the planned deltas mean nothing.
testing::AssertionResult AllAsPlanned(const std::vector<Job>& jobs,
                                      const std::vector<Response>& answers) {
  int wrong = 0;
  auto failure = testing::AssertionFailure();
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (answers[i].status == jobs[i].status) continue;
    if (++wrong <= 3) {
      failure << jobs[i].what << ": want " << jobs[i].status << "\n"
              << answers[i].describe() << "\n";
    }
  }
  if (wrong == 0) return testing::AssertionSuccess();
  return failure << wrong << " of " << jobs.size() << " requests got another status";
}

std::set<std::string> request_ids(const std::vector<Response>& answers) {
  std::set<std::string> ids;
  for (const auto& r : answers) ids.insert(r.header("X-Request-ID").value_or(""));
  return ids;
}

// How many of the logged requests `ids` nginx sent to pool "endpoint.N".
int served_by(const std::set<std::string>& ids, const std::string& pool) {
  int n = 0;
  for (const auto& [id, upstream] : upstreams_of(ids)) {
    if (upstream == pool_address(pool)) ++n;
  }
  return n;
}

// Every endpoint's figures agree at rest: its requests by status add up to
// its latency histogram's count, whose +Inf bucket holds them all, and the
// buckets never fall.
void expect_histograms_consistent(const Scrape& s) {
  const std::string h = "crud_http_request_duration_seconds";
  const auto endpoints = s.label_values(h + "_count", "endpoint");
  EXPECT_FALSE(endpoints.empty()) << "no latency histogram at all\n" << s.text();
  for (const auto& endpoint : endpoints) {
    const Labels ep{{"endpoint", endpoint}};
    const double count = s.value(h + "_count", ep);
    EXPECT_EQ(s.sum("crud_http_requests_total", ep), count) << endpoint;
    EXPECT_EQ(s.value(h + "_bucket", {{"endpoint", endpoint}, {"le", "+Inf"}}), count) << endpoint;
    double previous = 0;
    int buckets = 0;
    for (const auto& series : s.series()) {
      if (series.name != h + "_bucket" || series.labels.at("endpoint") != endpoint) continue;
      EXPECT_GE(series.value, previous) << endpoint << " le=" << series.labels.at("le");
      previous = series.value;
      ++buckets;
    }
    EXPECT_EQ(buckets, 13) << endpoint << ": 12 bounds from 1 ms to 5 s and +Inf";
  }
}

// ---------------------------------------------------------------------------
// The exposition.

TEST(MetricsExposition, PromtoolAcceptsItAfterTrafficOfEveryKind) {
  shared_admin();
  const auto target = create_user();
  const auto member = create_user();
  Mix mix;
  mix.reads = 3;
  mix.missing = 2;
  mix.anonymous = 2;
  mix.not_allowed = 1;
  mix.bad_logins = 2;
  mix.logins = 2;
  mix.registrations = 1;
  mix.invalid = 1;
  const auto jobs = jobs_for(mix, target, member);
  ASSERT_TRUE(AllAsPlanned(jobs, send_all(jobs, 4)));

  const auto r = request("GET", "/metrics", std::nullopt, anonymous());
  ASSERT_EQ(r.status, 200) << r.describe();
  // Every family is there, so promtool judges all of them (histograms and
  // labelled counters included), not a page of zeros.
  const Scrape s(r.body);
  for (const char* family : {"crud_http_requests_total",
                             "crud_http_request_duration_seconds_bucket",
                             "crud_http_request_duration_seconds_sum",
                             "crud_http_request_duration_seconds_count",
                             "crud_errors_total",
                             "crud_logins_total",
                             "crud_registrations_total",
                             "crud_cache_reads_total",
                             "crud_worker_starts_total",
                             "crud_pool_workers",
                             "crud_pool_cpu_seconds",
                             "crud_pool_resident_bytes",
                             "crud_postgres_up",
                             "crud_redis_up",
                             "crud_users",
                             "crud_sessions_active",
                             "crud_postgres_seconds_total",
                             "crud_redis_seconds_total",
                             "nginx_connections",
                             "nginx_http_requests_total"}) {
    EXPECT_TRUE(s.has(family)) << family << " is missing";
  }
  EXPECT_EQ(s.value("crud_postgres_up"), 1);
  EXPECT_EQ(s.value("crud_redis_up"), 1);
  expect_histograms_consistent(s);

  // promtool (Debian package "prometheus") reads the page from stdin; lint
  // findings make it exit non-zero too.
  const std::string promtool = "/usr/bin/promtool";
  ASSERT_EQ(access(promtool.c_str(), X_OK), 0) << promtool << " is missing: apt install prometheus";
  const auto check = run_process({promtool, "check", "metrics"}, environment_with({}), r.body,
                                 std::chrono::seconds(30));
  EXPECT_TRUE(check.exited_zero()) << check.describe();
  EXPECT_EQ(check.out + check.err, "") << "promtool has findings";
}

// ---------------------------------------------------------------------------
// Exact totals.

TEST(MetricsTotals, CountEveryRequestOnceAcrossAllWorkers) {
  // Everything set up before the first reading: the admin's login and the
  // two users are not part of the deltas.
  shared_admin();
  const auto target = create_user();
  const auto member = create_user();
  Mix mix;
  mix.reads = 40;
  mix.missing = 15;
  mix.anonymous = 10;
  mix.not_allowed = 3;
  mix.bad_logins = 7;
  mix.logins = 5;
  mix.registrations = 3;
  mix.invalid = 2;
  const auto jobs = jobs_for(mix, target, member);

  const Scrape before = scrape();
  // More threads than read_user has workers (2 pools of 2): the reads are
  // spread over both pools and their workers (both pools are checked below).
  const auto answers = send_all(jobs, 8);
  ASSERT_TRUE(AllAsPlanned(jobs, answers));
  const Scrape after = scrape();

  struct Want {
    std::string name;
    Labels labels;
    long long delta;
  };
  const std::string requests = "crud_http_requests_total";
  const std::string errors = "crud_errors_total";
  const std::string count = "crud_http_request_duration_seconds_count";
  auto req = [](const char* endpoint, const char* method, const char* status) {
    return Labels{{"endpoint", endpoint}, {"method", method}, {"status", status}};
  };
  auto code = [](const char* endpoint, const char* name) {
    return Labels{{"endpoint", endpoint}, {"code", name}};
  };
  const Want wants[] = {
      {requests, req("read_user", "GET", "200"), 40},
      {requests, req("read_user", "GET", "404"), 15},
      {requests, req("read_user", "GET", "401"), 10},
      {requests, req("login", "POST", "200"), 5},
      {requests, req("login", "POST", "401"), 7},
      {requests, req("register", "POST", "201"), 3},
      {requests, req("register", "POST", "422"), 2},
      // The first reading counts itself once it has answered.
      {requests, req("metrics", "GET", "200"), 1},
      {errors, code("read_user", "not_found"), 15},
      {errors, code("read_user", "unauthorized"), 10},
      {errors, code("login", "invalid_credentials"), 7},
      {errors, code("register", "validation_failed"), 2},
      {"crud_logins_total", {{"endpoint", "login"}, {"result", "failed"}}, 7},
      {"crud_logins_total", {{"endpoint", "login"}, {"result", "succeeded"}}, 5},
      {"crud_registrations_total", {{"endpoint", "register"}}, 3},
      {count, {{"endpoint", "read_user"}}, 65},
      {count, {{"endpoint", "login"}}, 12},
      {count, {{"endpoint", "register"}}, 5},
      {count, {{"endpoint", "metrics"}}, 1},
      {"crud_http_request_duration_seconds_bucket",
       {{"endpoint", "read_user"}, {"le", "+Inf"}},
       65},
      {"crud_users", {}, 3},
      // 5 new token pairs; nothing expires in between.
      {"crud_sessions_active", {}, 5},
  };
  for (const auto& want : wants) {
    EXPECT_EQ(delta(before, after, want.name, want.labels), want.delta)
        << want.name << describe(want.labels);
  }
  // Nothing else was counted, and nothing twice: the 405s are nginx's own
  // answers and reach no worker.
  EXPECT_EQ(delta_sum(before, after, requests), 83);
  EXPECT_EQ(delta_sum(before, after, requests, {{"status", "405"}}), 0);
  EXPECT_EQ(delta_sum(before, after, errors), 34);
  // Each read that passed the access check looked in the cache once; the
  // missing ids cannot be there.
  EXPECT_EQ(delta_sum(before, after, "crud_cache_reads_total", {{"endpoint", "read_user"}}), 55);
  EXPECT_GE(delta(before, after, "crud_cache_reads_total",
                  {{"endpoint", "read_user"}, {"result", "miss"}}),
            15);
  // Reads wait on PostgreSQL (the missing ids) and Redis (the cache); time
  // only grows.
  EXPECT_GT(after.value("crud_http_request_duration_seconds_sum", {{"endpoint", "read_user"}}),
            before.value("crud_http_request_duration_seconds_sum", {{"endpoint", "read_user"}}));
  EXPECT_GT(after.value("crud_postgres_seconds_total", {{"endpoint", "read_user"}}),
            before.value("crud_postgres_seconds_total", {{"endpoint", "read_user"}}));
  EXPECT_GT(after.value("crud_redis_seconds_total", {{"endpoint", "read_user"}}),
            before.value("crud_redis_seconds_total", {{"endpoint", "read_user"}}));
  // nginx saw all of them (and the reading itself, and what workers publish).
  EXPECT_GE(delta(before, after, "nginx_http_requests_total", {}), 86);
  expect_histograms_consistent(after);

  // The totals add up over both pools and their workers: both pools served reads.
  std::vector<Response> reads;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].what == "read") reads.push_back(answers[i]);
  }
  const auto ids = request_ids(reads);
  EXPECT_GE(served_by(ids, "read_user.1"), 1) << "read_user.1 served none of the reads";
  EXPECT_GE(served_by(ids, "read_user.2"), 1) << "read_user.2 served none of the reads";
  for (const char* pool : {"read_user.1", "read_user.2"}) {
    EXPECT_EQ(after.value("crud_pool_workers", {{"endpoint", "read_user"}, {"pool", pool}}), 2)
        << pool << " runs 2 workers (handlers/pools.conf)";
  }
}

// ---------------------------------------------------------------------------
// Totals across worker restarts.

// The worker processes of a pool: the children of its multiwatch, which
// leads the pool's process group.
std::vector<pid_t> workers_of(pid_t group) {
  std::vector<pid_t> workers;
  for (const pid_t pid : group_members(group)) {
    if (parent_of(pid) == group) workers.push_back(pid);
  }
  return workers;
}

struct RestartRow {
  std::string reason;
  bool crash;  // SIGKILL to each worker (multiwatch starts new ones), else stop-pool + start-pool
};

const RestartRow kRestartRows[] = {
    {"workers_killed", true},
    {"pool_stopped_and_started", false},
};

void PrintTo(const RestartRow& row, std::ostream* os) { *os << row.reason; }

class MetricsRestart : public testing::TestWithParam<RestartRow> {};

TEST_P(MetricsRestart, TotalsNeitherDropNorDoubleCount) {
  const auto& row = GetParam();
  const std::string pool = "read_user.1";
  const Labels ok{{"endpoint", "read_user"}, {"method", "GET"}, {"status", "200"}};
  const Labels starts{{"endpoint", "read_user"}};
  shared_admin();
  const auto target = create_user();
  Mix mix;
  mix.reads = 30;
  auto jobs = jobs_for(mix, target, target);

  // The workers about to go have counts of their own.
  const auto first = send_all(jobs, 4);
  ASSERT_TRUE(AllAsPlanned(jobs, first));
  ASSERT_GE(served_by(request_ids(first), pool), 1) << pool << " served none of the reads";

  const Scrape before = scrape();
  const auto old_workers = workers_of(pool_group(pool));
  ASSERT_FALSE(old_workers.empty()) << pool << " has no workers";
  const long long gone = static_cast<long long>(old_workers.size());
  {
    PoolRestorer restart_after(pool);  // should anything below leave it down
    if (row.crash) {
      const pid_t group = pool_group(pool);
      for (const pid_t pid : old_workers) ASSERT_EQ(kill(pid, SIGKILL), 0) << pid;
      const bool replaced = eventually(
          [&] {
            const auto now = workers_of(group);
            return now.size() == old_workers.size() &&
                   std::none_of(now.begin(), now.end(), [&](pid_t pid) {
                     return std::find(old_workers.begin(), old_workers.end(), pid) !=
                            old_workers.end();
                   });
          },
          std::chrono::seconds(10));
      ASSERT_TRUE(replaced) << "multiwatch did not replace the killed workers of " << pool;
    } else {
      stack_ok({"stop-pool", pool});
      stack_ok({"start-pool", pool});
    }
  }
  // A new worker counts its start before it serves anything.
  ASSERT_TRUE(eventually(
      [&] { return delta(before, scrape(), "crud_worker_starts_total", starts) >= gone; },
      std::chrono::seconds(10)))
      << "the new workers of " << pool << " did not count their starts";

  const auto second = send_all(jobs, 4);
  ASSERT_TRUE(AllAsPlanned(jobs, second));
  const Scrape after = scrape();

  // The dead workers' counts are all still there, once: before + sent.
  EXPECT_EQ(after.value("crud_http_requests_total", ok),
            before.value("crud_http_requests_total", ok) + 30);
  EXPECT_EQ(delta(before, after, "crud_http_request_duration_seconds_count", starts), 30);
  EXPECT_EQ(delta(before, after, "crud_worker_starts_total", starts), gone);
  // The dead workers are no live ones.
  EXPECT_EQ(after.value("crud_pool_workers", {{"endpoint", "read_user"}, {"pool", pool}}),
            static_cast<double>(gone));
  expect_histograms_consistent(after);
  // The new workers count too: the pool served some of the later reads.
  EXPECT_GE(served_by(request_ids(second), pool), 1) << pool << " served none of the later reads";
}

INSTANTIATE_TEST_SUITE_P(Restarts, MetricsRestart, testing::ValuesIn(kRestartRows), ReasonName());

// ---------------------------------------------------------------------------
// Who may read the metrics.

TEST(MetricsAccess, LocalScrapeIsPrometheusText) {
  for (const char* method : {"GET", "HEAD"}) {
    const auto r = request(method, "/metrics", std::nullopt, anonymous());
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_TRUE(HasCommonHeaders(r));
    EXPECT_EQ(r.header("Content-Type").value_or("").rfind("text/plain; version=0.0.4", 0), 0u)
        << r.describe();
    EXPECT_EQ(r.body.empty(), std::string(method) == "HEAD") << r.describe();
  }
  const auto post = request("POST", "/metrics", std::string("{}"), anonymous());
  EXPECT_TRUE(IsApiError(post, 405, "method_not_allowed"));
}

// Monitoring scrapes over plain HTTP even when the API is redirected to HTTPS.
TEST(MetricsAccess, PlainHttpStaysWhenHttpsIsForced) {
  // Without credentials throughout: the admin's first login would be redirected too.
  auto probe = [] { return request("GET", "/api/users/1", std::nullopt, anonymous()); };
  NginxSettings forced(Settings{{"FORCE_HTTPS", "1"}});
  // The reload is asynchronous: wait for the first redirect.
  ASSERT_TRUE(eventually([&] { return probe().status == 308; })) << probe().describe();
  const auto r = request("GET", "/metrics", std::nullopt, anonymous());
  EXPECT_EQ(r.status, 200) << r.describe();
  forced.restore();
  EXPECT_TRUE(eventually([&] { return probe().status != 308; }))
      << "plain HTTP is still redirected after restoring FORCE_HTTPS=0";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// A port nobody listens on right now.
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0;
  close(fd);
  if (!ok) throw std::runtime_error("no free port");
  return ntohs(addr.sin_port);
}

std::string nginx_binary() {
  for (const char* path : {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
    if (access(path, X_OK) == 0) return path;
  }
  throw std::runtime_error("no nginx executable");
}

// A request from another address cannot be made on this host: the stack
// listens on 127.0.0.1 only. So a second nginx runs the stack's rendered
// configuration (the same routes, error pages and upstreams) with nginx's
// realip module added: on connections from 127.0.0.1 it takes the client
// address from X-Forwarded-For, and the access rules judge that address.
// It has its own port, pid file, logs and internal socket.
class ForgingNginx {
 public:
  ForgingNginx() {
    const auto& env = stack_env();
    std::string pattern = env.stack_dir + "/metrics-test-nginx.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;  // mode 0700: the configuration holds the Redis password
    port_ = free_port();
    const std::string conf = dir_ + "/nginx.conf";
    {
      std::ofstream out(conf);
      out << forging_config(read_file(env.stack_dir + "/nginx/conf/nginx.conf"));
    }
    const auto started = run_process(
        {nginx_binary(), "-p", env.stack_dir + "/nginx", "-c", conf, "-e", dir_ + "/error.log"},
        environment_with({}), "", std::chrono::seconds(30));
    if (!started.exited_zero()) {
      throw std::runtime_error("the forging nginx did not start: " + started.describe());
    }
    if (!eventually([&] { return std::ifstream(dir_ + "/nginx.pid").good(); })) {
      throw std::runtime_error("the forging nginx wrote no pid file");
    }
    std::ifstream(dir_ + "/nginx.pid") >> master_;
    const bool serving = eventually([&] {
      try {
        return request_via(transport(), "GET", "/healthz", std::nullopt, anonymous()).status == 200;
      } catch (const std::runtime_error&) {
        return false;
      }
    });
    if (!serving) throw std::runtime_error("the forging nginx does not answer");
  }
  ForgingNginx(const ForgingNginx&) = delete;
  ForgingNginx& operator=(const ForgingNginx&) = delete;
  ~ForgingNginx() {
    try {
      if (master_ > 1) kill_group(master_);  // the master leads its workers' group
    } catch (const std::exception& e) {
      ADD_FAILURE() << "stopping the forging nginx: " << e.what();
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  Transport transport() const {
    Transport t;
    t.base_url = "http://127.0.0.1:" + std::to_string(port_);
    return t;
  }

  // The client address this nginx logged for request `id` ("" when none).
  std::string client_of(const std::string& id) const {
    std::string address;
    eventually([&] {
      std::ifstream in(dir_ + "/access.log");
      std::string line;
      while (std::getline(in, line)) {
        const auto entry = parse_json(line);
        if (string_member(entry, "request_id") == id) {
          address = string_member(entry, "remote_addr");
          return true;
        }
      }
      return false;
    });
    return address;
  }

 private:
  // The stack's nginx.conf with this instance's own listeners, pid file and
  // logs, and realip. Throws when a line it replaces is not there once.
  std::string forging_config(const std::string& rendered) const {
    std::istringstream in(rendered);
    std::string out, line;
    std::map<std::string, int> replaced;
    while (std::getline(in, line)) {
      const std::string t = trimmed(line);
      if (starts_with(t, "pid ")) {
        line = "pid " + dir_ + "/nginx.pid;";
        ++replaced["pid"];
      } else if (starts_with(t, "error_log ")) {
        line = "error_log " + dir_ + "/error.log warn;";
        ++replaced["error_log"];
      } else if (starts_with(t, "access_log ") && t != "access_log off;") {
        line = "access_log " + dir_ + "/access.log json;";
        ++replaced["access_log"];
      } else if (starts_with(t, "listen 127.0.0.1:") && t.find(" ssl") != std::string::npos) {
        line = "# (no TLS listener)";
        ++replaced["listen_tls"];
      } else if (starts_with(t, "listen 127.0.0.1:")) {
        line = "listen 127.0.0.1:" + std::to_string(port_) + ";";
        ++replaced["listen"];
      } else if (starts_with(t, "listen unix:")) {
        line = "listen unix:" + dir_ + "/internal.sock;";
        ++replaced["listen_internal"];
      }
      out += line + "\n";
      if (t == "http {") {
        out += "set_real_ip_from 127.0.0.1;\nreal_ip_header X-Forwarded-For;\n";
        ++replaced["http"];
      }
    }
    for (const char* key :
         {"pid", "error_log", "access_log", "listen_tls", "listen", "listen_internal", "http"}) {
      if (replaced[key] != 1) {
        throw std::runtime_error(std::string("the stack's nginx.conf changed shape: ") + key +
                                 " found " + std::to_string(replaced[key]) + " times");
      }
    }
    return out;
  }

  std::string dir_;
  int port_ = 0;
  pid_t master_ = 0;
};

struct AddressRow {
  std::string reason;
  std::string method;
  std::string path;
  std::string address;  // X-Forwarded-For; "" sends none (127.0.0.1)
  int status;
};

// routes.conf allows 127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12,
// 192.168.0.0/16 and fc00::/7; every other address gets the JSON 403.
const AddressRow kAddressRows[] = {
    {"no_forwarding", "GET", "/metrics", "", 200},
    {"loopback", "GET", "/metrics", "127.0.0.9", 200},
    {"ipv6_loopback", "GET", "/metrics", "::1", 200},
    {"private_10", "GET", "/metrics", "10.20.30.40", 200},
    {"private_172_16", "GET", "/metrics", "172.16.0.1", 200},
    {"private_172_31", "GET", "/metrics", "172.31.255.254", 200},
    {"private_192_168", "GET", "/metrics", "192.168.1.10", 200},
    {"unique_local_v6", "GET", "/metrics", "fd12:3456::1", 200},
    {"public_v4", "GET", "/metrics", "203.0.113.9", 403},
    {"public_v4_head", "HEAD", "/metrics", "203.0.113.9", 403},
    {"above_172_16_12", "GET", "/metrics", "172.32.0.1", 403},
    {"below_10_8", "GET", "/metrics", "9.255.255.255", 403},
    {"above_192_168_16", "GET", "/metrics", "192.169.0.1", 403},
    {"public_v6", "GET", "/metrics", "2001:db8::1", 403},
    // The same public address reaches the rest: the 403 is the metrics rule.
    {"public_v4_healthz", "GET", "/healthz", "203.0.113.9", 200},
};

TEST(MetricsAccess, OnlyLocalAndPrivateAddressesMayScrape) {
  ForgingNginx edge;
  for (const auto& row : kAddressRows) {
    SCOPED_TRACE(row.reason);
    const HeaderList headers =
        row.address.empty() ? anonymous() : anonymous({{"X-Forwarded-For", row.address}});
    const auto r = request_via(edge.transport(), row.method, row.path, std::nullopt, headers);
    // nginx judged the forged address, not the connection's.
    EXPECT_EQ(edge.client_of(r.header("X-Request-ID").value_or("")),
              row.address.empty() ? "127.0.0.1" : row.address);
    if (row.status == 403) {
      // Not r.describe(): a wrongly served page is 25 KiB of metrics.
      EXPECT_EQ(r.status, 403) << row.method << " " << row.path << " from " << row.address;
      if (r.status == 403 && row.method == "GET") {
        EXPECT_TRUE(IsApiError(r, 403, "forbidden"));
      }
    } else {
      EXPECT_EQ(r.status, row.status) << r.describe();
    }
  }
}

// ---------------------------------------------------------------------------
// Logs.

std::string log_dir() { return stack_env().stack_dir + "/log"; }

// The JSON object of the line of `file` (in the log folder) with "msg" `msg`
// and "request_id" `id`; a null document when there is none. nginx writes
// its line after the response: poll.
rapidjson::Document logged(const std::string& file, const std::string& id,
                           const std::string& msg = "") {
  rapidjson::Document found;
  eventually([&] {
    std::ifstream in(log_dir() + "/" + file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find(id) == std::string::npos) continue;
      auto entry = parse_json(line);
      if (!entry.IsObject() || string_member(entry, "request_id") != id) continue;
      if (!msg.empty() && string_member(entry, "msg") != msg) continue;
      found = std::move(entry);
      return true;
    }
    return false;
  });
  return found;
}

bool is_number(const rapidjson::Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsNumber() && v[key].GetDouble() >= 0;
}

// A handler's request line: the SPEC's fields, and user_id exactly when the
// caller is known (`user_id`; with `may_omit_user` its absence is accepted).
testing::AssertionResult IsRequestLine(const rapidjson::Value& line, const std::string& endpoint,
                                       const std::string& method, const std::string& path,
                                       int status, std::optional<std::int64_t> user_id,
                                       bool may_omit_user) {
  auto failure = [&](const std::string& what) {
    return testing::AssertionFailure() << endpoint << " " << method << " " << path << ": " << what;
  };
  if (!line.IsObject()) return failure("no request line in " + endpoint + ".log");
  const std::string ts = string_member(line, "ts");
  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
  if (ts.size() != 24 || ts[19] != '.' || !is_rfc3339_utc(ts.substr(0, 19) + "Z")) {
    return failure("ts " + ts);
  }
  const std::string level = status >= 500 ? "error" : "info";
  if (string_member(line, "level") != level) return failure("level is not " + level);
  if (string_member(line, "endpoint") != endpoint) return failure("endpoint");
  if (string_member(line, "method") != method) return failure("method");
  if (string_member(line, "path") != path) return failure("path " + string_member(line, "path"));
  if (int64_member(line, "status") != status) return failure("status");
  for (const char* key : {"duration_ms", "postgres_ms", "redis_ms"}) {
    if (!is_number(line, key)) return failure(std::string("no ") + key);
  }
  const auto logged_user = int64_member(line, "user_id");
  if (logged_user != user_id && !(may_omit_user && !line.HasMember("user_id"))) {
    return failure(user_id ? "user_id is not " + std::to_string(*user_id) : "has a user_id");
  }
  return testing::AssertionSuccess();
}

// The password in a libpq URL "postgresql://user:password@host/db?...".
std::string database_password(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  const auto colon = url.find(':', scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos || colon > at) {
    throw std::runtime_error("no password in DATABASE_URL");
  }
  return url.substr(colon + 1, at - colon - 1);
}

struct Secret {
  std::string what;
  std::string value;
};

TEST(MetricsAndLogs, RequestLinesJoinNginxAndHoldNoSecrets) {
  std::vector<Secret> secrets;
  auto keep = [&](const std::string& what, const std::string& value) {
    ASSERT_FALSE(value.empty()) << what << " is empty";
    secrets.push_back({what, value});
  };
  auto keep_tokens = [&](const std::string& what, const Tokens& t) {
    keep(what + " access token", t.access_token);
    // A JWT's signature alone is enough to tell it was logged.
    keep(what + " access token signature", t.access_token.substr(t.access_token.rfind('.') + 1));
    keep(what + " refresh token", t.refresh_token);
  };

  // Registration: the password in the body.
  CreatedUser user{0, unique_username("logs"), strong_password()};
  const auto registered =
      request("POST", "/api/register", credentials_body(user.username, user.password), anonymous());
  ASSERT_TRUE(IsJsonResponse(registered, 201));
  user.id = int64_member(parse_json(registered.body), "user_id").value_or(0);
  keep("password", user.password);

  // A wrong password is a secret too (often a near miss of the right one).
  const std::string wrong = strong_password();
  keep("wrong password", wrong);
  const auto refused = login(user.username, wrong);
  ASSERT_TRUE(IsApiError(refused, 401, "invalid_credentials"));

  // Logins without 2FA, a token pair and a browser session.
  const auto paired = login(user.username, user.password);
  ASSERT_TRUE(IsTokenPair(paired));
  const Tokens pair = tokens_of(paired);
  keep_tokens("login", pair);
  const Tokens browser = login_ok(user, true);
  keep_tokens("session login", browser);
  keep("session cookie", browser.session);
  keep("CSRF token", browser.csrf_token);

  const auto refreshed = refresh(pair.refresh_token);
  ASSERT_TRUE(IsTokenPair(refreshed));
  const Tokens fresh = tokens_of(refreshed);
  keep_tokens("refresh", fresh);

  // Requests carrying a bearer token, the session cookie, and the cookie with CSRF.
  const auto by_bearer = request("GET", "/api/me", std::nullopt, bearer(fresh.access_token));
  ASSERT_TRUE(IsJsonResponse(by_bearer, 200));
  const auto by_cookie = request("GET", "/api/me", std::nullopt, session_cookie(browser.session));
  ASSERT_TRUE(IsJsonResponse(by_cookie, 200));
  const std::string user_path = "/api/users/" + std::to_string(user.id);
  user.username = unique_username("logs");
  const auto renamed = request("PUT", user_path, username_body(user.username),
                               session_cookie(browser.session, browser.csrf_token));
  ASSERT_TRUE(IsJsonResponse(renamed, 200));
  // A query string stays out of the logged path.
  const auto listed =
      request("GET", "/api/users?limit=1", std::nullopt, bearer(fresh.access_token));
  ASSERT_TRUE(IsJsonResponse(listed, 200));

  // Password change: both passwords in the body, a new pair back.
  const std::string next = strong_password();
  keep("new password", next);
  const auto changed = request("PUT", user_path + "/password",
                               "{\"current_password\":" + json_quote(user.password) +
                                   ",\"new_password\":" + json_quote(next) + "}",
                               bearer(fresh.access_token));
  ASSERT_TRUE(IsTokenPair(changed));
  keep_tokens("password change", tokens_of(changed));
  const auto again = login(user.username, next);
  ASSERT_TRUE(IsTokenPair(again));
  keep_tokens("login with the new password", tokens_of(again));

  // The stack's own secrets.
  const auto& env = stack_env();
  keep("Redis password", env.redis_password);
  keep("database password", database_password(env.database_url));
  keep("session secret", env.session_secret);
  keep("TOTP encryption key", env.totp_encryption_key);
  std::istringstream keys(env.jwt_keys);
  for (std::string key; std::getline(keys, key, ',');) {
    keep("JWT key", key.substr(key.find(':') + 1));
  }

  // Each request's line in its handler's log and in nginx's, by request id.
  struct Logged {
    const Response& response;
    std::string endpoint;
    std::string method;
    std::string path;
    std::optional<std::int64_t> user_id;
    bool may_omit_user = false;
  };
  const Logged lines[] = {
      {registered, "register", "POST", "/api/register", std::nullopt},
      {refused, "login", "POST", "/api/login", std::nullopt},
      {paired, "login", "POST", "/api/login", user.id},
      // The refresh token names its user, but it is not a caller's credential.
      {refreshed, "token_refresh", "POST", "/api/token/refresh", user.id, true},
      {by_bearer, "me", "GET", "/api/me", user.id},
      {by_cookie, "me", "GET", "/api/me", user.id},
      {renamed, "update_user", "PUT", user_path, user.id},
      {listed, "list_users", "GET", "/api/users", user.id},
      {changed, "change_password", "PUT", user_path + "/password", user.id},
  };
  // nginx's line is written after its response: wait for the last one first.
  for (const auto& l : lines) {
    const std::string id = l.response.header("X-Request-ID").value_or("");
    ASSERT_FALSE(id.empty()) << l.response.describe();
    EXPECT_TRUE(IsRequestLine(logged(l.endpoint + ".log", id, "request"), l.endpoint, l.method,
                              l.path, l.response.status, l.user_id, l.may_omit_user));
    const auto edge = logged("nginx-access.log", id);
    ASSERT_TRUE(edge.IsObject()) << "no line of request " << id << " in nginx-access.log";
    EXPECT_EQ(string_member(edge, "method"), l.method) << id;
    EXPECT_EQ(int64_member(edge, "status"), l.response.status) << id;
    EXPECT_EQ(string_member(edge, "remote_addr"), "127.0.0.1") << id;
  }

  // No secret anywhere in the log folder: handler logs, nginx's access and
  // error logs, Redis's log.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(log_dir())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string text = read_file(entry.path().string());
    for (const auto& secret : secrets) {
      EXPECT_EQ(text.find(secret.value), std::string::npos)
          << "the " << secret.what << " is in " << entry.path().filename().string();
    }
  }
  EXPECT_GE(files, 4) << "the log folder " << log_dir() << " holds almost nothing";
}

}  // namespace
}  // namespace itest
