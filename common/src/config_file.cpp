// Reads the CONFIG_FILE settings file into the environment (see config_file.h).
#include "crud/config_file.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "crud/config.h"

namespace crud {

// Upper-case letters, digits and '_', not starting with a digit.
static bool valid_key(const std::string& key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char ch : key)
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  return true;
}

void load_config_file() {
  const std::string path = env_or("CONFIG_FILE", "");
  if (path.empty()) return;
  std::ifstream in(path);
  if (!in) throw ConfigError("CONFIG_FILE " + path + " cannot be read");
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    const std::string key = line.substr(0, eq);
    if (eq == std::string::npos || !valid_key(key))
      throw ConfigError("CONFIG_FILE " + path + " line " + std::to_string(number) +
                        " is not KEY=VALUE");
    // The process's own environment wins, as with every other setting.
    setenv(key.c_str(), line.c_str() + eq + 1, 0);
  }
}

}  // namespace crud
