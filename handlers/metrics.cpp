// GET /metrics: the Prometheus text format for this host: every worker's
// counters (see metrics.h), plus what this endpoint measures when scraped:
// users, active sessions, database and Redis availability, nginx's figures.
// nginx only lets localhost and private networks reach it.
#include "crud/internal_http.h"
#include "crud/metrics_report.h"
#include "crud/serve.h"

using namespace crud;

static std::vector<Sample> scrape_time_samples(Context& ctx) {
  std::vector<Sample> samples;
  bool database_up = ctx.storage->ping();
  // After the store DATABASE_URL names; spelled out so that the checks of
  // the alerts and dashboards find the names they use.
  const char* database_gauge =
      std::string_view(ctx.storage->name()) == "sqlite" ? "crud_sqlite_up" : "crud_postgres_up";
  samples.push_back(
      {database_gauge, "gauge", "1 when the database answers.", "", database_up ? 1.0 : 0.0});
  if (ctx.redis.configured())
    samples.push_back(
        {"crud_redis_up", "gauge", "1 when Redis answers.", "", ctx.redis.ping() ? 1.0 : 0.0});
  if (database_up) {
    samples.push_back(
        {"crud_users", "gauge", "Registered users.", "", static_cast<double>(ctx.users.count())});
    samples.push_back({"crud_sessions_active", "gauge",
                       "Logins still usable (token pairs and browser sessions).", "",
                       static_cast<double>(active_sessions(ctx))});
  }
  if (!ctx.config.nginx_status_socket.empty()) {
    HttpReply status =
        internal_http_request(ctx.config.nginx_status_socket, "GET", "/nginx_status", "", "", 200);
    for (auto& s : nginx_status_samples(status.body)) samples.push_back(std::move(s));
  }
  return samples;
}

static Response metrics(const Request&, Context& ctx) {
  Response r;
  r.status = 200;
  r.body = metrics_report(ctx.config.metrics_dir, scrape_time_samples(ctx));
  r.with_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return r;
}

int main() { return serve({"metrics", {"GET", "HEAD"}, metrics}); }
