// Subscribers of the SPEC's live events (GET /api/events) as browsers and
// other clients are: a Server-Sent Events stream or a WebSocket, each on its
// own socket to the stack's nginx, spoken by hand (HTTP/1.1, RFC 6455) so the
// tests see exactly what arrives. Reading happens only inside wait_for(), on
// the calling thread: what arrives meanwhile waits in the socket buffer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.h"

namespace itest {

// One message as a subscriber received it.
struct StreamEvent {
  std::string type;  // SSE `event:` field ("" when absent, and for WebSocket)
  std::string id;    // SSE `id:` field ("" when absent, and for WebSocket)
  std::string data;  // the message itself: the event's JSON
};

// The event's user_id, read from its JSON (nullopt when absent).
std::optional<std::int64_t> event_user_id(const StreamEvent& event);
// A filter for wait_for(): the events about user `id`.
std::function<bool(const StreamEvent&)> about_user(std::int64_t id);
// A filter for wait_for(): the renames (user.updated) of user `id`. A new
// stream starts with the events of the second before it opened
// (docs/events.md), which may include the user's creation.
std::function<bool(const StreamEvent&)> renames_of(std::int64_t id);

class EventStream {
 public:
  enum class Kind { sse, websocket };

  // Connects to the stack's BASE_URL and asks GET /api/events as `kind`
  // with `headers` sent as given (no admin credentials are added: bring
  // bearer() or session_cookie(), or none). Returns once the response head
  // is in and, for an accepted SSE stream, the first bytes of the body
  // (nchan's opening comment); for a refused subscriber, once its body is in.
  // Throws std::runtime_error when that takes longer than `timeout`. The
  // stream starts with the events of the second before it opened
  // (docs/events.md), then carries every later one in order.
  EventStream(Kind kind, const HeaderList& headers,
              std::chrono::milliseconds timeout = std::chrono::seconds(5));
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;
  ~EventStream();

  // Status and headers; the body of a refused subscriber (e.g. the JSON 401),
  // or what an SSE stream sent before wait_for() last returned.
  const Response& response() const { return response_; }
  // 200 for SSE, 101 (with the right Sec-WebSocket-Accept) for WebSocket.
  bool accepted() const { return accepted_; }

  // Reads until `count` events that `keep` accepts have arrived since the
  // stream opened, or `timeout` passes, or the server closes the stream;
  // returns the kept events in arrival order (fewer than `count` unless it
  // succeeded).
  std::vector<StreamEvent> wait_for(size_t count,
                                    const std::function<bool(const StreamEvent&)>& keep,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Every event received so far, in arrival order.
  const std::vector<StreamEvent>& events() const { return events_; }
  // A WebSocket frame from the server that broke RFC 6455 (masked, reserved
  // bits, unknown opcode), described; "" when none did.
  const std::string& protocol_error() const { return protocol_error_; }
  // Closes the connection now: a subscriber that goes away.
  void close();
  // The response head and the events so far, for failure messages.
  std::string describe() const;

 private:
  // The constructor's work after connecting: request, response head, start of body.
  void open(const HeaderList& headers, const std::string& host, const std::string& port,
            std::chrono::steady_clock::time_point deadline);
  // Reads what the socket has within `deadline`; false when nothing more can come.
  bool read_some(std::chrono::steady_clock::time_point deadline);
  bool read_head(std::chrono::steady_clock::time_point deadline);
  // Turns the bytes received so far into events.
  void parse();
  void parse_sse(const std::string& text);
  void parse_websocket();

  Kind kind_;
  int fd_ = -1;
  bool ended_ = false;     // the server closed the connection
  bool accepted_ = false;  // see accepted()
  Response response_;
  std::string buffer_;      // received bytes not yet parsed
  bool chunked_ = false;    // the body comes in HTTP/1.1 chunks
  std::string sse_line_;    // SSE text up to the next line end
  StreamEvent sse_event_;   // the SSE event being assembled
  std::string ws_message_;  // WebSocket fragments of the message being assembled
  std::vector<StreamEvent> events_;
  std::string protocol_error_;
};

}  // namespace itest
