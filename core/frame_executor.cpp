#include "core/frame_executor.hpp"

#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace nanomix {

namespace {

/// This rank's frames on `workers` threads; returns the first error a kernel threw (or null).
/// After an error no thread starts another frame. `report`: call job.progress.
std::exception_ptr run_local(const FrameJob& job, const std::vector<std::size_t>& mine, int size, bool report) {
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::mutex lock;  // guards `failure` and serialises progress calls
  std::exception_ptr failure;
  auto work = [&]() {
    try {
      const auto kernel = job.make_kernel();
      for (std::size_t k; !failed && (k = next++) < mine.size();) {
        kernel(mine[k]);
        const std::size_t d = ++done;
        if (report) {
          std::lock_guard<std::mutex> l(lock);
          job.progress(std::min(d * static_cast<std::size_t>(size), job.frames), job.frames);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> l(lock);
      if (!failure) failure = std::current_exception();
      failed = true;
    }
  };
  const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(resolve_threads(job.threads)),
                                                            std::max<std::size_t>(1, mine.size())));
  std::vector<std::thread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return failure;
}

/// Every rank learns whether a rank failed; the lowest failing rank's error is thrown on all of
/// them (the failing rank rethrows its own exception, the others one of the same kind).
void agree_on_failure(std::exception_ptr failure, int rank, int size) {
  int mine = failure ? rank : size, first = size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first == size) return;
  int kind = 0;  // 1 = InputError, 2 = anything else
  std::string message;
  if (rank == first) {
    try {
      std::rethrow_exception(failure);
    } catch (const InputError& e) {
      kind = 1;
      message = e.what();
    } catch (const std::exception& e) {
      kind = 2;
      message = e.what();
    } catch (...) {
      kind = 2;
      message = "unknown error";
    }
  }
  unsigned long long length = message.size();
  MPI_Bcast(&kind, 1, MPI_INT, first, MPI_COMM_WORLD);
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, first, MPI_COMM_WORLD);
  message.resize(static_cast<std::size_t>(length));
  if (length > 0) MPI_Bcast(message.data(), static_cast<int>(length), MPI_CHAR, first, MPI_COMM_WORLD);
  if (rank == first) std::rethrow_exception(failure);
  if (kind == 1) throw InputError(message);
  throw RuntimeError(message);
}

/// This rank's results as messages (ranks other than 0), made before the ranks agree on failure so
/// that a failing `pack` is an error like any other and no rank is left waiting for a message.
std::vector<Bytes> pack_mine(const FrameJob& job, const std::vector<std::size_t>& mine, int rank, std::exception_ptr& failure) {
  std::vector<Bytes> out;
  if (rank == 0 || failure) return out;
  try {
    for (std::size_t m : mine) {
      out.push_back(job.pack(m));
      if (out.back().size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw RuntimeError("frame " + std::to_string(m) + ": its result (" + std::to_string(out.back().size()) +
                           " bytes) is too large for one MPI message");
    }
  } catch (...) {
    failure = std::current_exception();
  }
  return out;
}

/// Frames of ranks 1 … size − 1 to rank 0, in increasing frame order (messages between two ranks
/// arrive in the order sent, so one tag serves every frame).
void gather_to_root(const FrameJob& job, std::vector<Bytes>& packed, int rank, int size) {
  std::size_t sent = 0;
  constexpr int tag = 7101;
  for (std::size_t m = 0; m < job.frames; ++m) {
    const int owner = static_cast<int>(m % static_cast<std::size_t>(size));
    if (owner == 0) continue;
    if (rank == 0) {
      MPI_Status status;
      MPI_Probe(owner, tag, MPI_COMM_WORLD, &status);
      int count = 0;
      MPI_Get_count(&status, MPI_BYTE, &count);
      Bytes bytes(static_cast<std::size_t>(count));
      MPI_Recv(bytes.data(), count, MPI_BYTE, owner, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      job.unpack(m, bytes);
    } else if (rank == owner) {
      Bytes bytes = std::move(packed[sent++]);
      MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, tag, MPI_COMM_WORLD);
    }
  }
}

}  // namespace

int resolve_threads(int requested) {
  return requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void execute_frames(const FrameJob& job) {
  const int size = mpi_size();  // 1 when MPI is not running
  const bool mpi = size > 1;
  const int rank = mpi_rank();
  const auto mine = frames_of_rank(job.frames, rank, size);
  std::exception_ptr failure = run_local(job, mine, size, job.progress && mpi_rank() == 0);
  if (!mpi) {
    if (failure) std::rethrow_exception(failure);
    return;
  }
  auto packed = pack_mine(job, mine, rank, failure);
  agree_on_failure(failure, rank, size);
  gather_to_root(job, packed, rank, size);
}

void parallel_for(std::size_t count, int threads, const std::function<void(std::size_t)>& body,
                  const std::function<void(std::size_t, std::size_t)>& progress) {
  FrameJob job;
  job.frames = count;
  job.threads = threads;
  job.make_kernel = [&body] { return body; };
  job.progress = progress;
  std::vector<std::size_t> all(count);
  for (std::size_t i = 0; i < count; ++i) all[i] = i;
  if (auto failure = run_local(job, all, 1, static_cast<bool>(progress))) std::rethrow_exception(failure);
}

const unsigned char* ByteReader::take(std::size_t n) {
  if (n > in_.size() - at_) throw RuntimeError("frame gather: a message ended early (" + std::to_string(in_.size()) + " bytes)");
  const unsigned char* p = in_.data() + at_;
  at_ += n;
  return p;
}

}  // namespace nanomix
