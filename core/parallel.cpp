#include "core/parallel.hpp"

#include <mpi.h>

namespace nanomix {

namespace {
bool mpi_running() {
  int initialised = 0, finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  return initialised && !finalised;
}
}  // namespace

MpiSession::MpiSession(int* argc, char*** argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    owner_ = true;
  }
}

MpiSession::~MpiSession() {
  if (owner_ && mpi_running()) MPI_Finalize();
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
