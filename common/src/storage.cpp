// open_storage: loads the store module DATABASE_URL calls for with dlopen, so
// a process maps libpq and the ~22 libraries it pulls in only when it talks
// to PostgreSQL, and libsqlite3 only on the embedded store: a CGI process
// starts in a fraction of the time (docs/performance.md).
#include "crud/storage.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>

#include "crud/database_url.h"
#include "crud/store_module.h"

namespace crud {

namespace {

using OpenStorage = decltype(&crud_open_storage);

// The folder of the running executable, symbolic links resolved.
std::string executable_dir() {
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw ConfigError("cannot find the running executable to load the store module");
  std::string exe(path, static_cast<std::size_t>(n));
  return exe.substr(0, exe.rfind('/'));
}

// The module beside the executable (installs: the stack's bin/, CGI's
// cgi-bin/) or in ../lib (the build tree, crudctl). Never unloaded: the
// storage it makes lives as long as the process.
OpenStorage load_store_module(const std::string& file) {
  const std::string dir = executable_dir();
  for (const std::string& candidate : {dir + "/" + file, dir + "/../lib/" + file}) {
    if (access(candidate.c_str(), F_OK) != 0) continue;
    // RTLD_LOCAL: the module's own copies of common code stay its own.
    void* module = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!module) throw ConfigError(std::string("cannot load the store module: ") + dlerror());
    void* open = dlsym(module, "crud_open_storage");
    if (!open) throw ConfigError(candidate + " is not a store module");
    return reinterpret_cast<OpenStorage>(open);
  }
  throw ConfigError("store module " + file + " not found in " + dir + " or " + dir + "/../lib");
}

}  // namespace

std::unique_ptr<Storage> open_storage(const Config& config, const Logger& log) {
  // The stamp names the headers this executable was built from
  // (common/CMakeLists.txt): only a module built from the same ones fits.
  const char* file = sqlite_path(config.database_url) ? "crud_store_sqlite." CRUD_STORE_STAMP ".so"
                                                      : "crud_store_postgres." CRUD_STORE_STAMP
                                                        ".so";
  return std::unique_ptr<Storage>(load_store_module(file)(config, log));
}

}  // namespace crud
