// Reading nginx's JSON access log (see access_log.h).
#include "support/access_log.h"

#include <fstream>
#include <stdexcept>

#include "support/json_checks.h"
#include "support/stack_env.h"

namespace itest {

std::map<std::string, std::string> upstreams_of(const std::set<std::string>& request_ids) {
  const std::string path = stack_env().stack_dir + "/log/nginx-access.log";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::map<std::string, std::string> found;
  std::string line;
  while (std::getline(in, line)) {
    const auto entry = parse_json(line);
    const std::string id = string_member(entry, "request_id");
    if (request_ids.count(id) != 0) found[id] = string_member(entry, "upstream");
  }
  return found;
}

std::string pool_address(const std::string& pool) {
  return "unix:" + stack_env().stack_dir + "/run/" + pool + ".sock";
}

}  // namespace itest
