// The seed's sequence from an amorphous start (issue 12 item 5): the stages found by
// sim/sequence.hpp, frame by frame, in a hybrid MD / Cl↔I-swap run driven here in-process through
// the same public pieces as `nanomix md` (lammps_setup_commands, swap_anions at the MD temperature,
// swap_species_commands), so that every frame's species are known without replaying the swaps.
// Results: validation/md/RESULTS.md.
//
// System: configs/demo_long.ini's (150 ion pairs, half I⁻, (20,20) tube 60 Å). Melt 10 ps at
// 1050 K, quench 5 ps to T, then frames of 2 ps at T (4 fs steps) with swaps at T in 4 batches per
// frame (detailed balance at the MD temperature). Environment: NANOMIX_SEQ_KELVIN (default 470),
// NANOMIX_SEQ_FRAMES (default 30; NANOMIX_VALIDATION_FULL=1: 100), NANOMIX_SEQ_SWEEPS (per frame,
// default 20).
// Check: frame 0 (the melt-quenched glass) is detected as the amorphous mixed start; the other
// stages are measured and printed, not asserted (the model need not reach them).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/config_schema.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "sim/forcefield.hpp"
#include "sim/lammps_session.hpp"
#include "sim/md_params.hpp"
#include "sim/md_run.hpp"
#include "sim/rocksalt.hpp"
#include "sim/sequence.hpp"
#include "sim/structure.hpp"
#include "sim/swap_mc.hpp"

using namespace nanomix;
using namespace nanomix::sim;

namespace {
const std::string src = NANOMIX_SOURCE_DIR;
double env(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v ? std::atof(v) : fallback;
}
std::string fmt(double v, int precision = 2) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(precision) << v;
  return o.str();
}
const Domain* largest(const FrameSequence& q, DomainKind kind) {
  for (const Domain& d : q.domains) {
    if (d.kind == kind) return &d;  // domains are sorted largest first
  }
  return nullptr;
}
std::string domain_text(const Domain* d) { return d ? std::to_string(d->sodium) + " Na, a " + fmt(d->lattice_constant_angstrom) : "–"; }
}  // namespace

TEST_CASE("the seed's stages in a melt-quenched cluster under MD + swaps at the MD temperature") {
  const bool full = std::getenv("NANOMIX_VALIDATION_FULL") && std::string(std::getenv("NANOMIX_VALIDATION_FULL")) == "1";
  const double kelvin = env("NANOMIX_SEQ_KELVIN", 470);
  const int frames = static_cast<int>(env("NANOMIX_SEQ_FRAMES", full ? 100 : 30));
  const double sweeps = env("NANOMIX_SEQ_SWEEPS", 20);
  const Config cfg = parse_config(
      "[structure]\ntube_n = 20\ntube_m = 20\ntube_length_angstrom = 60\nion_pairs = 150\niodide_fraction = 0.5\n"
      "arrangement = random_mixed\nseed = 3\n",
      "seed_sequence");
  const Structure s = build_structure(StructureParams::table().read(cfg));
  const ForceField ff = ForceField::load(src + "/potentials/tosi_fumi_bmh.txt", src + "/potentials/carbon_ion_lj.txt");
  MdParams p;
  p.timestep_fs = 4;
  const int steps_per_frame = 500, batches = 4;  // 2 ps frames
  const std::string data = "/tmp/nanomix_seq_" + std::to_string(::getpid()) + ".data";
  { std::ofstream(data) << lammps_data_file(s.frame, ff); }
  LammpsSession lmp({"-log", "none", "-screen", "none"});
  lmp.command(lammps_setup_commands(p, ff, data, s.frame.size() - s.carbon_count));
  std::remove(data.c_str());
  const std::string t = fmt(kelvin, 1);
  lmp.command("velocity ions create 1050 31 mom yes rot no dist gaussian\nfix th ions nvt temp 1050 1050 0.1\nrun 2500\nunfix th");
  lmp.command("fix th ions nvt temp 1050 " + t + " 0.1\nrun 1250\nunfix th\nfix th ions nvt temp " + t + " " + t + " 0.1");

  Frame frame = s.frame;
  auto gather = [&](int f) {
    const std::vector<double> x = lmp.gather3("x");
    for (std::size_t i = 0; i < frame.size(); ++i)
      for (int k = 0; k < 3; ++k) frame.positions_angstrom(static_cast<Eigen::Index>(i), k) = x[3 * i + static_cast<std::size_t>(k)];
    frame.time_ps = 2.0 * f;
  };
  const TubeAxis axis{s.axis_point_angstrom, s.axis};
  std::vector<FrameSequence> seq;
  std::cout << "\n| t (ps) | I outer/inner (z) | axial split (z) | crystalline Na/Cl/I | largest NaI domain | largest NaCl domain | hetero |\n"
               "|---|---|---|---|---|---|---|\n";
  auto report = [&](const FrameSequence& q) {
    std::cout << "| " << fmt(q.time_ps, 0) << " | " << fmt(q.outer_iodide_fraction) << "/" << fmt(q.inner_iodide_fraction) << " ("
              << fmt(q.periphery_z, 1) << ") | " << fmt(q.axial_split) << " (" << fmt(q.axial_split_z, 1) << ") | "
              << fmt(q.crystalline_sodium) << "/" << fmt(q.crystalline_chloride) << "/" << fmt(q.crystalline_iodide) << " | "
              << domain_text(largest(q, DomainKind::nai)) << " | " << domain_text(largest(q, DomainKind::nacl)) << " | "
              << (is_heterostructure(q) ? "yes" : "no") << " |" << std::endl;
  };
  gather(0);
  seq.push_back(analyse_frame(frame, axis));
  report(seq.back());
  std::int64_t attempts = 0, accepted = 0;
  for (int f = 1; f < frames; ++f) {
    for (int b = 0; b < batches; ++b) {
      Frame state = frame;
      Rng rng(1, RandomPurpose::md_swaps, static_cast<std::uint64_t>(f), static_cast<std::uint64_t>(b));
      const std::size_t anions = state.count(chlorine) + state.count(iodine);
      const SwapStats st = swap_anions(state, ff, p.born_cutoff_angstrom, p.lj_cutoff_angstrom, kelvin,
                                       std::llround(sweeps / batches * static_cast<double>(anions)), rng);
      attempts += st.attempts;
      accepted += st.accepted;
      std::vector<int> to_cl, to_i;
      for (std::size_t i = 0; i < state.size(); ++i) {
        if (state.atomic_numbers[i] != frame.atomic_numbers[i]) (state.atomic_numbers[i] == chlorine ? to_cl : to_i).push_back(static_cast<int>(i) + 1);
      }
      frame.atomic_numbers = state.atomic_numbers;
      if (!to_cl.empty() || !to_i.empty()) lmp.command(swap_species_commands(to_cl, to_i));
      lmp.command("run " + std::to_string(steps_per_frame / batches));
      gather(f);
    }
    seq.push_back(analyse_frame(frame, axis));
    report(seq.back());
  }
  // The last frame quenched (CG minimisation): its domains' lattice constants at 0 K, to compare
  // with the bulk constants without thermal expansion (the model's 0 K bulk: NaCl 5.62, NaI 6.36 Å).
  lmp.command("unfix th\nfix hold carbon setforce 0 0 0\nminimize 0 1e-4 3000 30000");
  gather(frames - 1);
  {
    const FrameSequence q = analyse_frame(frame, axis);
    std::cout << "quenched last frame: ";
    for (const Domain& d : q.domains) {
      std::cout << domain_kind_name(d.kind) << " " << d.sodium << " Na a " << fmt(d.lattice_constant_angstrom) << " (I bonds "
                << fmt(d.composition) << "); ";
    }
    std::cout << "crystalline Na/Cl/I " << fmt(q.crystalline_sodium) << "/" << fmt(q.crystalline_chloride) << "/"
              << fmt(q.crystalline_iodide) << std::endl;
  }
  std::cout << "swap acceptance " << fmt(static_cast<double>(accepted) / static_cast<double>(attempts), 3) << " at " << kelvin << " K, "
            << sweeps << " sweeps per 2 ps frame\n\n| stage | found | t (ps) |\n|---|---|---|\n";
  const std::vector<Stage> stages = detect_stages(seq);
  for (const Stage& st : stages) std::cout << "| " << st.name << " | " << (st.found ? "yes" : "no") << " | " << (st.found ? fmt(st.time_ps, 0) : "–") << " |\n";
  std::cout << "in the experiment's order: " << (in_experiment_order(stages) ? "yes" : "no") << std::endl;
  CHECK(stages[0].found);
  CHECK(stages[0].frame == 0);
}
