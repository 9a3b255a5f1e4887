// LAMMPS (built without C++ exceptions) ends the process with MPI_Abort on errors found on one
// rank. This definition of MPI_Abort in the executable takes precedence over the MPI library's
// (the MPI standard's profiling interface: PMPI_Abort is the library's own), so that nanomix can
// first say, in one line, which stage failed and where LAMMPS' log is, and move partial outputs
// aside (sim::report_lammps_failure; a no-op when no LAMMPS session is running).
#include <mpi.h>

#include <cstdlib>

#include "sim/lammps_process.hpp"

extern "C" int MPI_Abort(MPI_Comm comm, int errorcode) {
  nanomix::sim::report_lammps_failure();
  // One process (no mpirun): end here, without Open MPI's multi-line abort banner.
  int size = 0;
  if (PMPI_Comm_size(MPI_COMM_WORLD, &size) == MPI_SUCCESS && size == 1) std::_Exit(errorcode);
  return PMPI_Abort(comm, errorcode);
}
