// The ceiling of scenario (f): how many crypto_pwhash_str hashes per second
// this machine computes on all cores at the given cost, with nothing else.
//   pwhash_rate SECONDS OPSLIMIT MEMLIMIT   prints the flat JSON bench/run keeps
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 4 || sodium_init() < 0) {
    std::fprintf(stderr, "usage: pwhash_rate SECONDS OPSLIMIT MEMLIMIT\n");
    return 64;
  }
  const double seconds = std::atof(argv[1]);
  const auto opslimit = std::strtoull(argv[2], nullptr, 10);
  const auto memlimit = static_cast<size_t>(std::strtoull(argv[3], nullptr, 10));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::atomic<long> hashes{0};
  std::vector<std::thread> threads;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const auto start = std::chrono::steady_clock::now();
  for (unsigned t = 0; t < cores; ++t) {
    threads.emplace_back([&] {
      char out[crypto_pwhash_STRBYTES];
      while (std::chrono::steady_clock::now() < deadline) {
        if (crypto_pwhash_str(out, "a long benchmark passphrase", 27, opslimit, memlimit) != 0) {
          std::fprintf(stderr, "pwhash_rate: out of memory\n");
          std::exit(1);
        }
        ++hashes;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\n  \"hashes_per_s\": %.2f,\n  \"threads\": %u,\n  \"errors\": 0\n}\n",
              static_cast<double>(hashes) / elapsed, cores);
  return 0;
}
