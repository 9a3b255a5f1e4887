#pragma once
// Trajectories as H5MD 1.1 (P. de Buyl et al., Comput. Phys. Commun. 185, 1546 (2014)):
//   /h5md                      version = [1, 1]; author/name; creator/name, creator/version
//   /particles/all/position    value (T, N, 3) [nm], step (T), time (T) [ps]
//   /particles/all/box         dimension = 3, boundary = periodic|none per axis;
//                              edges: value (T, 3, 3) [nm] (rows = cell vectors), step, time
//   /particles/all/species     atomic numbers: either (N), fixed for the whole run, or — whenever
//                              species change (Cl<->I swaps) — time-dependent like position:
//                              value (T, N), step (T), time (T) [ps], one row per position frame
//   /observables/<name>        value (T), step (T), time (T) [ps]; a `unit` attribute on value
//   /parameters                nanomix_format_version; `config` = the resolved INI text; other
//                              attributes written by the stage that made the file
// Written frame by frame and flushed, so a killed run leaves a readable file up to its last frame.
// Readable by MDAnalysis' H5MD reader and h5py.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/frame.hpp"

namespace nanomix {

/// nanomix's layout inside H5MD, checked on read. 2: species may be time-dependent (a reader of
/// version 1 would take the first frame's species for every frame, so it is refused by them).
inline constexpr int h5md_format_version = 2;

/// How a trajectory stores species: once, or with every frame (whenever they may change).
enum class SpeciesStorage { fixed, per_frame };

struct ObservableSeries {
  std::vector<std::int64_t> steps;
  std::vector<double> times_ps;
  std::vector<double> values;
  std::string unit;
};

class H5mdWriter {
 public:
  /// Creates `path` (truncating) for the atoms of `layout` (atom count and box periodicity are
  /// fixed for the whole trajectory; species too unless `species` is per_frame, in which case
  /// every write_frame stores the frame's species). `config_ini` is stored under /parameters/config.
  H5mdWriter(const std::string& path, const Frame& layout, const std::string& config_ini,
             const std::string& author = "nanomix user", SpeciesStorage species = SpeciesStorage::fixed);
  /// Reopens an existing nanomix H5MD file to continue it (resume): every time series is cut back
  /// to the first `keep_frames` position frames and observables with step <= the last kept step.
  static std::unique_ptr<H5mdWriter> reopen(const std::string& path, std::size_t keep_frames);
  ~H5mdWriter();
  H5mdWriter(const H5mdWriter&) = delete;
  H5mdWriter& operator=(const H5mdWriter&) = delete;

  /// Appends positions, box (and species when stored per frame) of one frame (time, step from
  /// the frame) and flushes the file. With fixed species, a frame whose species differ from the
  /// layout's is refused (RuntimeError): the file would describe the wrong atoms.
  void write_frame(const Frame& frame);
  /// Appends one value of an observable.
  void write_observable(const std::string& name, std::int64_t step, double time_ps, double value,
                        const std::string& unit = "");
  /// Attributes under /parameters (e.g. md_time_to_experiment_seconds).
  void write_parameter(const std::string& name, double value);
  void write_parameter(const std::string& name, const std::string& value);
  std::size_t frame_count() const;
  void flush();
  void close();

 private:
  H5mdWriter() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads a trajectory. The constructor first rehearses the whole read (every frame, observable and
/// parameter) in a child process (core/rehearse.hpp), so a damaged file ends in one InputError line
/// naming it, never in a crash; every accessor's only failure is such an InputError.
class H5mdReader {
 public:
  explicit H5mdReader(const std::string& path);
  ~H5mdReader();
  H5mdReader(const H5mdReader&) = delete;
  H5mdReader& operator=(const H5mdReader&) = delete;

  std::size_t frame_count() const;
  std::size_t atom_count() const;
  /// True when the file stores species per frame (they may change between frames).
  bool species_per_frame() const;
  /// Species of frame i (atomic numbers).
  std::vector<int> atomic_numbers(std::size_t i) const;
  /// Frame i (positions in Å, time in ps, the species of that frame).
  Frame frame(std::size_t i) const;
  std::vector<std::string> observable_names() const;
  ObservableSeries observable(const std::string& name) const;
  /// The resolved config stored by the writer ("" if none).
  std::string config_ini() const;
  /// A numeric /parameters attribute, or `fallback` if absent.
  double parameter(const std::string& name, double fallback) const;
  std::string parameter_text(const std::string& name, const std::string& fallback) const;

 private:
  struct Impl;
  struct Unrehearsed {};
  /// Opens without the rehearsal in a child (the rehearsal itself uses it).
  H5mdReader(const std::string& path, Unrehearsed);
  void open(const std::string& path);
  std::unique_ptr<Impl> take();
  std::vector<int> atomic_numbers_here(std::size_t i) const;
  Frame frame_here(std::size_t i) const;
  std::unique_ptr<Impl> impl_;
};

/// True if `path` is an HDF5 file with an /h5md group (InputError if libhdf5 fails on it).
bool is_h5md(const std::string& path);

}  // namespace nanomix
