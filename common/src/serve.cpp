// The shared serve loop: FastCGI accept loop or single CGI request, strict
// CONTENT_LENGTH handling, and one place where errors become JSON.
#include "crud/serve.h"

#include <fcgiapp.h>
#include <sodium.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "crud/request_params.h"
#include "crud/text.h"
#include "crud/watchdog.h"

extern char** environ;

namespace crud {

static std::string hex_to_bytes(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.c_str(), hex.size(),
                 nullptr, nullptr, nullptr);
  return out;
}

// Validates the secrets first so a bad one is reported before any use.
static const Config& with_auth_secrets(const Config& cfg) {
  cfg.require_auth_secrets();
  return cfg;
}

Context::Context(const Config& cfg, const std::string& endpoint)
    : config(with_auth_secrets(cfg)),
      log(endpoint, cfg.log_level),
      metrics(cfg.metrics_dir, endpoint, cfg.pool_name),
      storage(open_storage(cfg, log)),
      redis(cfg, log),
      users(storage->users()),
      auth(storage->auth()),
      passwords(cfg.password_opslimit, cfg.password_memlimit),
      keys(KeyRing::parse(cfg.jwt_keys)),
      session_key(hex_to_bytes(cfg.session_secret)),
      totp_box(SecretBox::from_hex_key(cfg.totp_encryption_key)),
      throttle(redis, auth, log),
      cache(redis, users, log, cfg.cache_ttl_s),
      events(cfg, redis, log, metrics) {}

namespace {

// CFS gives a nice-10 thread about a tenth of the CPU a nice-0 one gets
// when both want it, and all of it when nothing else runs.
constexpr int kLowPriorityNice = 10;

volatile std::sig_atomic_t g_stop = 0;

void on_stop_signal(int) {
  g_stop = 1;
  FCGX_ShutdownPending();  // makes a blocked accept return instead of restarting
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: interrupt accept()
  for (int sig : {SIGTERM, SIGINT, SIGUSR1, SIGHUP}) sigaction(sig, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client gone mid-response must not kill the worker
}

// Reads the body through `read`: exactly CONTENT_LENGTH bytes, after
// checking it, or a chunked one (Apache CGI) to its end.
template <typename ReadFn>
std::string read_body(const Request& req, ReadFn read) {
  if (req.param("CONTENT_LENGTH").empty() && !req.header("Transfer-Encoding").empty()) {
    // Apache hands a chunked body to a CGI program without CONTENT_LENGTH
    // (nginx always counts it): read it to the end, within the limit.
    std::string body(kMaxBodyBytes + 1, '\0');
    body.resize(read(body.data(), body.size()));
    if (body.size() > kMaxBodyBytes) throw ApiError(ErrorCode::payload_too_large);
    return body;
  }
  std::string body(content_length(req), '\0');
  if (body.empty()) return body;
  std::size_t got = read(body.data(), body.size());
  if (got != body.size()) throw ApiError(ErrorCode::incomplete_body);
  return body;
}

bool has_header(const Response& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (iequals(h.first, name)) return true;
  return false;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

Response error_response(const ApiError& e, const std::string& request_id) {
  Response r = json_response(error_status(e.code()), error_body(e.code(), e.details(), request_id));
  if (e.retry_after_s() > 0) r.with_header("Retry-After", std::to_string(e.retry_after_s()));
  // RFC 9110: a 401 names the scheme to use (RFC 6750 adds the error).
  if (e.code() == ErrorCode::invalid_token)
    r.with_header("WWW-Authenticate", R"(Bearer realm="crud", error="invalid_token")");
  else if (error_status(e.code()) == 401)
    r.with_header("WWW-Authenticate", R"(Bearer realm="crud")");
  return r;
}

// Runs the handler and always yields a response; nothing escapes.
template <typename ReadFn>
Response respond(const Endpoint& ep, Request& req, Context& ctx, ReadFn read) {
  try {
    bool allowed = false;
    for (const auto& m : ep.methods) allowed = allowed || m == req.method;
    if (!allowed) {
      ctx.metrics.error(ErrorCode::method_not_allowed);
      return error_response(ApiError(ErrorCode::method_not_allowed), req.request_id)
          .with_header("Allow", join(ep.methods, ", "));
    }
    req.body = read_body(req, read);
    return ep.handle(req, ctx);
  } catch (const ApiError& e) {
    ctx.metrics.error(e.code());
    return error_response(e, req.request_id);
  } catch (const std::exception& e) {
    ctx.log.event(LogLevel::error, std::string("unhandled exception: ") + e.what());
  } catch (...) {
    ctx.log.event(LogLevel::error, "unhandled non-standard exception");
  }
  ctx.metrics.error(ErrorCode::internal_error);
  return error_response(ApiError(ErrorCode::internal_error), req.request_id);
}

// Status line, headers and (unless HEAD) the body, in CGI response form.
std::string render(const Request& req, Response& r) {
  r.with_header("X-Request-ID", req.request_id);
  r.with_header("X-Content-Type-Options", "nosniff");
  if (!has_header(r, "Cache-Control")) r.with_header("Cache-Control", "no-store");
  if (req.param("HTTPS") == "on")
    r.with_header("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  std::string out = "Status: " + std::to_string(r.status) + " " + reason_phrase(r.status) + "\r\n";
  for (const auto& h : r.headers) out += h.first + ": " + h.second + "\r\n";
  out += "\r\n";
  if (req.method != "HEAD") out += r.body;
  return out;
}

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// One request from parameters to written response; `watchdog` (FastCGI
// only) is armed here and ends the worker if the request, until its
// connection is closed, takes longer than REQUEST_TIMEOUT_S.
template <typename ReadFn, typename WriteFn>
void handle_one(const Endpoint& ep, Context& ctx, char** params, ReadFn read, WriteFn write,
                RequestWatchdog* watchdog) {
  auto start = std::chrono::steady_clock::now();
  Request req = request_from_params(params);
  if (watchdog) watchdog->arm(req.request_id);
  ctx.log.set_request_id(req.request_id);
  Response r = respond(ep, req, ctx, read);
  ctx.redis.finish_queued();  // what a handler queued is done before it is answered
  std::string out = render(req, r);
  write(out);
  double seconds = elapsed_ms(start) / 1000;
  double postgres_s = ctx.storage->time_spent().take_seconds();
  double redis_s = ctx.redis.time_spent.take_seconds();
  ctx.metrics.request(req.method, r.status, seconds, postgres_s, redis_s);
  ctx.log.request({req.request_id, req.method, req.path, r.status, seconds * 1000,
                   postgres_s * 1000, redis_s * 1000, ctx.caller_id});
  ctx.caller_id = 0;
  ctx.cache.forget_generation();
  ctx.log.set_request_id("");
}

// Ends a FastCGI request without libfcgi's lingering close (shut the
// connection for writing, then sleep until nginx closes its end, up to 2 s):
// nginx sends nothing after the request's stdin, so once that is read to its
// end (a body a handler refused included) closing at once loses nothing, and
// the worker is back at accept without a sleep and a wake-up per request.
void finish_at_once(FCGX_Request& fr) {
  char rest[4096];
  while (FCGX_GetStr(rest, sizeof rest, fr.in) > 0) {
  }
  FCGX_Detach(&fr);  // closes without the shutdown and the wait
  FCGX_Finish_r(&fr);
}

}  // namespace

int serve(const Endpoint& ep) {
  if (sodium_init() < 0) {
    std::cerr << ep.name << ": libsodium failed to initialise\n";
    return 1;
  }
  Config config;
  std::unique_ptr<Context> context;
  try {
    config = Config::from_env();
    context = std::make_unique<Context>(config, ep.name);
  } catch (const ConfigError& e) {
    std::cerr << ep.name << ": configuration error: " << e.what() << "\n";
    return 2;
  }
  Context& ctx = *context;
  if (FCGX_Init() != 0) {
    std::cerr << ep.name << ": FCGX_Init failed\n";
    return 1;
  }
  install_signal_handlers();

  if (FCGX_IsCGI()) {
    handle_one(
        ep, ctx, environ, [](char* buf, std::size_t n) { return std::fread(buf, 1, n, stdin); },
        [](const std::string& out) {
          std::fwrite(out.data(), 1, out.size(), stdout);
          std::fflush(stdout);
        },
        nullptr);
    return 0;
  }

  // Before the watchdog starts: Linux keeps a nice value per thread.
  if (ep.priority == CpuPriority::low && setpriority(PRIO_PROCESS, 0, kLowPriorityNice) != 0)
    ctx.log.event(LogLevel::warn, "could not lower the CPU priority");
  RequestWatchdog watchdog(ctx.log, std::chrono::seconds(config.request_timeout_s));
  FCGX_Request fr;
  // FAIL_ACCEPT_ON_INTR: without it, workers queued on libfcgi's accept lock
  // retry forever and never see a stop signal.
  FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR);
  ctx.log.event(LogLevel::info, "worker started");
  while (!g_stop) {
    if (FCGX_Accept_r(&fr) < 0) {
      if (g_stop || errno != EINTR) break;
      continue;
    }
    handle_one(
        ep, ctx, fr.envp,
        [&](char* buf, std::size_t n) {
          int got = FCGX_GetStr(buf, static_cast<int>(n), fr.in);
          return got < 0 ? std::size_t{0} : static_cast<std::size_t>(got);
        },
        [&](const std::string& out) {
          FCGX_PutStr(out.data(), static_cast<int>(out.size()), fr.out);
        },
        &watchdog);
    finish_at_once(fr);
    watchdog.disarm();
  }
  ctx.log.event(LogLevel::info, "worker stopping");
  ctx.metrics.retire();
  return 0;
}

}  // namespace crud
