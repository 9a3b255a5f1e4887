#include "core/config_schema.hpp"

namespace nanomix::schema {

std::vector<KeySpec> run_keys() {
  const std::string s = "run";
  return {
      string_key(s, "stages", "build md image detect topology compare report",
                 "stages of `nanomix run`, in order (a subset of: build md image detect topology compare report)"),
      string_key(s, "second_mechanism", "",
                 "without [compare] experimental: a second [md] mechanism (a value of [md] mechanism) to simulate "
                 "and compare with the first; empty = compare the first and the second half of the one simulation"),
      bool_key(s, "md_all_ranks", false,
               "under mpirun: false = the md stage runs LAMMPS on rank 0 alone (outputs identical to one process; "
               "the other stages use every rank); true = LAMMPS on every rank (faster for large systems, but a "
               "different, equally valid trajectory)"),
      bool_key(s, "tiff", true, "also write an ImageJ TIFF stack beside every simulated movie (movie.tif, movie_<mechanism>.tif)"),
      int_key(s, "filmstrip_frames", 6, 1, 50, "", "frames shown in the report's filmstrip"),
  };
}

}  // namespace nanomix::schema
