// A program for tests/core/frame_executor_mpi.sh: runs one frame job and prints what rank 0
// gathered, or the error each rank received. Usage: frame_executor_fixture gather|fail_input|fail_runtime FRAMES
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/frame_executor.hpp"
#include "core/parallel.hpp"

using namespace nanomix;

int main(int argc, char** argv) {
  MpiSession mpi(&argc, &argv);
  const std::string mode = argc > 1 ? argv[1] : "gather";
  const std::size_t frames = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 11;
  // Frame i's result: i + 1 values that depend on i only (a ragged result, like a diagram).
  std::vector<std::vector<double>> results(frames);
  FrameJob job;
  job.frames = frames;
  job.threads = 2;
  job.make_kernel = [&]() {
    return [&](std::size_t i) {
      if (mode == "fail_input" && i == 5) throw InputError("frame 5: input error from the kernel");
      if (mode == "fail_runtime" && i == frames - 1) throw RuntimeError("last frame: runtime error");
      for (std::size_t k = 0; k <= i; ++k) results[i].push_back(std::sqrt(static_cast<double>(i * 100 + k)));
    };
  };
  job.pack = [&](std::size_t i) {
    Bytes b;
    ByteWriter(b).array(results[i]);
    return b;
  };
  job.unpack = [&](std::size_t i, const Bytes& b) {
    ByteReader r(b);
    results[i] = r.array<double>();
  };
  try {
    execute_frames(job);
  } catch (const InputError& e) {
    std::printf("rank %d: InputError: %s\n", mpi_rank(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::printf("rank %d: RuntimeError: %s\n", mpi_rank(), e.what());
    return 1;
  }
  if (mpi_rank() != 0) return 0;
  for (std::size_t i = 0; i < frames; ++i) {
    std::printf("frame %zu:", i);
    for (double v : results[i]) std::printf(" %.17g", v);
    std::printf("\n");
  }
  return 0;
}
