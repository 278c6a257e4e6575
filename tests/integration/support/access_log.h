// nginx's access log of the test stack (one JSON object per line), read to
// see which upstream servers a request went to: "$upstream_addr" lists every
// pool nginx tried, comma-separated, so a failover shows up as two.
#pragma once

#include <map>
#include <set>
#include <string>

namespace itest {

// request_id -> upstream ("unix:/.../read_user.1.sock, unix:/.../read_user.2.sock")
// for the logged requests whose id is in `request_ids`.
std::map<std::string, std::string> upstreams_of(const std::set<std::string>& request_ids);

// The unix socket address nginx names pool "endpoint.N" by.
std::string pool_address(const std::string& pool);

}  // namespace itest
