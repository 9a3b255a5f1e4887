#include "app/run_params.hpp"

namespace nanomix::cli {

const ParamTable<RunParams>& RunParams::table() {
  static const ParamTable<RunParams> t = [] {
    using P = RunParams;
    ParamTable<P> t("run");
    t.text("stages", &P::stages, "build md image detect topology compare report",
           "stages of `nanomix run`, in order (a subset of: build md image detect topology compare report)");
    t.text("second_mechanism", &P::second_mechanism, "",
           "without [compare] experimental: a second [md] mechanism (a value of [md] mechanism) to simulate "
           "and compare with the first; empty = compare the first and the second half of the one simulation");
    t.boolean("md_all_ranks", &P::md_all_ranks, false,
              "under mpirun: false = the md stage runs LAMMPS on rank 0 alone (outputs identical to one process; "
              "the other stages use every rank); true = LAMMPS on every rank (faster for large systems, but a "
              "different, equally valid trajectory)");
    t.boolean("tiff", &P::tiff, true, "also write an ImageJ TIFF stack beside every simulated movie (movie.tif, movie_<mechanism>.tif)");
    t.integer("filmstrip_frames", &P::filmstrip_frames, 6, 1, 50, "", "frames shown in the report's filmstrip");
    return t;
  }();
  return t;
}

const ParamTable<RunCompareInputs>& RunCompareInputs::table() {
  static const ParamTable<RunCompareInputs> t = [] {
    using P = RunCompareInputs;
    ParamTable<P> t("compare");
    t.path("experimental", &P::experimental, "", "nanomix run: the experimental movie (empty = compare two simulated mechanisms)");
    t.real("max_scale_ratio", &P::max_scale_ratio, 4.0, 1.0, 1000.0, "",
           "nanomix run: the experimental and simulated ([imaging]) pixel sizes may differ by at most this factor");
    return t;
  }();
  return t;
}

}  // namespace nanomix::cli
