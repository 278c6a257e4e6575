// Live-events fan-out load check: holds many SSE subscribers open on
// GET /api/events, renames one user again and again, and checks that every
// subscriber receives every event, timing each delivery from the PUT's
// response. One epoll loop over non-blocking sockets and no threads, so the
// client stays cheap next to the 2,000 connections it measures.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <rapidjson/document.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <string>
#include <vector>

namespace {

struct Options {
  int port = 8080;
  int subscribers = 2000;
  int writes = 200;
  int batch = 100;              // subscriptions in flight at once
  int connect_timeout_s = 120;  // for all subscribers together
  int event_timeout_ms = 5000;  // per write, until the last subscriber has it
  std::string json_path;
};

const std::uint64_t kWriterId = UINT64_MAX;

double now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

bool iequals_prefix(const std::string& line, const char* name) {
  std::size_t n = std::strlen(name);
  if (line.size() < n) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

// Incremental HTTP/1.1 response reader: status line and headers, then the
// body by Content-Length or chunked encoding (nginx chunks both the API's
// answers and the event stream). body grows as bytes arrive; callers may
// erase what they consumed.
class ResponseReader {
 public:
  std::string body;

  // Takes received bytes; false when the response is malformed.
  bool feed(const char* data, std::size_t n) {
    raw_.append(data, n);
    if (!headers_done_ && !parse_headers()) return false;
    return !headers_done_ || decode();
  }
  bool has_headers() const { return headers_done_; }
  bool complete() const { return complete_; }
  int status() const { return status_; }
  const std::string& content_type() const { return content_type_; }

 private:
  enum class Chunk { size, data, data_end, trailer };

  bool parse_headers() {
    std::size_t end = raw_.find("\r\n\r\n");
    if (end == std::string::npos) return raw_.size() < 16384;
    if (raw_.compare(0, 5, "HTTP/") != 0 || raw_.find(' ') > end) return false;
    status_ = std::atoi(raw_.c_str() + raw_.find(' ') + 1);
    for (std::size_t pos = raw_.find("\r\n") + 2; pos < end;) {
      std::size_t eol = raw_.find("\r\n", pos);
      std::string line = raw_.substr(pos, eol - pos);
      std::string value = line.substr(std::min(line.size(), line.find(':') + 1));
      value.erase(0, value.find_first_not_of(' '));
      if (iequals_prefix(line, "content-length:")) length_ = std::atoll(value.c_str());
      if (iequals_prefix(line, "transfer-encoding:")) chunked_ = value.find("chunked") == 0;
      if (iequals_prefix(line, "content-type:")) content_type_ = value;
      pos = eol + 2;
    }
    raw_.erase(0, end + 4);
    headers_done_ = true;
    if (!chunked_ && length_ <= 0) complete_ = length_ == 0;
    return true;
  }

  bool decode() {
    if (!chunked_) {
      body += raw_;
      seen_ += static_cast<long long>(raw_.size());
      raw_.clear();
      if (length_ >= 0 && seen_ >= length_) complete_ = true;
      return true;
    }
    std::size_t pos = 0;
    bool ok = decode_chunks(pos);
    raw_.erase(0, pos);
    return ok;
  }

  bool decode_chunks(std::size_t& pos) {
    while (!complete_) {
      if (state_ == Chunk::data) {
        std::size_t take = std::min(chunk_left_, raw_.size() - pos);
        body.append(raw_, pos, take);
        pos += take;
        chunk_left_ -= take;
        if (chunk_left_ > 0) return true;
        state_ = Chunk::data_end;
        continue;
      }
      std::size_t eol = raw_.find("\r\n", pos);
      if (eol == std::string::npos) return raw_.size() - pos < 1024;
      if (state_ == Chunk::size) {
        char* end = nullptr;
        chunk_left_ = std::strtoul(raw_.c_str() + pos, &end, 16);
        if (end == raw_.c_str() + pos) return false;
        state_ = chunk_left_ == 0 ? Chunk::trailer : Chunk::data;
      } else if (state_ == Chunk::data_end) {
        if (eol != pos) return false;
        state_ = Chunk::size;
      } else if (eol == pos) {  // the empty line after the last chunk
        complete_ = true;
      }
      pos = eol + 2;
    }
    return true;
  }

  std::string raw_;
  std::string content_type_;
  int status_ = 0;
  long long length_ = -1;
  long long seen_ = 0;
  bool headers_done_ = false;
  bool chunked_ = false;
  bool complete_ = false;
  Chunk state_ = Chunk::size;
  std::size_t chunk_left_ = 0;
};

// A TCP connection to nginx on 127.0.0.1; -1 when none could be started.
int open_connection(int port, bool nonblocking) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

std::string http_request(const std::string& method, const std::string& path,
                         const std::string& token, const std::string& body,
                         const std::string& extra_headers = "") {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers;
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty())
    r +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

// One blocking exchange for the setup (register, log in); status 0 when no
// complete response arrived within 30 s.
int exchange(int port, const std::string& request, std::string& body) {
  int fd = open_connection(port, false);
  if (fd < 0) return 0;
  timeval limit{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  ResponseReader reader;
  bool sent = send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
              static_cast<ssize_t>(request.size());
  char buf[16384];
  while (sent && !reader.complete()) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0 || !reader.feed(buf, static_cast<std::size_t>(n))) break;
  }
  close(fd);
  body = reader.body;
  return reader.complete() ? reader.status() : 0;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    out += c;
  }
  return out;
}

// Nearest-rank percentile of `v` (sorted here), in ms; 0 when empty.
double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100 * static_cast<double>(v.size())));
  return v[std::max<std::size_t>(rank, 1) - 1];
}

struct Subscriber {
  int fd = -1;
  std::size_t request_sent = 0;
  bool ready = false;  // response headers and the ": hi" comment arrived
  bool closed = false;
  ResponseReader reader;
  std::string data;       // the data lines of the event being read
  std::vector<bool> got;  // per write: its event arrived
};

struct Write {
  double sent = 0;      // ms, monotonic
  double answered = 0;  // the PUT's response arrived (the commit happened before)
  bool ok = false;
  std::size_t received = 0;  // subscribers that have its event
  double last = 0;           // delivery to the last of them
  std::vector<double> deliveries;
};

// The PUT in flight: one connection per write (Connection: close).
struct Writer {
  int fd = -1;
  std::size_t index = 0;
  std::string out;
  std::size_t sent = 0;
  ResponseReader reader;
};

class FanoutBench {
 public:
  explicit FanoutBench(const Options& options)
      : opt_(options),
        subs_(static_cast<std::size_t>(options.subscribers)),
        writes_(static_cast<std::size_t>(options.writes)) {}

  int run() {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0 || !set_up()) return 2;
    subscribe_all();
    if (alive_ > 0) write_all();
    return report();
  }

 private:
  // Registers and logs in the user whose renames make the events.
  bool set_up() {
    char tag[16];
    std::snprintf(tag, sizeof tag, "%06x",
                  static_cast<unsigned>(getpid() ^ time(nullptr)) & 0xffffffu);
    std::string username = std::string("fanout_") + tag;
    rename_prefix_ = username + "_";
    std::string creds =
        "{\"username\":\"" + username + "\",\"password\":\"fan-out bench " + tag + " passphrase\"}";
    std::string body;
    int status = exchange(opt_.port, http_request("POST", "/api/register", "", creds), body);
    rapidjson::Document doc;
    if (status != 201 || doc.Parse(body.c_str()).HasParseError() || !doc.HasMember("user_id"))
      return setup_failed("register", status, body);
    user_id_ = doc["user_id"].GetInt64();
    status = exchange(opt_.port, http_request("POST", "/api/login", "", creds), body);
    if (status != 200 || doc.Parse(body.c_str()).HasParseError() || !doc.HasMember("access_token"))
      return setup_failed("login", status, body);
    token_ = doc["access_token"].GetString();
    return true;
  }

  bool setup_failed(const char* step, int status, const std::string& body) {
    std::fprintf(stderr, "event_fanout: %s failed: status %d %s\n", step, status, body.c_str());
    return false;
  }

  // Opens subscribers with at most `batch` in flight, until all are ready:
  // a burst of 2,000 at once would only measure nginx's accept queue.
  void subscribe_all() {
    subscribe_request_ =
        http_request("GET", "/api/events", token_, "", "Accept: text/event-stream\r\n");
    double start = now_ms(), deadline = start + opt_.connect_timeout_s * 1000.0;
    std::size_t next = 0, batch = static_cast<std::size_t>(opt_.batch);
    while (ready_ + failed_ < subs_.size() && now_ms() < deadline) {
      while (next < subs_.size() && next - ready_ - failed_ < batch) open_subscriber(next++);
      poll_once(100);
    }
    connect_s_ = (now_ms() - start) / 1000;
    std::size_t pending = subs_.size() - ready_ - failed_;
    if (pending > 0) error("not_connected", std::to_string(pending) + " not ready in time");
    std::fprintf(stderr, "event_fanout: %zu of %zu subscribers connected in %.1f s\n", ready_,
                 subs_.size(), connect_s_);
  }

  void open_subscriber(std::size_t i) {
    Subscriber& s = subs_[i];
    s.got.assign(writes_.size(), false);
    s.fd = open_connection(opt_.port, true);
    if (s.fd < 0) return drop(s, "connect_failed", std::strerror(errno));
    watch(s.fd, i, EPOLLIN | EPOLLOUT, EPOLL_CTL_ADD);
  }

  // One rename per write; the next waits until every live subscriber has
  // this one's event (or the timeout), so the latencies don't overlap.
  void write_all() {
    for (std::size_t i = 0; i < writes_.size(); ++i) {
      start_write(i);
      double deadline = writes_[i].sent + opt_.event_timeout_ms;
      for (double t = now_ms(); t < deadline; t = now_ms()) {
        bool answered = writer_.fd < 0;
        if (answered && (!writes_[i].ok || writes_[i].received >= alive_)) break;
        poll_once(static_cast<int>(deadline - t) + 1);
      }
      if (writer_.fd >= 0) error("write_failed", "PUT " + std::to_string(i) + ": no response");
      close_writer();
    }
  }

  void start_write(std::size_t i) {
    std::string body = "{\"username\":\"" + rename_prefix_ + std::to_string(i) + "\"}";
    writer_.out = http_request("PUT", "/api/users/" + std::to_string(user_id_), token_, body,
                               "Connection: close\r\n");
    writer_.sent = 0;
    writer_.index = i;
    writer_.reader = ResponseReader();
    writes_[i].sent = now_ms();
    writer_.fd = open_connection(opt_.port, true);
    if (writer_.fd < 0) return error("write_failed", std::strerror(errno));
    watch(writer_.fd, kWriterId, EPOLLIN | EPOLLOUT, EPOLL_CTL_ADD);
  }

  void close_writer() {
    if (writer_.fd >= 0) close(writer_.fd);
    writer_.fd = -1;
  }

  void watch(int fd, std::uint64_t id, std::uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = id;
    epoll_ctl(epoll_, op, fd, &ev);
  }

  void poll_once(int timeout_ms) {
    static epoll_event events[4096];
    int n = epoll_wait(epoll_, events, 4096, timeout_ms);
    // One timestamp for the whole batch: the bytes were there when epoll_wait
    // returned, and our own work on 2,000 sockets must not count as delay.
    double t = now_ms();
    for (int k = 0; k < n; ++k) {
      if (events[k].data.u64 == kWriterId)
        on_writer(events[k].events, t);
      else
        on_subscriber(events[k].data.u64, events[k].events, t);
    }
  }

  // Sends what is left of `out`; -1 on a failed send, 1 once all is sent.
  static int send_rest(int fd, const std::string& out, std::size_t& sent) {
    ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) return -1;
    if (n > 0) sent += static_cast<std::size_t>(n);
    return sent == out.size() ? 1 : 0;
  }

  // Reads what arrived on fd into reader; an error kind, or "" when fine.
  static std::string receive(int fd, ResponseReader& reader, bool& eof) {
    static char buf[65536];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    eof = n == 0;
    if (n < 0) return errno == EAGAIN ? "" : std::strerror(errno);
    if (n > 0 && !reader.feed(buf, static_cast<std::size_t>(n))) return "malformed HTTP response";
    return "";
  }

  void on_subscriber(std::size_t i, std::uint32_t events, double t) {
    Subscriber& s = subs_[i];
    if (s.closed) return;
    const char* lost = s.ready ? "subscriber_closed" : "connect_failed";
    if ((events & EPOLLOUT) && s.request_sent < subscribe_request_.size()) {
      int done = send_rest(s.fd, subscribe_request_, s.request_sent);
      if (done < 0) return drop(s, lost, std::strerror(errno));
      if (done > 0) watch(s.fd, i, EPOLLIN, EPOLL_CTL_MOD);
    }
    if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP))) return;
    bool eof = false;
    std::string problem = receive(s.fd, s.reader, eof);
    if (!problem.empty()) return drop(s, lost, problem);
    if (eof) return drop(s, lost, "closed by the server");
    if (!s.reader.has_headers()) return;
    if (s.reader.status() != 200 || s.reader.content_type().find("text/event-stream") != 0)
      return drop(s, "subscribe_refused",
                  "status " + std::to_string(s.reader.status()) + ": " + s.reader.body);
    read_stream(s, t);
  }

  // Splits the event stream into lines: comments (": hi" first, then
  // pings), fields, and an empty line that ends each event.
  void read_stream(Subscriber& s, double t) {
    std::string& text = s.reader.body;
    std::size_t pos = 0;
    for (std::size_t eol; (eol = text.find('\n', pos)) != std::string::npos; pos = eol + 1) {
      std::string line = text.substr(pos, eol - pos);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
        if (!s.data.empty()) on_event(s, t);
        s.data.clear();
      } else if (line == ": hi" && !s.ready) {
        s.ready = true;
        ++ready_;
        ++alive_;
      } else if (line.compare(0, 5, "data:") == 0) {
        if (!s.data.empty()) s.data += '\n';
        s.data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
      }
    }
    text.erase(0, pos);
  }

  void on_event(Subscriber& s, double t) {
    rapidjson::Document doc;
    if (doc.Parse(s.data.c_str()).HasParseError() || !doc.IsObject() ||
        !doc.HasMember("username") || !doc["username"].IsString())
      return error("bad_event", s.data);
    std::string name = doc["username"].GetString();
    if (name.compare(0, rename_prefix_.size(), rename_prefix_) != 0) return;  // not ours
    std::size_t i = std::strtoul(name.c_str() + rename_prefix_.size(), nullptr, 10);
    bool valid = doc.HasMember("type") && doc["type"] == "user.updated" &&
                 doc.HasMember("user_id") && doc["user_id"] == user_id_;
    if (!valid || i >= writes_.size()) return error("bad_event", s.data);
    if (s.got[i]) return error("duplicate_event", s.data);
    s.got[i] = true;
    Write& w = writes_[i];
    ++w.received;
    w.deliveries.push_back(t);
    w.last = std::max(w.last, t);
  }

  void on_writer(std::uint32_t events, double t) {
    if (writer_.fd < 0) return;
    Write& w = writes_[writer_.index];
    if ((events & EPOLLOUT) && writer_.sent < writer_.out.size()) {
      int done = send_rest(writer_.fd, writer_.out, writer_.sent);
      if (done < 0) return fail_write(std::strerror(errno));
      if (done > 0) watch(writer_.fd, kWriterId, EPOLLIN, EPOLL_CTL_MOD);
    }
    if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP))) return;
    bool eof = false;
    std::string problem = receive(writer_.fd, writer_.reader, eof);
    if (!problem.empty()) return fail_write(problem);
    if (!writer_.reader.complete()) {
      if (eof) fail_write("connection closed before the response ended");
      return;
    }
    w.answered = t;
    w.ok = writer_.reader.status() == 200;
    if (!w.ok)
      error("write_failed",
            "status " + std::to_string(writer_.reader.status()) + ": " + writer_.reader.body);
    close_writer();
  }

  void fail_write(const std::string& detail) {
    error("write_failed", "PUT " + std::to_string(writer_.index) + ": " + detail);
    close_writer();
  }

  void drop(Subscriber& s, const char* kind, const std::string& detail) {
    if (s.fd >= 0) close(s.fd);
    s.fd = -1;
    s.closed = true;
    if (s.ready)
      --alive_;
    else
      ++failed_;
    error(kind, detail);
  }

  void error(const std::string& kind, const std::string& detail) {
    if (errors_[kind]++ < 3)
      std::fprintf(stderr, "event_fanout: %s: %s\n", kind.c_str(), detail.substr(0, 300).c_str());
    if (first_error_.empty()) first_error_ = kind + ": " + detail.substr(0, 200);
  }

  int report() {
    std::size_t ok_writes = 0, expected = 0, received = 0;
    std::vector<double> last, last_from_sent, all, put;
    for (Write& w : writes_) {
      if (!w.ok) continue;
      ++ok_writes;
      expected += ready_;
      received += w.received;
      put.push_back(w.answered - w.sent);
      for (double d : w.deliveries) all.push_back(d - w.answered);
      if (w.received < ready_) continue;  // its last delivery never came
      last.push_back(w.last - w.answered);
      last_from_sent.push_back(w.last - w.sent);
    }
    if (received < expected) errors_["missing_event"] += expected - received;
    std::size_t errors = 0;
    for (const auto& e : errors_) errors += e.second;
    FILE* out = opt_.json_path.empty() ? stdout : std::fopen(opt_.json_path.c_str(), "w");
    if (!out) return 2;
    std::fprintf(out, "{\n  \"scenario\": \"event_fanout\",\n");
    std::fprintf(out, "  \"subscribers_wanted\": %zu,\n", subs_.size());
    std::fprintf(out, "  \"subscribers_connected\": %zu,\n", ready_);
    std::fprintf(out, "  \"connect_s\": %.2f,\n", connect_s_);
    std::fprintf(out, "  \"writes\": %zu,\n  \"writes_ok\": %zu,\n", writes_.size(), ok_writes);
    std::fprintf(out, "  \"events_expected\": %zu,\n", expected);
    std::fprintf(out, "  \"events_received\": %zu,\n", received);
    print_ms(out, "put_p50_ms", percentile(put, 50));
    print_ms(out, "put_p99_ms", percentile(put, 99));
    print_ms(out, "last_delivery_p50_ms", percentile(last, 50));
    print_ms(out, "last_delivery_p99_ms", percentile(last, 99));
    print_ms(out, "last_delivery_max_ms", percentile(last, 100));
    // The commit lies between the PUT's request and its response: from the
    // request is the upper bound of commit-to-delivery.
    print_ms(out, "last_delivery_from_put_sent_p50_ms", percentile(last_from_sent, 50));
    print_ms(out, "last_delivery_from_put_sent_p99_ms", percentile(last_from_sent, 99));
    print_ms(out, "delivery_p50_ms", percentile(all, 50));
    print_ms(out, "delivery_p99_ms", percentile(all, 99));
    // The client shares the machine with the stack: its own CPU time shows
    // how much of the measured delay could be ours.
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::fprintf(out, "  \"client_cpu_s\": %.2f,\n",
                 seconds(usage.ru_utime) + seconds(usage.ru_stime));
    std::fprintf(out, "  \"first_error\": \"%s\",\n", json_escape(first_error_).c_str());
    std::fprintf(out, "  \"errors\": %zu\n}\n", errors);
    if (out != stdout) std::fclose(out);
    return errors == 0 ? 0 : 1;
  }

  static double seconds(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  }

  static void print_ms(FILE* out, const char* key, double ms) {
    std::fprintf(out, "  \"%s\": %.3f,\n", key, ms);
  }

  Options opt_;
  std::vector<Subscriber> subs_;
  std::vector<Write> writes_;
  Writer writer_;
  int epoll_ = -1;
  std::string token_, rename_prefix_, subscribe_request_, first_error_;
  std::int64_t user_id_ = 0;
  std::size_t ready_ = 0;   // subscribers that became ready
  std::size_t alive_ = 0;   // ready and still connected
  std::size_t failed_ = 0;  // lost before they became ready
  double connect_s_ = 0;
  std::map<std::string, std::size_t> errors_;
};

// 2,000 subscribers need more descriptors than the usual soft limit of 1024.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) std::perror("event_fanout: setrlimit");
}

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--json") {
      o.json_path = value;
      continue;
    }
    int* field = name == "--port"               ? &o.port
                 : name == "--subscribers"      ? &o.subscribers
                 : name == "--writes"           ? &o.writes
                 : name == "--batch"            ? &o.batch
                 : name == "--connect-timeout"  ? &o.connect_timeout_s
                 : name == "--event-timeout-ms" ? &o.event_timeout_ms
                                                : nullptr;
    if (!field || (*field = std::atoi(value)) <= 0) return false;
  }
  return argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: event_fanout [--port 8080] [--subscribers 2000] [--writes 200] "
                 "[--batch 100] [--connect-timeout 120] [--event-timeout-ms 5000] [--json FILE]\n");
    return 64;
  }
  raise_open_file_limit();
  return FanoutBench(options).run();
}
