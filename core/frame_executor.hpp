#pragma once
// The one place where nanomix runs per-frame work in parallel (imaging, topology, compare):
// threads inside a rank, frames over the ranks of MPI_COMM_WORLD (frame i on rank i % size), the
// results gathered to rank 0, progress reported on rank 0, and the first error rethrown on every
// rank with its kind — so no rank waits for one that failed. No other code starts threads or sends
// MPI messages for frame work (DESIGN.md, "the executor").
//
// Results never depend on the number of threads or ranks: each frame's kernel sees only its frame
// index, and anything random is seeded per frame by the caller.
#include <cstddef>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace nanomix {

/// A frame's result as bytes, for the gather to rank 0 (see ByteWriter / ByteReader).
using Bytes = std::vector<unsigned char>;

struct FrameJob {
  std::size_t frames = 0;  ///< frames 0 … frames − 1
  int threads = 0;         ///< threads per rank (0 = all cores); never more than the rank's frames
  /// Called once by each thread: returns that thread's kernel, so a thread owns its workspace
  /// (FFT buffers, scratch images). The kernel computes frame `i` and stores the result where
  /// `pack` (and rank 0's caller) find it.
  std::function<std::function<void(std::size_t frame)>()> make_kernel;
  /// Only with more than one MPI rank: a frame's result as bytes on the rank that computed it, and
  /// the bytes turned back into the result on rank 0 (called in increasing frame order).
  std::function<Bytes(std::size_t frame)> pack;
  std::function<void(std::size_t frame, const Bytes& bytes)> unpack;
  /// Rank 0 only, never concurrently: frames done so far. Rank 0's own frames count `size` each
  /// (the ranks run at the same pace; rank 0 has the most frames, so its last one reports the
  /// total); the gather itself reports nothing.
  std::function<void(std::size_t done, std::size_t total)> progress;
};

/// Runs `job` on every rank (a collective call: every rank of MPI_COMM_WORLD must make it).
/// After the work every rank learns whether any rank failed; if one did, the error of the lowest
/// failing rank is rethrown on every rank with its kind (InputError stays InputError, anything
/// else becomes RuntimeError with its message) before any result is gathered.
void execute_frames(const FrameJob& job);

/// A plain parallel loop inside this process, for work that is not frames of a stage (compare's
/// distance matrices, which rank 0 alone computes): body(i) for i = 0 … count − 1 on `threads`
/// threads (0 = all cores; never more than `count`). Not collective: no MPI. The first error a
/// body throws is rethrown with its kind once every thread has stopped; no index starts after it.
/// `progress` (optional) is called after each index, never concurrently, with (done, count).
void parallel_for(std::size_t count, int threads, const std::function<void(std::size_t i)>& body,
                  const std::function<void(std::size_t done, std::size_t total)>& progress = {});

/// Threads to use: `requested`, or the number of cores for 0.
int resolve_threads(int requested);

/// Appends plain values and arrays to a Bytes buffer (the gather's wire format; both ends are the
/// same program on the same machine type, so no byte-order conversion).
class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}
  template <class T>
  void value(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    put(&v, sizeof(T));
  }
  template <class T>
  void array(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    value<unsigned long long>(v.size());
    put(v.data(), v.size() * sizeof(T));
  }
  void text(const std::string& s) { array(std::vector<char>(s.begin(), s.end())); }

 private:
  void put(const void* p, std::size_t n) {
    const std::size_t at = out_.size();
    out_.resize(at + n);
    if (n > 0) std::memcpy(out_.data() + at, p, n);
  }
  Bytes& out_;
};

/// Reads what a ByteWriter wrote, in the same order; reading past the end throws RuntimeError.
class ByteReader {
 public:
  explicit ByteReader(const Bytes& in) : in_(in) {}
  template <class T>
  T value() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    std::memcpy(&v, take(sizeof(T)), sizeof(T));
    return v;
  }
  template <class T>
  std::vector<T> array() {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto n = static_cast<std::size_t>(value<unsigned long long>());
    std::vector<T> v(n);
    if (n > 0) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
    return v;
  }
  std::string text() {
    const auto c = array<char>();
    return std::string(c.begin(), c.end());
  }
  bool done() const { return at_ == in_.size(); }

 private:
  const unsigned char* take(std::size_t n);
  const Bytes& in_;
  std::size_t at_ = 0;
};

}  // namespace nanomix
