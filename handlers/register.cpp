// POST /api/register (and its alias POST /api/users): create a user.
#include "crud/json.h"
#include "crud/serve.h"

using namespace crud;

static Response register_user(const Request& req, Context& ctx) {
  require_json_body(req);
  JsonBody body(req.body, {"username", "password"});
  std::string username = body.string("username");
  std::string password = body.string("password");

  auto problems = username_problems(username);
  auto password_issues = password_problems(password, username);
  problems.insert(problems.end(), password_issues.begin(), password_issues.end());
  if (!problems.empty()) throw ApiError(ErrorCode::validation_failed, problems);

  // Hash before touching the database: no transaction or lock waits on argon2.
  std::string hash = ctx.passwords.hash(password);
  User user = ctx.users.create(username, hash);
  ctx.metrics.count(Counter::registrations);
  ctx.events.publish(UserChange::created, user);

  JsonWriter w;
  w.begin_object()
      .field("message", "User registered successfully")
      .field("user_id", user.id)
      .end_object();
  return json_response(201, w.str())
      .with_header("Location", "/api/users/" + std::to_string(user.id));
}

int main() { return serve({"register", {"POST"}, register_user, CpuPriority::low}); }
