#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "topology/compare.hpp"
#include "topology/subsets.hpp"
#include "topology/topology_run.hpp"

// The [topology] and [compare] keys, declared once next to TopologyParams and CompareParams
// (docs/topology.md explains each).

namespace nanomix::topology {

// Keys of [topology]: persistence diagrams of atoms, columns and images, their statistics, local
// structures and lattice matching.
const ParamTable<TopologyParams>& TopologyParams::table() {
  static const ParamTable<TopologyParams> t = [] {
    using P = TopologyParams;
    ParamTable<P> t("topology");
    t.words("subsets", &P::subsets, "ions anions",
            ListRule{subset_names(), "name at least one subset (ions, anions, Na, Cl, I)",
                     [](const std::string& w) { return "unknown subset '" + w + "' (ions, anions, Na, Cl, I)"; }},
            "atom subsets to analyse, separated by spaces or commas (ions, anions, Na, Cl, I); columns and movies ignore it");
    t.choice("radii", &P::radii, "shannon",
             {{"shannon", std::string("shannon")}, {"none", std::string("none")}, {"custom", std::string("custom")}},
             "weights of the 3D alpha complex (w = r²): Shannon ionic radii, none (unweighted), or radius_Na/Cl/I");
    t.real("radius_Na", &P::radius_na_angstrom, 1.02, 0.0, 10.0, "Å", "radii = custom: Na⁺ radius");
    t.real("radius_Cl", &P::radius_cl_angstrom, 1.81, 0.0, 10.0, "Å", "radii = custom: Cl⁻ radius");
    t.real("radius_I", &P::radius_i_angstrom, 2.20, 0.0, 10.0, "Å", "radii = custom: I⁻ radius");
    t.boolean("include_carbon", &P::include_carbon, false, "the subset 'ions' also takes carbon atoms (unweighted radius 0)");
    t.choice("unit", &P::unit_angstrom, "angstrom2",
             {{"angstrom2", false}, {"angstrom", true}},
             "alpha values as GUDHI's squared radii (Å²) or as radii sign(α)·sqrt(|α|) (Å)");
    t.choice("projection", &P::projection, "none",
             {{"none", char{0}}, {"x", 'x'}, {"y", 'y'}, {"z", 'z'}},
             "trajectory/structure: none = 3D alpha complex; x|y|z = 2D alpha complex of the positions projected along that axis");
    t.integer("first_frame", &P::first_frame, 0, 0, 1e12, "", "first trajectory/movie/columns frame analysed");
    t.integer("last_frame", &P::last_frame, -1, -1, 1e12, "", "last frame analysed (-1 = the last one)");
    t.integer("frame_stride", &P::frame_stride, 1, 1, 1e9, "", "analyse every n-th frame");
    t.choice("image_filtration", &P::superlevel, "superlevel",
             {{"sublevel", false}, {"superlevel", true}},
             "movies: sublevel filtration of the intensity (dark features first) or of −intensity (bright columns first)");
    t.text("movie_group", &P::movie_group, "", "movies: the signal to read (EMD group under /data, Velox detector, DM image name, …; empty = the reader's default, see docs/detect.md)");
    t.boolean("column_classes", &P::column_classes, true, "columns: besides all columns, diagrams of the heavy (class 1) and light (class 0) columns when classes exist");
    t.choice("image_region", &P::image_region, "both",
             {{"both", std::string("both")}, {"whole", std::string("whole")}, {"tube_interior", std::string("tube_interior")}},
             "movies: cubical complex of the whole frame (group image), of the tube interior smoothed and binned (group interior), or both");
    t.real("image_smoothing_angstrom", [](P& p) -> double& { return p.image.smoothing_angstrom; }, 0.5, 0.0, 100.0, "Å", "movies, group interior: Gaussian smoothing (standard deviation) before binning");
    t.integer("image_binning", [](P& p) -> int& { return p.image.binning; }, 2, 1, 64, "", "movies, group interior: mean of binning x binning pixel blocks");
    t.real("image_min_persistence_sigma", [](P& p) -> double& { return p.image.min_persistence_sigma; }, 2.0, 0.0, 1e6, "",
           "movies, group interior: drop pairs with persistence below this many noise sigma of the band (0 = keep all)");
    t.real("tube_wall_margin_angstrom", [](P& p) -> double& { return p.image.wall_margin_angstrom; }, 1.5, 0.0, 100.0, "Å", "movies, group interior: the band stops this far inside each tube wall");
    // Statistics.
    t.integer("betti_samples", &P::betti_samples, 100, 2, 100000, "", "Betti curves: number of filtration values sampled");
    t.real("range_min", &P::range_min, 0.0, -1e9, 1e9, "filtration unit", "Betti curves, images, histograms: lower end (range_min = range_max: from the data)");
    t.real("range_max", &P::range_max, 0.0, -1e9, 1e9, "filtration unit", "upper end (equal to range_min: smallest birth to largest finite death of all frames)");
    t.integer("image_pixels", &P::image_pixels, 20, 1, 1000, "", "persistence images: pixels along birth and along persistence");
    t.real("image_sigma", &P::image_sigma, 0.0, 0.0, 1e9, "filtration unit", "persistence images: Gaussian width (0 = 2 pixels of the range / image_pixels)");
    t.real("image_weight_persistence", &P::image_weight_persistence, 0.0, 0.0, 1e9, "filtration unit",
           "persistence images: weight min(p / this, 1) (0 = the largest finite persistence of all frames)");
    t.integer("histogram_bins", &P::histogram_bins, 20, 1, 1000, "", "2D (birth, death) histograms: bins along each axis");
    t.integer("cycles", &P::cycles, 5, 0, 1000, "",
              "3D atoms: representative cycles (edges) of this many most persistent H1 points per frame of the local_subset's diagrams (0 = none)");
    // Local structures.
    t.text("local_subset", &P::local_subset, "anions", "local structures: subset whose diagram points are mapped back to atoms (empty = off)");
    t.integer("local_dimension", [](P& p) -> int& { return p.local_region.dimension; }, 1, 0, 2, "", "local structures: homology dimension (1 = rings, 2 = voids)");
    t.real("local_birth_min", [](P& p) -> double& { return p.local_region.birth_min; }, -1e9, -1e9, 1e9, "filtration unit", "local structures: region birth >= this");
    t.real("local_birth_max", [](P& p) -> double& { return p.local_region.birth_max; }, 1e9, -1e9, 1e9, "filtration unit", "region birth <= this");
    t.real("local_death_min", [](P& p) -> double& { return p.local_region.death_min; }, -1e9, -1e9, 1e9, "filtration unit", "region death >= this");
    t.real("local_death_max", [](P& p) -> double& { return p.local_region.death_max; }, 1e9, -1e9, 1e9, "filtration unit", "region death <= this");
    t.real("local_min_persistence", [](P& p) -> double& { return p.local_region.min_persistence; }, 1.0, 0.0, 1e9, "filtration unit", "region persistence >= this");
    // Lattice matching and parallelism.
    t.boolean("lattice", &P::lattice, true, "estimate lattice constants of crystalline domains against bulk NaCl (5.64 Å) and NaI (6.47 Å)");
    t.integer("threads", &P::threads, 0, 0, 4096, "", "threads per process (0 = all cores)");
    return t;
  }();
  return t;
}

void TopologyParams::validate() const {
  const std::string s = "topology";
  if (last_frame >= 0 && last_frame < first_frame) throw ParamError(s, "last_frame", "is before first_frame");
  if (range_max < range_min) throw ParamError(s, "range_max", "is below range_min");
  if (!local_subset.empty()) {
    const auto& known = subset_names();
    if (std::find(known.begin(), known.end(), local_subset) == known.end())
      throw ParamError(s, "local_subset", "unknown subset '" + local_subset + "' (ions, anions, Na, Cl, I; empty = off)");
  }
  if (local_region.birth_max < local_region.birth_min) throw ParamError(s, "local_birth_max", "is below local_birth_min");
  if (local_region.death_max < local_region.death_min) throw ParamError(s, "local_death_max", "is below local_death_min");
}

// Keys of [compare] that compare itself reads: simulated against experimental persistence diagrams
// (the section's `nanomix run` keys come first, app/run_params.cpp).
const ParamTable<CompareParams>& CompareParams::table() {
  static const ParamTable<CompareParams> t = [] {
    using P = CompareParams;
    ParamTable<P> t("compare");
    t.text("subset", &P::subset, "", "diagram group to compare (/diagrams/<subset>; empty = the first one both files have)");
    t.words("statistic", &P::statistics, "", ListRule{{}, "", {}, true},
            "diagram groups compared, each with its own tests, separated by spaces or commas: columns, heavy, light (detected "
           "columns, all / class 1 / class 0), interior, image (cubical, movies), ions, anions, Na, Cl, I (atoms); empty = subset");
    t.integers("dimensions", &P::dimensions, "0 1",
               ListRule{{"0", "1", "2"}, "name at least one homology dimension",
                        [](const std::string&) { return std::string("each dimension is 0, 1 or 2"); }},
               "homology dimensions entering the tests, separated by spaces or commas");
    t.real("wasserstein_p", &P::p, 2.0, 1.0, 100.0, "", "p of the Wasserstein distance used by the permutation test and the alignment");
    t.choice("wasserstein_method", &P::method, "exact",
             {{"exact", WassersteinMethod::exact}, {"hera", WassersteinMethod::hera}},
             "exact: nanomix's exact solvers (death-order DP for one-birth H0 diagrams, Hungarian on pruned components); hera: Hera's auction (the old, slower path)");
    t.real("relative_error", &P::relative_error, 1e-3, 1e-9, 1.0, "", "relative error of Hera's Wasserstein distances (wasserstein_method = hera, or components over 3000 points)");
    t.integer("permutations", &P::permutations, 999, 1, 1e7, "", "random relabellings of each test");
    t.integer("seed", &P::seed, 1, 0, 9.0e18, "", "seed of the permutation streams");
    t.integer("max_diagrams", &P::max_diagrams, 40, 4, 100000, "", "at most this many frames per file enter the tests and the alignment (evenly spaced; the cost grows as its square)");
    t.integer("image_pixels", &P::image_pixels, 20, 1, 1000, "", "persistence images of the kernel test: pixels along each axis");
    t.integer("threads", &P::threads, 0, 0, 4096, "", "threads for the distance matrices (0 = all cores)");
    t.finish([](P& p, const auto&) {
      if (p.statistics.empty()) p.statistics.push_back(p.subset);
    });
    return t;
  }();
  return t;
}

void CompareParams::validate() const {
  const std::string s = "compare";
  if (dimensions.empty()) throw ParamError(s, "dimensions", "name at least one homology dimension");
  for (int d : dimensions)
    if (d < 0 || d > 2) throw ParamError(s, "dimensions", "each dimension is 0, 1 or 2");
}

}  // namespace nanomix::topology
