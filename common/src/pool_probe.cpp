// unreachable_pools: a non-blocking connect to each pool socket. A listening
// pool accepts (or its backlog is full: busy, not dead); a dead one refuses.
#include "crud/pool_probe.h"

#include <dirent.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace crud {

static bool refuses(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return false;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  bool refused = rc != 0 && (errno == ECONNREFUSED || errno == ENOENT);
  close(fd);
  return refused;
}

std::vector<std::string> unreachable_pools(const std::string& dir) {
  std::vector<std::string> down;
  if (dir.empty()) return down;
  std::unique_ptr<DIR, int (*)(DIR*)> listing(opendir(dir.c_str()), closedir);
  if (!listing) return down;
  constexpr std::string_view suffix = ".sock";
  while (dirent* entry = readdir(listing.get())) {
    std::string name = entry->d_name;
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix ||
        name == "redis.sock")
      continue;
    if (refuses(dir + "/" + name)) down.push_back(name.substr(0, name.size() - suffix.size()));
  }
  std::sort(down.begin(), down.end());
  return down;
}

}  // namespace crud
