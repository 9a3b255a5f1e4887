#pragma once
// MPI as nanomix uses it: `main` initialises MPI (MpiSession); libraries ask for rank and size of
// MPI_COMM_WORLD and split work by frame so that results do not depend on the number of ranks.
#include <cstddef>
#include <string>
#include <vector>

namespace nanomix {

/// Initialises MPI (thread level FUNNELED) if it is not yet, and finalises it on destruction.
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

 private:
  bool owner_ = false;
};

/// Rank and size of MPI_COMM_WORLD; 0 and 1 when MPI is not initialised (library use, tests).
int mpi_rank();
int mpi_size();
/// Frames this rank handles: i with i % size == rank (round robin), in increasing order.
std::vector<std::size_t> frames_of_rank(std::size_t frame_count, int rank, int size);
/// Barrier on MPI_COMM_WORLD (no-op without MPI).
void mpi_barrier();
/// Rank 0's `text` on every rank of MPI_COMM_WORLD (no-op without MPI).
void mpi_broadcast(std::string& text);

}  // namespace nanomix
