// The frame executor on one rank: every frame computed once, on any number of threads; the first
// error rethrown with its kind and no new frame started after it; the gather's byte format.
// (Several ranks: tests/core/frame_executor_mpi.sh.)
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/frame_executor.hpp"

using namespace nanomix;

TEST_CASE("execute_frames: every frame once, results independent of the thread count") {
  for (int threads : {1, 2, 5, 64}) {
    std::vector<double> out(37, -1.0);
    std::vector<std::atomic<int>> calls(37);
    std::atomic<int> kernels{0};
    FrameJob job;
    job.frames = out.size();
    job.threads = threads;
    job.make_kernel = [&]() {
      ++kernels;
      return [&](std::size_t i) {
        ++calls[i];
        out[i] = std::sin(static_cast<double>(i));
      };
    };
    execute_frames(job);
    for (std::size_t i = 0; i < out.size(); ++i) {
      CHECK(calls[i] == 1);
      CHECK(out[i] == std::sin(static_cast<double>(i)));
    }
    CHECK(kernels == std::min(threads, 37));  // one kernel per thread, no more threads than frames
  }
}

TEST_CASE("execute_frames: progress reaches the total, one call at a time") {
  std::size_t last = 0, calls = 0;
  std::atomic<int> inside{0};
  bool overlapped = false;
  FrameJob job;
  job.frames = 20;
  job.threads = 4;
  job.make_kernel = [] { return [](std::size_t) { std::this_thread::yield(); }; };
  job.progress = [&](std::size_t done, std::size_t total) {
    if (++inside > 1) overlapped = true;
    CHECK(total == 20);
    CHECK(done >= 1);
    last = std::max(last, done);
    ++calls;
    --inside;
  };
  execute_frames(job);
  CHECK(calls == 20);
  CHECK(last == 20);
  CHECK_FALSE(overlapped);
}

TEST_CASE("execute_frames: the first error is rethrown with its kind; no frame starts after it") {
  for (int threads : {1, 3}) {
    std::atomic<int> started{0};
    FrameJob job;
    job.frames = 1000;
    job.threads = threads;
    job.make_kernel = [&]() {
      return [&](std::size_t i) {
        ++started;
        if (i == 4) throw InputError("frame 4: bad pixel size");
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      };
    };
    CHECK_THROWS_AS_MESSAGE(execute_frames(job), InputError, "frame 4: bad pixel size");
    CHECK(started < 4 + 2 * threads);  // the frames in flight when it failed, not the thousand
  }
  FrameJob job;
  job.frames = 3;
  job.make_kernel = [] { return [](std::size_t) { throw RuntimeError("disk full"); }; };
  CHECK_THROWS_AS(execute_frames(job), RuntimeError);
  job.make_kernel = []() -> std::function<void(std::size_t)> { throw InputError("no workspace"); };
  CHECK_THROWS_AS(execute_frames(job), InputError);
}

TEST_CASE("execute_frames: no frames, no kernel call") {
  FrameJob job;
  job.frames = 0;
  int calls = 0;
  job.make_kernel = [&] { return [&](std::size_t) { ++calls; }; };
  execute_frames(job);
  CHECK(calls == 0);
}

TEST_CASE("ByteWriter / ByteReader round trip; reading past the end fails") {
  Bytes b;
  ByteWriter w(b);
  w.value(3.5);
  w.value<int>(-7);
  w.array(std::vector<float>{1.f, 2.f, 3.f});
  w.text("Na–Cl");
  w.array(std::vector<long>{});
  ByteReader r(b);
  CHECK(r.value<double>() == 3.5);
  CHECK(r.value<int>() == -7);
  CHECK(r.array<float>() == std::vector<float>{1.f, 2.f, 3.f});
  CHECK(r.text() == "Na–Cl");
  CHECK(r.array<long>().empty());
  CHECK(r.done());
  CHECK_THROWS_AS(r.value<char>(), RuntimeError);
  Bytes cut(b.begin(), b.begin() + 14);  // the float array's length, then one float of three
  ByteReader rc(cut);
  rc.value<double>();
  rc.value<int>();
  CHECK_THROWS_AS(rc.array<float>(), RuntimeError);
}

TEST_CASE("parallel_for: every index once on any thread count; progress one call at a time to the total") {
  for (int threads : {1, 3, 64}) {
    std::vector<std::atomic<int>> calls(23);
    std::vector<double> out(23, -1.0);
    std::size_t last = 0, progress_calls = 0;
    std::atomic<int> inside{0};
    bool overlapped = false;
    parallel_for(
        out.size(), threads,
        [&](std::size_t i) {
          ++calls[i];
          out[i] = std::cos(static_cast<double>(i));
        },
        [&](std::size_t done, std::size_t total) {
          if (++inside > 1) overlapped = true;
          CHECK(total == 23);
          last = std::max(last, done);
          ++progress_calls;
          --inside;
        });
    for (std::size_t i = 0; i < out.size(); ++i) {
      CHECK(calls[i] == 1);
      CHECK(out[i] == std::cos(static_cast<double>(i)));
    }
    CHECK(progress_calls == 23);
    CHECK(last == 23);
    CHECK_FALSE(overlapped);
  }
  parallel_for(0, 4, [](std::size_t) { FAIL("no index to run"); });
}

TEST_CASE("parallel_for: the first error is rethrown with its kind; no index starts after it") {
  std::atomic<int> started{0};
  CHECK_THROWS_AS(parallel_for(1000, 1,
                               [&](std::size_t i) {
                                 ++started;
                                 if (i == 5) throw InputError("index 5 is bad");
                               }),
                  InputError);
  CHECK(started == 6);  // one thread: indices 0 … 5, then none
  CHECK_THROWS_WITH_AS(parallel_for(8, 4, [](std::size_t) { throw std::runtime_error("boom"); }), "boom", std::runtime_error);
}
