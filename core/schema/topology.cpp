#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [topology]: persistence diagrams of atoms, columns and images, their statistics, local
// structures and lattice matching (docs/topology.md explains each).
std::vector<KeySpec> topology_keys() {
  const std::string s = "topology";
  return {
      string_key(s, "subsets", "ions anions",
                 "atom subsets to analyse, separated by spaces or commas (ions, anions, Na, Cl, I); columns and movies ignore it"),
      choice_key(s, "radii", "shannon", {"shannon", "none", "custom"},
                 "weights of the 3D alpha complex (w = r²): Shannon ionic radii, none (unweighted), or radius_Na/Cl/I"),
      real_key(s, "radius_Na", 1.02, 0.0, 10.0, "Å", "radii = custom: Na⁺ radius"),
      real_key(s, "radius_Cl", 1.81, 0.0, 10.0, "Å", "radii = custom: Cl⁻ radius"),
      real_key(s, "radius_I", 2.20, 0.0, 10.0, "Å", "radii = custom: I⁻ radius"),
      bool_key(s, "include_carbon", false, "the subset 'ions' also takes carbon atoms (unweighted radius 0)"),
      choice_key(s, "unit", "angstrom2", {"angstrom2", "angstrom"},
                 "alpha values as GUDHI's squared radii (Å²) or as radii sign(α)·sqrt(|α|) (Å)"),
      choice_key(s, "projection", "none", {"none", "x", "y", "z"},
                 "trajectory/structure: none = 3D alpha complex; x|y|z = 2D alpha complex of the positions projected along that axis"),
      int_key(s, "first_frame", 0, 0, 1e12, "", "first trajectory/movie/columns frame analysed"),
      int_key(s, "last_frame", -1, -1, 1e12, "", "last frame analysed (-1 = the last one)"),
      int_key(s, "frame_stride", 1, 1, 1e9, "", "analyse every n-th frame"),
      choice_key(s, "image_filtration", "superlevel", {"sublevel", "superlevel"},
                 "movies: sublevel filtration of the intensity (dark features first) or of −intensity (bright columns first)"),
      string_key(s, "movie_group", "", "movies: the signal to read (EMD group under /data, Velox detector, DM image name, …; empty = the reader's default, see docs/detect.md)"),
      bool_key(s, "column_classes", true, "columns: besides all columns, diagrams of the heavy (class 1) and light (class 0) columns when classes exist"),
      choice_key(s, "image_region", "both", {"both", "whole", "tube_interior"},
                 "movies: cubical complex of the whole frame (group image), of the tube interior smoothed and binned (group interior), or both"),
      real_key(s, "image_smoothing_angstrom", 0.5, 0.0, 100.0, "Å", "movies, group interior: Gaussian smoothing (standard deviation) before binning"),
      int_key(s, "image_binning", 2, 1, 64, "", "movies, group interior: mean of binning x binning pixel blocks"),
      real_key(s, "image_min_persistence_sigma", 2.0, 0.0, 1e6, "",
               "movies, group interior: drop pairs with persistence below this many noise sigma of the band (0 = keep all)"),
      real_key(s, "tube_wall_margin_angstrom", 1.5, 0.0, 100.0, "Å", "movies, group interior: the band stops this far inside each tube wall"),
      // Statistics.
      int_key(s, "betti_samples", 100, 2, 100000, "", "Betti curves: number of filtration values sampled"),
      real_key(s, "range_min", 0.0, -1e9, 1e9, "filtration unit", "Betti curves, images, histograms: lower end (range_min = range_max: from the data)"),
      real_key(s, "range_max", 0.0, -1e9, 1e9, "filtration unit", "upper end (equal to range_min: smallest birth to largest finite death of all frames)"),
      int_key(s, "image_pixels", 20, 1, 1000, "", "persistence images: pixels along birth and along persistence"),
      real_key(s, "image_sigma", 0.0, 0.0, 1e9, "filtration unit", "persistence images: Gaussian width (0 = 2 pixels of the range / image_pixels)"),
      real_key(s, "image_weight_persistence", 0.0, 0.0, 1e9, "filtration unit",
               "persistence images: weight min(p / this, 1) (0 = the largest finite persistence of all frames)"),
      int_key(s, "histogram_bins", 20, 1, 1000, "", "2D (birth, death) histograms: bins along each axis"),
      // Local structures.
      string_key(s, "local_subset", "anions", "local structures: subset whose diagram points are mapped back to atoms (empty = off)"),
      int_key(s, "local_dimension", 1, 0, 2, "", "local structures: homology dimension (1 = rings, 2 = voids)"),
      real_key(s, "local_birth_min", -1e9, -1e9, 1e9, "filtration unit", "local structures: region birth >= this"),
      real_key(s, "local_birth_max", 1e9, -1e9, 1e9, "filtration unit", "region birth <= this"),
      real_key(s, "local_death_min", -1e9, -1e9, 1e9, "filtration unit", "region death >= this"),
      real_key(s, "local_death_max", 1e9, -1e9, 1e9, "filtration unit", "region death <= this"),
      real_key(s, "local_min_persistence", 1.0, 0.0, 1e9, "filtration unit", "region persistence >= this"),
      // Lattice matching and parallelism.
      bool_key(s, "lattice", true, "estimate lattice constants of crystalline domains against bulk NaCl (5.64 Å) and NaI (6.47 Å)"),
      int_key(s, "threads", 0, 0, 4096, "", "threads per process (0 = all cores)"),
  };
}

}  // namespace nanomix::schema
