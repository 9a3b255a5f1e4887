#pragma once
// The stages as typed library calls: what each one reads and writes, by name. The subcommands
// parse their options into one of these and call it; `nanomix run` builds a plan of them (no
// command lines in between). Each stage reads its parameters from `config` and writes its outputs
// atomically (nothing left behind on an error). Under MPI every rank calls the stage; the stage
// says which ranks work (see each cmd_<name>.cpp).
#include <string>
#include <utility>
#include <vector>

#include "core/config.hpp"

namespace nanomix::cli {

struct BuildStage {  ///< [structure] → extended XYZ
  std::string out;
};

struct MdStage {  ///< [structure] + [md] → H5MD trajectory
  std::string out;
  bool resume = false;    ///< continue from the last checkpoint of `out`
  bool one_rank = false;  ///< under MPI: LAMMPS on rank 0 alone
};

struct ImageStage {  ///< [imaging]: exactly one of structure / trajectory → EMD movie (+ exports)
  std::string structure, trajectory;
  std::string out, tiff, mrc, png_dir;  ///< exports empty = not written
};

struct DetectStage {  ///< [detect]: a movie in any format the readers take → columns file
  std::string movie, out;
  /// Another movie ("" = none): detect at the coarser of the two movies' pixel sizes, the movie
  /// resampled down when its pixel is finer ([detect] resample_to_angstrom, when not 0, wins).
  std::string common_with;
};

struct TopologyStage {  ///< [topology]: exactly one of the inputs → diagrams file
  std::string structure, trajectory, movie, columns;
  std::string out;
};

struct CompareStage {  ///< [compare]: diagrams files → comparison file
  std::vector<std::string> simulated;
  std::string experimental, out;
  /// `nanomix compare --null-pair A,B` (the run-level test); nanomix run sets none.
  std::vector<std::pair<std::string, std::string>> null_pairs;
};

void run_stage(const BuildStage& stage, const Config& config, bool quiet);
void run_stage(const MdStage& stage, const Config& config, bool quiet);
void run_stage(const ImageStage& stage, const Config& config, bool quiet);
void run_stage(const DetectStage& stage, const Config& config, bool quiet);
void run_stage(const TopologyStage& stage, const Config& config, bool quiet);
void run_stage(const CompareStage& stage, const Config& config, bool quiet);

}  // namespace nanomix::cli
