#include "core/parallel.hpp"

#include <mpi.h>

#include <cstdlib>

namespace nanomix {

namespace {
bool mpi_running() {
  int initialised = 0, finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  return initialised && !finalised;
}
}  // namespace

bool launched_by_mpi_launcher() {
  // Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; PMIx launchers (Open MPI 4/5, srun --mpi=pmix)
  // PMIX_RANK; MPICH/Hydra and srun --mpi=pmi2 PMI_RANK / PMI_SIZE.
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(v)) return true;
  }
  return false;
}

MpiSession::MpiSession(int* argc, char*** argv) {
  // A plain start (no launcher) skips MPI_Init: Open MPI's initialisation (and the helper process it
  // starts for a singleton) costs ~0.3 s, and one process needs no communicator. Code that needs
  // MPI anyway (LAMMPS' library) initialises it itself; the destructor finalises it then too.
  if (!launched_by_mpi_launcher()) return;
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  }
}

void mpi_ensure_initialised() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) return;
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
}

MpiSession::~MpiSession() {
  // Also when a library (LAMMPS) initialised MPI in a plain start: MPI must be finalised before exit.
  if (mpi_running()) MPI_Finalize();
}

int mpi_rank() {
  if (!mpi_running()) return 0;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int mpi_size() {
  if (!mpi_running()) return 1;
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

std::vector<std::size_t> frames_of_rank(std::size_t frame_count, int rank, int size) {
  std::vector<std::size_t> out;
  for (std::size_t i = static_cast<std::size_t>(rank); i < frame_count; i += static_cast<std::size_t>(size)) out.push_back(i);
  return out;
}

void mpi_barrier() {
  if (mpi_running()) MPI_Barrier(MPI_COMM_WORLD);
}

void mpi_broadcast(std::string& text) {
  if (!mpi_running()) return;
  unsigned long long size = text.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  text.resize(static_cast<std::size_t>(size));
  if (size > 0) MPI_Bcast(text.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD);
}

}  // namespace nanomix
