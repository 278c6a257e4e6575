// Settings from a file, for hosts where the web server cannot set a process's
// environment privately (Apache CGI on shared hosting): CONFIG_FILE names a
// KEY=VALUE file kept outside the web root, so secrets stay out of .htaccess.
#pragma once

namespace crud {

// Copies each KEY=VALUE line of the file named by CONFIG_FILE (if set) into
// the environment, never over a variable that is already set; blank lines and
// lines starting with '#' are skipped. Throws ConfigError naming CONFIG_FILE
// when the file cannot be read or a line is not KEY=VALUE.
void load_config_file();

}  // namespace crud
