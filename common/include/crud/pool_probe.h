// Readiness of the worker pools on this host: a pool whose workers all died
// (a crash loop multiwatch gave up on) leaves a socket nobody listens on.
#pragma once

#include <string>
#include <vector>

namespace crud {

// Names ("read_user.1") of the FastCGI sockets in `dir` that refuse
// connections; empty when dir is empty or every pool listens.
std::vector<std::string> unreachable_pools(const std::string& dir);

}  // namespace crud
