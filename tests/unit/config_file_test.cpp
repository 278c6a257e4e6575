// CONFIG_FILE: the settings file of Apache CGI installs (docs/cgi.md), read
// into the environment without overriding what is already set.
#include "crud/config_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "crud/config.h"

namespace crud {
namespace {

// Writes `text` to a fresh file named by CONFIG_FILE; removes both afterwards.
class ConfigFile : public testing::Test {
 protected:
  void write(const std::string& text) {
    char name[] = "/tmp/crud-config-XXXXXX";
    const int fd = mkstemp(name);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = name;
    std::ofstream(path_) << text;
    setenv("CONFIG_FILE", path_.c_str(), 1);
  }
  void TearDown() override {
    if (!path_.empty()) std::remove(path_.c_str());
    for (const char* name : {"CONFIG_FILE", "CRUD_TEST_A", "CRUD_TEST_B", "CRUD_TEST_SET"})
      unsetenv(name);
  }
  std::string path_;
};

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "(unset)";
}

TEST_F(ConfigFile, SetsEachLineSkippingCommentsAndBlankLines) {
  write("# settings\n\nCRUD_TEST_A=sqlite:///srv/a=b.db\r\nCRUD_TEST_B=\n");
  load_config_file();
  EXPECT_EQ(env("CRUD_TEST_A"), "sqlite:///srv/a=b.db") << "only the first '=' splits";
  EXPECT_EQ(env("CRUD_TEST_B"), "");
}

TEST_F(ConfigFile, TheEnvironmentWins) {
  setenv("CRUD_TEST_SET", "from the environment", 1);
  write("CRUD_TEST_SET=from the file\n");
  load_config_file();
  EXPECT_EQ(env("CRUD_TEST_SET"), "from the environment");
}

TEST_F(ConfigFile, NothingWithoutConfigFile) {
  unsetenv("CONFIG_FILE");
  EXPECT_NO_THROW(load_config_file());
}

TEST_F(ConfigFile, MalformedLinesAreRefusedWithTheirNumber) {
  const struct {
    const char* text;
    const char* reason;
  } cases[] = {
      {"CRUD_TEST_A=1\nno equals sign\n", "a line without '='"},
      {"CRUD_TEST_A=1\nlower=case\n", "a lower-case key"},
      {"CRUD_TEST_A=1\n=value\n", "an empty key"},
      {"CRUD_TEST_A=1\n1ST=value\n", "a key starting with a digit"},
  };
  for (const auto& c : cases) {
    write(c.text);
    try {
      load_config_file();
      ADD_FAILURE() << "accepted " << c.reason;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << c.reason;
    }
    std::remove(path_.c_str());
  }
}

TEST_F(ConfigFile, AnUnreadableFileStopsStartUp) {
  setenv("CONFIG_FILE", "/nonexistent/crud.env", 1);
  EXPECT_THROW(load_config_file(), ConfigError);
}

}  // namespace
}  // namespace crud
