#pragma once
// MPI as nanomix uses it: `main` initialises MPI (MpiSession); libraries ask for rank and size of
// MPI_COMM_WORLD and split work by frame so that results do not depend on the number of ranks.
#include <cstddef>
#include <string>
#include <vector>

namespace nanomix {

/// True when an MPI launcher started this process (mpirun / mpiexec / srun: their environment
/// variables OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_RANK or PMI_SIZE are set).
bool launched_by_mpi_launcher();

/// Under an MPI launcher: initialises MPI (thread level FUNNELED) if it is not yet. A plain start
/// leaves MPI alone (rank 0 of 1, no start-up cost). Finalises MPI on destruction if it is running.
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

/// Rank and size of MPI_COMM_WORLD; 0 and 1 when MPI is not initialised (library use, tests).
/// Initialises MPI now if nothing has (a plain start skips it). Call before opening files that
/// a later, lazy initialisation must not see: Open MPI's singleton start forks a helper process
/// that inherits every open descriptor — an HDF5 file's lock included, which then outlives the
/// file's close in this process until exit (the md stage of `nanomix run` locked its own
/// trajectory against the image stage that way).
void mpi_ensure_initialised();
int mpi_rank();
int mpi_size();
/// Frames this rank handles: i with i % size == rank (round robin), in increasing order.
std::vector<std::size_t> frames_of_rank(std::size_t frame_count, int rank, int size);
/// Barrier on MPI_COMM_WORLD (no-op without MPI).
void mpi_barrier();
/// Rank 0's `text` on every rank of MPI_COMM_WORLD (no-op without MPI).
void mpi_broadcast(std::string& text);

}  // namespace nanomix
