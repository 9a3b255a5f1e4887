#pragma once
// The seed's sequence (issue 12): per-frame structure of the NaCl–NaI cluster in the tube, from the
// positions and the species of that frame, and the stages of the experiment found in a series of
// frames. Used by validation/md and the report; independent of nanomix's MD observables except
// for the rock-salt environment criterion (md_observables.hpp).
//
// Conventions:
// * Radial = distance from the tube axis; axial = coordinate along it (taken as stored, no
//   unwrapping across a periodic axis).
// * Radial thirds: the anions sorted by radial distance, the third nearest the axis ("inner") and
//   the third farthest ("outer"); periphery enrichment = f_I(outer) − f_I(inner).
// * Axial split: anions split in two equal halves at their median axial coordinate;
//   split = |f_I(upper) − f_I(lower)| / (2 min(x, 1 − x)) with x the iodide fraction of all anions,
//   so 1 means all iodide on one side (as far as the composition allows), 0 no axial preference.
// * z-scores: the same statistic with the Cl/I labels shuffled among the anion positions
//   (`shuffles` permutations, seeded): z = (observed − mean) / sd of the shuffled values.
// * Crystallinity per species: fraction of that species' ions in a rock-salt environment.
// * Domains: connected sets of crystalline ions, joined along counter-ion bonds between ions of
//   the same phase (an anion's phase is its species, a Na⁺'s its majority anion). Composition =
//   iodide fraction of all anion neighbours of the domain's Na⁺ (0 for pure NaCl, 1 for pure NaI,
//   in between for a solid solution); lattice constant = 2 × the median Na–anion distance over
//   the same bonds. A domain is NaCl (NaI) when its composition is ≤ 0.2 (≥ 0.8), otherwise mixed.
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/frame.hpp"

namespace nanomix::sim {

struct TubeAxis {
  Eigen::Vector3d point_angstrom = Eigen::Vector3d::Zero();  ///< a point on the axis
  int axis = 2;                                              ///< 0 = x, 1 = y, 2 = z
};
/// The axis of the carbon tube in `frame` (centroid of the carbon across, direction of its longest
/// extent); without carbon, the ions' centroid and longest extent.
TubeAxis tube_axis_of(const Frame& frame);

struct SequenceParams {
  double radial_bin_angstrom = 1.5;
  int axial_bins = 8;
  int shuffles = 200;
  std::uint64_t seed = 1;
  int min_domain_sodium = 6;  ///< smaller crystalline clusters are not domains
};

enum class DomainKind { nacl, nai, mixed };
const char* domain_kind_name(DomainKind kind);

struct Domain {
  int sodium = 0, chloride = 0, iodide = 0;
  double composition = 0;                  ///< iodide fraction of the Na⁺'s anion neighbours
  double lattice_constant_angstrom = 0;
  DomainKind kind = DomainKind::mixed;
  double axial_centre_angstrom = 0, axial_min_angstrom = 0, axial_max_angstrom = 0;
  double mean_radial_angstrom = 0;
};

struct FrameSequence {
  double time_ps = 0;
  int sodium = 0, chloride = 0, iodide = 0;
  double inner_iodide_fraction = 0, outer_iodide_fraction = 0;
  double periphery_enrichment = 0, periphery_z = 0;  ///< outer − inner, and its shuffle z-score
  std::vector<double> radial_iodide_fraction;        ///< per radial bin from the axis (NaN: no anion)
  std::vector<double> axial_iodide_fraction;         ///< per axial bin over the anions' extent (NaN: empty)
  double axial_split = 0, axial_split_z = 0;
  double crystalline_sodium = 0, crystalline_chloride = 0, crystalline_iodide = 0;
  double crystallinity = 0;                          ///< all ions
  std::vector<Domain> domains;                       ///< largest first
};

/// Analyses one frame (carbon and other species are ignored except for tube_axis_of).
FrameSequence analyse_frame(const Frame& frame, const TubeAxis& axis, const SequenceParams& params = {});

/// Thresholds of the stages (defaults used by validation and the report).
struct StageCriteria {
  double amorphous_max_crystallinity = 0.2;  ///< amorphous start: crystallinity below this …
  double mixed_max_abs_z = 3.0;              ///< … and |periphery_z|, |axial_split_z| below this
  double periphery_min_enrichment = 0.2;     ///< I-enriched periphery: outer − inner ≥ this …
  double periphery_min_z = 3.0;              ///< … with z ≥ this
  double lattice_tolerance = 0.02;           ///< domain lattice within 2 % of bulk (core/materials.hpp)
  double nacl_crystallised_fraction = 0.5;   ///< NaCl crystallisation: bulk-like NaCl domains hold this share of Cl
  double min_axial_separation = 0.75;        ///< heterostructure: centre separation ≥ this × mean half-extent sum
};

/// Is the domain a bulk-like NaCl (or NaI) domain under the criteria?
bool bulk_like(const Domain& domain, DomainKind kind, const StageCriteria& criteria);
/// A NaI and a NaCl bulk-like domain side by side along the axis (not one inside the other)?
bool is_heterostructure(const FrameSequence& frame, const StageCriteria& criteria = {});

struct Stage {
  std::string name;
  bool found = false;
  int frame = -1;      ///< first frame where it holds
  double time_ps = 0;
};

/// The five stages of the experiment, in its order: amorphous_mixed_start (frame 0 only),
/// iodide_rich_periphery, first_nai_domain, nacl_crystallised, heterostructure.
std::vector<Stage> detect_stages(const std::vector<FrameSequence>& frames, const StageCriteria& criteria = {});
/// All five found, at non-decreasing times in the experiment's order.
bool in_experiment_order(const std::vector<Stage>& stages);

}  // namespace nanomix::sim
