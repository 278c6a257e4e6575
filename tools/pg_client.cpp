// PostgreSQL client programs under DATABASE_URL's settings (see pg_client.h).
#include "pg_client.h"

#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

namespace crud {
namespace {

using Options = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

Options parse(const std::string& database_url) {
  char* error = nullptr;
  Options options(PQconninfoParse(database_url.c_str(), &error), PQconninfoFree);
  if (!options) {
    std::string why = error ? error : "out of memory";
    PQfreemem(error);
    throw std::runtime_error("DATABASE_URL does not parse: " + why);
  }
  return options;
}

}  // namespace

std::string database_name(const std::string& database_url) {
  const Options options = parse(database_url);
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
    if (std::strcmp(o->keyword, "dbname") == 0 && o->val) return o->val;
  }
  return {};
}

int run_pg_client(const std::string& database_url, const std::vector<std::string>& argv) {
  // Built before fork: the child only sets, execs or exits.
  std::vector<std::pair<std::string, std::string>> settings;
  const Options options = parse(database_url);
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
    if (o->envvar && o->val && *o->val) settings.emplace_back(o->envvar, o->val);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    for (const auto& [name, value] : settings) setenv(name.c_str(), value.c_str(), 1);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    throw std::runtime_error(argv[0] + " could not be started (is it installed and on PATH?)");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace crud
