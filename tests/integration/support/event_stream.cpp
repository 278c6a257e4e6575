// Live-event subscribers over a raw socket (see event_stream.h).
#include "support/event_stream.h"

#include <netdb.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "support/json_checks.h"
#include "support/raw_socket.h"
#include "support/stack_env.h"

namespace itest {
namespace {

std::string base64(const unsigned char* bytes, size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// RFC 6455 section 4.2.2: base64(SHA-1(key + the protocol's GUID)).
std::string websocket_accept_for(const std::string& key) {
  const std::string input = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 failed");
  }
  return base64(digest, size);
}

// A client frame (always masked, RFC 6455 section 5.3) with a short payload.
std::string client_frame(unsigned char opcode, const std::string& payload) {
  unsigned char mask[4];
  randombytes_buf(mask, sizeof mask);
  std::string frame;
  frame += static_cast<char>(0x80 | opcode);
  frame += static_cast<char>(0x80 | (payload.size() & 0x7f));  // control frames: < 126 bytes
  frame.append(reinterpret_cast<const char*>(mask), sizeof mask);
  for (size_t i = 0; i < payload.size(); ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  return frame;
}

}  // namespace

std::optional<std::int64_t> event_user_id(const StreamEvent& event) {
  return int64_member(parse_json(event.data), "user_id");
}

std::function<bool(const StreamEvent&)> about_user(std::int64_t id) {
  return [id](const StreamEvent& event) { return event_user_id(event) == id; };
}

std::function<bool(const StreamEvent&)> renames_of(std::int64_t id) {
  return [id](const StreamEvent& event) {
    return event_user_id(event) == id &&
           string_member(parse_json(event.data), "type") == "user.updated";
  };
}

EventStream::EventStream(Kind kind, const HeaderList& headers, std::chrono::milliseconds timeout)
    : kind_(kind) {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
  const auto deadline = Clock::now() + timeout;
  const auto [host, port] = host_and_port(stack_env().base_url);
  fd_ = connect_to(host, port, deadline);

  // A constructor that throws runs no destructor: close the socket here.
  try {
    open(headers, host, port, deadline);
  } catch (...) {
    close();
    throw;
  }
}

void EventStream::open(const HeaderList& headers, const std::string& host, const std::string& port,
                       Clock::time_point deadline) {
  response_.method = "GET";
  response_.path = "/api/events";
  std::string request = "GET /api/events HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n";
  std::string expected_accept;
  if (kind_ == Kind::sse) {
    request += "Accept: text/event-stream\r\n";
  } else {
    unsigned char nonce[16];
    randombytes_buf(nonce, sizeof nonce);
    const std::string key = base64(nonce, sizeof nonce);
    expected_accept = websocket_accept_for(key);
    request += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";
    request += "Sec-WebSocket-Key: " + key + "\r\n";
  }
  // As with request(): a header given with an empty value is not sent.
  for (const auto& [name, value] : headers) {
    if (!value.empty()) request += name + ": " + value + "\r\n";
  }
  send_all(fd_, request + "\r\n", deadline);

  if (!read_head(deadline)) throw std::runtime_error("no response head\n" + describe());
  if (kind_ == Kind::websocket) {
    accepted_ = response_.status == 101 &&
                response_.header("Sec-WebSocket-Accept").value_or("") == expected_accept;
  } else {
    accepted_ = response_.status == 200;
  }
  chunked_ = iequals(response_.header("Transfer-Encoding").value_or(""), "chunked");
  if (accepted_) {
    if (kind_ == Kind::sse) {
      parse();  // the head's packet may have brought the opening comment
      while (response_.body.empty() && read_some(deadline)) parse();
      if (response_.body.empty()) {
        throw std::runtime_error("SSE stream sent nothing\n" + describe());
      }
    }
    return;
  }
  // Refused: read the whole (error) body, then hang up.
  const auto length = response_.header("Content-Length");
  const size_t want = length ? std::strtoul(length->c_str(), nullptr, 10) : 0;
  while (!ended_) {
    parse();
    if (length && response_.body.size() >= want) break;
    if (!read_some(deadline)) break;
  }
  parse();
  close();
}

EventStream::~EventStream() { close(); }

bool EventStream::read_some(Clock::time_point deadline) {
  if (fd_ < 0 || ended_) return false;
  pollfd p{fd_, POLLIN, 0};
  const int ready = poll(&p, 1, ms_until(deadline));
  if (ready < 0 && errno == EINTR) return true;
  if (ready <= 0) return false;
  char chunk[16384];
  const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) {
    ended_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

bool EventStream::read_head(Clock::time_point deadline) {
  for (;;) {
    const auto end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      const std::string head = buffer_.substr(0, end + 2);
      buffer_.erase(0, end + 4);
      // "HTTP/1.1 200 OK"
      const auto space = head.find(' ');
      if (head.rfind("HTTP/", 0) != 0 || space == std::string::npos) return false;
      response_.status = std::atoi(head.c_str() + space + 1);
      for (size_t start = head.find("\r\n") + 2; start < head.size();) {
        const auto stop = head.find("\r\n", start);
        add_header_line(response_.headers, head.substr(start, stop - start));
        start = stop + 2;
      }
      return true;
    }
    if (!read_some(deadline)) return false;
  }
}

void EventStream::parse() {
  if (kind_ == Kind::websocket && accepted_) {
    parse_websocket();
    return;
  }
  std::string text;
  if (!chunked_) {
    text.swap(buffer_);
  } else {
    // "<hex size>\r\n<data>\r\n" ... "0\r\n\r\n"
    for (;;) {
      const auto line_end = buffer_.find("\r\n");
      if (line_end == std::string::npos) break;
      const size_t size = std::strtoul(buffer_.c_str(), nullptr, 16);
      if (buffer_.size() < line_end + 2 + size + 2) break;
      text += buffer_.substr(line_end + 2, size);
      buffer_.erase(0, line_end + 2 + size + 2);
      if (size == 0) {
        ended_ = true;
        break;
      }
    }
  }
  response_.body += text;
  if (kind_ == Kind::sse && accepted_) parse_sse(text);
}

// The event-stream format (HTML Living Standard, "Server-sent events"):
// "field: value" lines, ":" comments, an empty line ends an event.
void EventStream::parse_sse(const std::string& text) {
  for (const char c : text) {
    if (c != '\n') {
      sse_line_ += c;
      continue;
    }
    if (!sse_line_.empty() && sse_line_.back() == '\r') sse_line_.pop_back();
    std::string line;
    line.swap(sse_line_);
    if (line.empty()) {
      if (!sse_event_.data.empty()) {
        sse_event_.data.pop_back();  // the newline after the last data line
        events_.push_back(sse_event_);
      }
      sse_event_ = StreamEvent{};
      continue;
    }
    if (line[0] == ':') continue;
    const auto colon = line.find(':');
    const std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (field == "event") sse_event_.type = value;
    if (field == "id") sse_event_.id = value;
    if (field == "data") sse_event_.data += value + "\n";
  }
}

// RFC 6455 section 5.2 framing; the server's frames are never masked.
void EventStream::parse_websocket() {
  for (;;) {
    if (buffer_.size() < 2) return;
    const auto b0 = static_cast<unsigned char>(buffer_[0]);
    const auto b1 = static_cast<unsigned char>(buffer_[1]);
    size_t header = 2;
    std::uint64_t length = b1 & 0x7f;
    if (length == 126 || length == 127) {
      const size_t bytes = length == 126 ? 2 : 8;
      if (buffer_.size() < header + bytes) return;
      length = 0;
      for (size_t i = 0; i < bytes; ++i) {
        length = (length << 8) | static_cast<unsigned char>(buffer_[header + i]);
      }
      header += bytes;
    }
    const bool masked = (b1 & 0x80) != 0;
    const size_t mask_at = header;
    if (masked) header += 4;
    if (buffer_.size() < header + length) return;
    std::string payload = buffer_.substr(header, length);
    if (masked) {
      protocol_error_ = "the server masked a frame";
      for (size_t i = 0; i < payload.size(); ++i) payload[i] ^= buffer_[mask_at + i % 4];
    }
    buffer_.erase(0, header + length);
    if ((b0 & 0x70) != 0) protocol_error_ = "a frame has reserved bits set";
    const unsigned opcode = b0 & 0x0f;
    const bool fin = (b0 & 0x80) != 0;
    switch (opcode) {
      case 0x0:  // continuation
      case 0x1:  // text
      case 0x2:  // binary
        ws_message_ += payload;
        if (fin) {
          events_.push_back(StreamEvent{"", "", ws_message_});
          ws_message_.clear();
        }
        break;
      case 0x8:  // close
        ended_ = true;
        return;
      case 0x9:  // ping: answer so the server keeps the subscriber
        if (fd_ >= 0)
          send_all(fd_, client_frame(0xA, payload), Clock::now() + std::chrono::seconds(1));
        break;
      case 0xA:  // pong
        break;
      default:
        protocol_error_ = "unknown opcode " + std::to_string(opcode);
    }
  }
}

std::vector<StreamEvent> EventStream::wait_for(size_t count,
                                               const std::function<bool(const StreamEvent&)>& keep,
                                               std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    parse();
    std::vector<StreamEvent> kept;
    for (const auto& event : events_) {
      if (kept.size() < count && keep(event)) kept.push_back(event);
    }
    if (kept.size() == count || !read_some(deadline)) return kept;
  }
}

void EventStream::close() {
  if (fd_ < 0) return;
  if (kind_ == Kind::websocket && accepted_ && !ended_) {
    try {
      send_all(fd_, client_frame(0x8, ""), Clock::now() + std::chrono::milliseconds(200));
    } catch (const std::exception&) {
      // The connection goes away regardless.
    }
  }
  ::close(fd_);
  fd_ = -1;
}

std::string EventStream::describe() const {
  std::string text =
      response_.describe() + "\n  events received: " + std::to_string(events_.size());
  for (const auto& event : events_) {
    text += "\n    [" + event.type + "] id=" + event.id + " " + event.data;
  }
  if (!protocol_error_.empty()) text += "\n  protocol error: " + protocol_error_;
  return text;
}

}  // namespace itest
