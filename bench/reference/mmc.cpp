// C++ reference for `relsim bench`: the same hold and M/M/c models as bench/hold.ts and
// bench/mmc.ts, on std::priority_queue ordered by (time, seq), with xoshiro256+ and
// -log(1-u) exponentials. Compiled with g++ -O2 at bench time; prints one JSON line.
//
//   mmc hold <pending> <events> <warmupEvents> <seed>
//   mmc mmc  <c> <lambda> <mu> <customers> <warmupCustomers> <seed>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <vector>

namespace {

struct Rng {  // xoshiro256+, seeded through splitmix64
  uint64_t s[4];
  explicit Rng(uint64_t seed) {
    for (auto &x : s) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      x = z ^ (z >> 31);
    }
  }
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  double uniform() {
    const uint64_t r = s[0] + s[3], t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return (r >> 11) * 0x1.0p-53;
  }
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }
};

struct Event {
  double t;
  uint64_t seq;
  int kind;
};
struct Later {
  bool operator()(const Event &a, const Event &b) const {
    return a.t > b.t || (a.t == b.t && a.seq > b.seq);
  }
};
using Heap = std::priority_queue<Event, std::vector<Event>, Later>;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int hold(long pending, double events, double warmup, uint64_t seed) {
  Rng rng(seed);
  std::vector<Event> store;
  store.reserve(pending + 1);
  Heap heap(Later(), std::move(store));
  uint64_t seq = 0;
  double now = 0;
  for (long i = 0; i < pending; i++) heap.push({rng.exponential(1), seq++, 0});
  auto run = [&](double until) {
    long n = 0;
    while (!heap.empty() && heap.top().t <= until) {
      now = heap.top().t;
      heap.pop();
      heap.push({now + rng.exponential(1), seq++, 0});
      n++;
    }
    return n;
  };
  run(warmup / pending);
  const std::clock_t c0 = std::clock();
  const auto t0 = std::chrono::steady_clock::now();
  const long n = run(now + events / pending);
  const double wall = seconds_since(t0);
  const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
  std::printf("{\"pending\":%ld,\"events\":%ld,\"wallMs\":%.3f,\"cpuMs\":%.3f}\n", pending, n, wall * 1e3, cpu * 1e3);
  return 0;
}

int mmc(int c, double lambda, double mu, double customers, double warmup, uint64_t seed) {
  enum { ARRIVE, DEPART };
  Rng rng(seed);
  Heap heap;
  uint64_t seq = 0;
  double now = 0;
  int busy = 0;
  std::vector<double> queue(1024);  // ring buffer of arrival times
  size_t head = 0, length = 0;
  long arrivals = 0, started = 0, events = 0;
  double wait_sum = 0;
  heap.push({rng.exponential(1 / lambda), seq++, ARRIVE});
  auto run = [&](double until) {
    while (!heap.empty() && heap.top().t <= until) {
      const Event e = heap.top();
      heap.pop();
      now = e.t;
      events++;
      if (e.kind == ARRIVE) {
        arrivals++;
        heap.push({now + rng.exponential(1 / lambda), seq++, ARRIVE});
        if (busy < c) {
          busy++;
          started++;
          heap.push({now + rng.exponential(1 / mu), seq++, DEPART});
        } else {
          if (length == queue.size()) {
            std::vector<double> next(queue.size() * 2);
            for (size_t i = 0; i < length; i++) next[i] = queue[(head + i) & (queue.size() - 1)];
            queue.swap(next);
            head = 0;
          }
          queue[(head + length) & (queue.size() - 1)] = now;
          length++;
        }
      } else if (length == 0) {
        busy--;
      } else {
        wait_sum += now - queue[head];
        head = (head + 1) & (queue.size() - 1);
        length--;
        started++;
        heap.push({now + rng.exponential(1 / mu), seq++, DEPART});
      }
    }
  };
  run(warmup / lambda);
  arrivals = started = events = 0;
  wait_sum = 0;
  const std::clock_t c0 = std::clock();
  const auto t0 = std::chrono::steady_clock::now();
  run(now + customers / lambda);
  const double wall = seconds_since(t0);
  const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
  std::printf("{\"customers\":%ld,\"events\":%ld,\"wallMs\":%.3f,\"cpuMs\":%.3f,\"meanWait\":%.9g}\n", arrivals,
              events, wall * 1e3, cpu * 1e3, wait_sum / started);
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc == 6 && std::strcmp(argv[1], "hold") == 0)
    return hold(std::atol(argv[2]), std::atof(argv[3]), std::atof(argv[4]), std::strtoull(argv[5], nullptr, 10));
  if (argc == 8 && std::strcmp(argv[1], "mmc") == 0)
    return mmc(std::atoi(argv[2]), std::atof(argv[3]), std::atof(argv[4]), std::atof(argv[5]), std::atof(argv[6]),
               std::strtoull(argv[7], nullptr, 10));
  std::fprintf(stderr, "usage: mmc hold <pending> <events> <warmup> <seed> | mmc mmc <c> <lambda> <mu> <customers> <warmup> <seed>\n");
  return 2;
}
