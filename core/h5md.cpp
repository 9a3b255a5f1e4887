#include "core/h5md.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/hdf5_util.hpp"
#include "core/rehearse.hpp"
#include "core/units.hpp"
#include "nanomix/version.hpp"

namespace nanomix {

namespace {
const char* const particles = "particles/all";

struct TimeSeries {
  h5::AppendableDataset value, step, time;
};

TimeSeries create_series(hid_t group, hid_t type, const std::vector<hsize_t>& row, const std::string& unit,
                         hsize_t rows_per_chunk) {
  TimeSeries s;
  s.value = h5::AppendableDataset::create(group, "value", type, row, rows_per_chunk);
  if (!unit.empty()) h5::write_attribute(s.value.id(), "unit", unit);
  s.step = h5::AppendableDataset::create(group, "step", H5T_NATIVE_INT64, {}, 256);
  s.time = h5::AppendableDataset::create(group, "time", H5T_NATIVE_DOUBLE, {}, 256);
  h5::write_attribute(s.time.id(), "unit", std::string("ps"));
  return s;
}

TimeSeries open_series(hid_t group, hid_t type) {
  TimeSeries s;
  s.value = h5::AppendableDataset::open(group, "value", type);
  s.step = h5::AppendableDataset::open(group, "step", H5T_NATIVE_INT64);
  s.time = h5::AppendableDataset::open(group, "time", H5T_NATIVE_DOUBLE);
  return s;
}

void append(TimeSeries& s, const void* value, std::int64_t step, double time_ps) {
  s.value.append(value);
  s.step.append(&step);
  s.time.append(&time_ps);
}
}  // namespace

struct H5mdWriter::Impl {
  h5::Id file;
  std::size_t atoms = 0;
  SpeciesStorage species_storage = SpeciesStorage::fixed;
  std::vector<int> fixed_species;  // the layout's, checked against every frame when fixed
  TimeSeries position, edges, species;
  std::map<std::string, TimeSeries> observables;
};

H5mdWriter::H5mdWriter(const std::string& path, const Frame& layout, const std::string& config_ini,
                       const std::string& author, SpeciesStorage species_storage)
    : impl_(std::make_unique<Impl>()) {
  layout.validate(path);
  impl_->atoms = layout.size();
  impl_->species_storage = species_storage;
  impl_->fixed_species = layout.atomic_numbers;
  impl_->file = h5::create_file(path);
  hid_t f = impl_->file;

  h5::Id h5md = h5::require_group(f, "h5md");
  h5::write_attribute(h5md, "version", std::vector<int>{1, 1});
  h5::Id author_group = h5::require_group(h5md, "author");
  h5::write_attribute(author_group, "name", author);
  h5::Id creator = h5::require_group(h5md, "creator");
  h5::write_attribute(creator, "name", std::string("nanomix"));
  h5::write_attribute(creator, "version", std::string(version_string));

  h5::Id all = h5::require_group(f, particles);
  const hsize_t n = layout.size();
  if (species_storage == SpeciesStorage::fixed) {
    std::vector<std::int32_t> species(layout.atomic_numbers.begin(), layout.atomic_numbers.end());
    h5::write_dataset(all, "species", species.data(), {n});
  } else {
    // H5MD time-dependent element: value (T, N) with the same step/time as position.
    h5::Id species = h5::require_group(all, "species");
    impl_->species = create_series(species, H5T_NATIVE_INT32, {n}, "", 16);
  }

  h5::Id box = h5::require_group(all, "box");
  h5::write_attribute(box, "dimension", 3);
  std::vector<std::string> boundary;
  for (bool p : layout.box.periodic) boundary.emplace_back(p ? "periodic" : "none");
  h5::write_attribute(box, "boundary", boundary);
  h5::Id edges = h5::require_group(box, "edges");
  impl_->edges = create_series(edges, H5T_NATIVE_DOUBLE, {3, 3}, "nm", 64);

  h5::Id position = h5::require_group(all, "position");
  impl_->position = create_series(position, H5T_NATIVE_DOUBLE, {n, 3}, "nm", 1);

  h5::require_group(f, "observables");
  h5::Id parameters = h5::require_group(f, "parameters");
  h5::write_attribute(parameters, "nanomix_format_version", h5md_format_version);
  h5::write_string_dataset(parameters, "config", config_ini);
  flush();
}

std::unique_ptr<H5mdWriter> H5mdWriter::reopen(const std::string& path, std::size_t keep_frames) {
  {
    H5mdReader check(path);  // validates the layout and version
  }
  std::unique_ptr<H5mdWriter> w(new H5mdWriter());
  w->impl_ = std::make_unique<Impl>();
  Impl& m = *w->impl_;
  m.file = h5::open_file(path, true);
  h5::Id position = h5::open_group(m.file, std::string(particles) + "/position");
  m.position = open_series(position, H5T_NATIVE_DOUBLE);
  h5::Id edges = h5::open_group(m.file, std::string(particles) + "/box/edges");
  m.edges = open_series(edges, H5T_NATIVE_DOUBLE);
  m.atoms = h5::dataset_dims(m.file, std::string(particles) + "/position/value").at(1);
  const std::string species_path = std::string(particles) + "/species";
  std::vector<TimeSeries*> series{&m.position, &m.edges};
  if (h5::exists(m.file, species_path + "/value")) {
    h5::Id species = h5::open_group(m.file, species_path);
    m.species = open_series(species, H5T_NATIVE_INT32);
    m.species_storage = SpeciesStorage::per_frame;
    series.push_back(&m.species);
  } else {
    const auto z = h5::read_int64s(m.file, species_path);
    m.fixed_species.assign(z.begin(), z.end());
  }
  if (keep_frames > m.position.value.rows()) {
    throw InputError(path + ": cannot resume at frame " + std::to_string(keep_frames) + ", the file holds " +
                     std::to_string(m.position.value.rows()));
  }
  std::int64_t last_step = -1;
  if (keep_frames > 0) {
    auto steps = h5::read_int64s(position, "step");
    last_step = steps[keep_frames - 1];
  }
  for (TimeSeries* s : series) {
    s->value.truncate(keep_frames);
    s->step.truncate(keep_frames);
    s->time.truncate(keep_frames);
  }
  h5::Id obs = h5::open_group(m.file, "observables");
  H5G_info_t info;
  H5Gget_info(obs, &info);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[256];
    H5Lget_name_by_idx(obs, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
    h5::Id g = h5::open_group(obs, name);
    TimeSeries s = open_series(g, H5T_NATIVE_DOUBLE);
    auto steps = h5::read_int64s(g, "step");
    hsize_t keep = 0;
    while (keep < steps.size() && steps[keep] <= last_step) ++keep;
    s.value.truncate(keep);
    s.step.truncate(keep);
    s.time.truncate(keep);
    m.observables.emplace(name, std::move(s));
  }
  w->flush();
  return w;
}

H5mdWriter::~H5mdWriter() = default;

void H5mdWriter::write_frame(const Frame& frame) {
  if (frame.size() != impl_->atoms) {
    throw RuntimeError("H5MD: frame with " + std::to_string(frame.size()) + " atoms, trajectory has " +
                       std::to_string(impl_->atoms));
  }
  if (impl_->species_storage == SpeciesStorage::fixed && frame.atomic_numbers != impl_->fixed_species) {
    throw RuntimeError("H5MD: frame at step " + std::to_string(frame.step) +
                       " has other species than the trajectory's fixed ones (a trajectory whose species change "
                       "must be written with SpeciesStorage::per_frame)");
  }
  const Positions nm = frame.positions_angstrom * units::nm_per_angstrom;
  append(impl_->position, nm.data(), frame.step, frame.time_ps);
  if (impl_->species_storage == SpeciesStorage::per_frame) {
    const std::vector<std::int32_t> z(frame.atomic_numbers.begin(), frame.atomic_numbers.end());
    append(impl_->species, z.data(), frame.step, frame.time_ps);
  }
  // Row-major 3×3, rows = cell vectors.
  Eigen::Matrix<double, 3, 3, Eigen::RowMajor> edges = frame.box.edges_angstrom * units::nm_per_angstrom;
  append(impl_->edges, edges.data(), frame.step, frame.time_ps);
  flush();
}

void H5mdWriter::write_observable(const std::string& name, std::int64_t step, double time_ps, double value,
                                  const std::string& unit) {
  auto it = impl_->observables.find(name);
  if (it == impl_->observables.end()) {
    h5::Id g = h5::require_group(impl_->file, "observables/" + name);
    it = impl_->observables.emplace(name, create_series(g, H5T_NATIVE_DOUBLE, {}, unit, 256)).first;
  }
  append(it->second, &value, step, time_ps);
}

void H5mdWriter::write_parameter(const std::string& name, double value) {
  h5::Id p = h5::require_group(impl_->file, "parameters");
  h5::write_attribute(p, name, value);
}

void H5mdWriter::write_parameter(const std::string& name, const std::string& value) {
  h5::Id p = h5::require_group(impl_->file, "parameters");
  h5::write_attribute(p, name, value);
}

std::size_t H5mdWriter::frame_count() const { return impl_->position.value.rows(); }

void H5mdWriter::flush() {
  if (impl_ && impl_->file.valid()) h5::flush_file(impl_->file);
}

void H5mdWriter::close() {
  if (!impl_) return;
  flush();
  impl_.reset();
}

// ---------------------------------------------------------------------------------------------

struct H5mdReader::Impl {
  std::string path;
  h5::Id file;
  bool species_per_frame = false;
  std::vector<int> species;  // fixed species (empty when per frame)
  std::size_t frames = 0;
  std::array<bool, 3> periodic{false, false, false};
  double position_scale = 10.0;  // file unit → Å
};

bool is_h5md(const std::string& path) {
  if (!h5::is_hdf5(path)) return false;
  return read_rehearsed(path, "HDF5", [&] {
    h5::Id f = h5::open_file(path);
    return h5::exists(f, "h5md");
  });
}

namespace {
/// Everything a user of H5mdReader can ask, asked once (the rehearsal of a whole read); a clean
/// InputError of one accessor does not stop the others.
void read_everything(const H5mdReader& r, const std::string& path) {
  const auto attempt = [](auto read) {
    try {
      read();
    } catch (const InputError&) {
    }
  };
  attempt([&] { (void)r.atom_count(); });
  for (std::size_t i = 0; i < r.frame_count(); ++i) attempt([&] { (void)r.frame(i); });
  attempt([&] {
    for (const auto& name : r.observable_names()) attempt([&] { (void)r.observable(name); });
  });
  attempt([&] { (void)r.config_ini(); });
  attempt([&] {
    h5::Id f = h5::open_file(path);
    if (!h5::exists(f, "parameters")) return;
    h5::Id p = h5::open_group(f, "parameters");
    H5O_info_t info;
    if (H5Oget_info(p, &info) < 0) return;
    for (hsize_t k = 0; k < info.num_attrs && k < 10000; ++k) {
      char name[256] = {};
      if (H5Aget_name_by_idx(p, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT) < 0) continue;
      attempt([&] { (void)r.parameter(name, 0); });
      attempt([&] { (void)r.parameter_text(name, ""); });
    }
  });
}
}  // namespace

H5mdReader::H5mdReader(const std::string& path) {
  // libhdf5 may crash or hang on a damaged file: the whole read is rehearsed in a child first
  // (core/rehearse.hpp), so that every later accessor runs on a file that was read once safely.
  rehearse_read(path, [&] {
    const H5mdReader r(path, Unrehearsed{});
    read_everything(r, path);
  });
  impl_ = H5mdReader(path, Unrehearsed{}).take();
}

H5mdReader::H5mdReader(const std::string& path, Unrehearsed) : impl_(std::make_unique<Impl>()) {
  as_input_error(path, "trajectory", [&] { open(path); });
}

std::unique_ptr<H5mdReader::Impl> H5mdReader::take() { return std::move(impl_); }

void H5mdReader::open(const std::string& path) {
  Impl& m = *impl_;
  m.path = path;
  m.file = h5::open_file(path);
  const std::string pos = std::string(particles) + "/position";
  const std::string species_path = std::string(particles) + "/species";
  if (!h5::exists(m.file, "h5md") || !h5::exists(m.file, pos + "/value") || !h5::exists(m.file, species_path)) {
    throw InputError(path + ": not an H5MD trajectory with particles/all/position and species");
  }
  if (h5::exists(m.file, "parameters")) {
    h5::Id p = h5::open_group(m.file, "parameters");
    // nanomix's own trajectories carry a version (one policy: h5::check_format_version); H5MD
    // files from other programs have none and are read as plain H5MD.
    if (h5::has_attribute(p, "nanomix_format_version"))
      h5::check_format_version(p, path, "trajectory", "nanomix_format_version", 1, h5md_format_version);
  }
  const auto pdims = h5::dataset_dims(m.file, pos + "/value");
  if (pdims.size() != 3 || pdims[2] != 3) throw InputError(path + ": position/value must have shape (frames, atoms, 3)");
  m.frames = pdims[0];
  const std::size_t atoms = pdims[1];
  if (m.frames > 0 && atoms == 0) throw InputError(path + ": position/value holds frames of no atoms");
  h5::check_declared_size(m.file, pos + "/value", sizeof(double));
  m.species_per_frame = h5::exists(m.file, species_path + "/value");
  if (m.species_per_frame) {
    // Time-dependent species: one row per position frame, at the same steps.
    // A run killed between the two appends may hold one more position row: frames = the rows both have.
    const auto sdims = h5::dataset_dims(m.file, species_path + "/value");
    if (sdims.size() != 2 || sdims[1] != atoms) {
      throw InputError(path + ": particles/all/species/value must have shape (frames, " + std::to_string(atoms) +
                       ") like position/value");
    }
    m.frames = std::min<std::size_t>(m.frames, sdims[0]);
    if (!h5::exists(m.file, species_path + "/step")) throw InputError(path + ": particles/all/species has no step");
    auto species_steps = h5::read_int64s(m.file, species_path + "/step");
    auto position_steps = h5::read_int64s(m.file, pos + "/step");
    if (species_steps.size() < m.frames || position_steps.size() < m.frames ||
        !std::equal(species_steps.begin(), species_steps.begin() + static_cast<std::ptrdiff_t>(m.frames), position_steps.begin())) {
      throw InputError(path + ": particles/all/species/step differs from position/step");
    }
  } else {
    std::vector<hsize_t> dims;
    const auto species = h5::read_int64s(m.file, species_path, &dims);
    if (dims.size() != 1 || dims[0] != atoms) {
      throw InputError(path + ": particles/all/species must have shape (" + std::to_string(atoms) + ") or be time-dependent");
    }
    for (auto z : species) {
      if (z < 1 || z > 118) throw InputError(path + ": particles/all/species holds " + std::to_string(z) + ", not an atomic number");
    }
    m.species.assign(species.begin(), species.end());
  }
  h5::Id value = h5::open_dataset(m.file, pos + "/value");
  if (h5::has_attribute(value, "unit")) {
    const std::string unit = h5::read_string_attribute(value, "unit");
    if (unit == "nm") m.position_scale = units::angstrom_per_nm;
    else if (unit == "Angstrom" || unit == "angstrom" || unit == "A") m.position_scale = 1.0;
    else throw InputError(path + ": unsupported position unit '" + unit + "'");
  }
  h5::Id box = h5::open_group(m.file, std::string(particles) + "/box");
  if (h5::has_attribute(box, "boundary")) {
    auto b = h5::read_string_array_attribute(box, "boundary");
    for (std::size_t k = 0; k < 3 && k < b.size(); ++k) m.periodic[k] = (b[k] == "periodic");
  }
}

H5mdReader::~H5mdReader() = default;

std::size_t H5mdReader::frame_count() const { return impl_->frames; }
std::size_t H5mdReader::atom_count() const {
  return as_input_error(impl_->path, "trajectory", [&] { return h5::dataset_dims(impl_->file, std::string(particles) + "/position/value").at(1); });
}
bool H5mdReader::species_per_frame() const { return impl_->species_per_frame; }

std::vector<int> H5mdReader::atomic_numbers(std::size_t i) const {
  return as_input_error(impl_->path, "trajectory", [&] { return atomic_numbers_here(i); });
}

std::vector<int> H5mdReader::atomic_numbers_here(std::size_t i) const {
  const Impl& m = *impl_;
  if (i >= m.frames) throw InputError(m.path + ": frame " + std::to_string(i) + " out of range");
  if (!m.species_per_frame) return m.species;
  const auto z = h5::read_double_rows(m.file, std::string(particles) + "/species/value", i, 1);
  std::vector<int> out(z.size());
  for (std::size_t a = 0; a < z.size(); ++a) {
    if (!(z[a] >= 1 && z[a] <= 118) || z[a] != std::floor(z[a])) {
      throw InputError(m.path + ": particles/all/species/value frame " + std::to_string(i) + " atom " + std::to_string(a) +
                       " is not an atomic number");
    }
    out[a] = static_cast<int>(z[a]);
  }
  return out;
}

Frame H5mdReader::frame(std::size_t i) const {
  return as_input_error(impl_->path, "trajectory", [&] { return frame_here(i); });
}

Frame H5mdReader::frame_here(std::size_t i) const {
  const Impl& m = *impl_;
  if (i >= m.frames) throw InputError(m.path + ": frame " + std::to_string(i) + " out of range");
  const std::string pos = std::string(particles) + "/position";
  Frame f;
  f.atomic_numbers = atomic_numbers_here(i);
  const auto xyz = h5::read_double_rows(m.file, pos + "/value", i, 1);
  f.positions_angstrom = Eigen::Map<const Positions>(xyz.data(), static_cast<Eigen::Index>(f.atomic_numbers.size()), 3) * m.position_scale;
  f.time_ps = h5::read_double_rows(m.file, pos + "/time", i, 1).at(0);
  f.step = static_cast<std::int64_t>(h5::read_double_rows(m.file, pos + "/step", i, 1).at(0));
  const std::string edges = std::string(particles) + "/box/edges/value";
  if (h5::exists(m.file, edges)) {
    const auto dims = h5::dataset_dims(m.file, edges);
    if (dims.size() == 3 && dims[1] == 3 && dims[2] == 3 && i < dims[0]) {
      const auto e = h5::read_double_rows(m.file, edges, i, 1);
      for (int k = 0; k < 9; ++k) f.box.edges_angstrom(k / 3, k % 3) = e[static_cast<std::size_t>(k)] * m.position_scale;
    }
  }
  f.box.periodic = m.periodic;
  return f;
}

std::vector<std::string> H5mdReader::observable_names() const {
  return as_input_error(impl_->path, "trajectory", [&] {
    std::vector<std::string> names;
    if (!h5::exists(impl_->file, "observables")) return names;
    h5::Id obs = h5::open_group(impl_->file, "observables");
    H5G_info_t info;
    if (H5Gget_info(obs, &info) < 0) throw InputError(impl_->path + ": /observables is damaged");
    for (hsize_t i = 0; i < info.nlinks && i < 10000; ++i) {
      char name[256] = {};
      if (H5Lget_name_by_idx(obs, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0)
        throw InputError(impl_->path + ": /observables is damaged");
      names.emplace_back(name);
    }
    return names;
  });
}

ObservableSeries H5mdReader::observable(const std::string& name) const {
  return as_input_error(impl_->path, "trajectory", [&] {
    const std::string g = "observables/" + name;
    if (!h5::exists(impl_->file, g + "/value")) throw InputError(impl_->path + ": no observable '" + name + "'");
    ObservableSeries s;
    s.values = h5::read_doubles(impl_->file, g + "/value");
    s.steps = h5::read_int64s(impl_->file, g + "/step");
    s.times_ps = h5::read_doubles(impl_->file, g + "/time");
    h5::Id v = h5::open_dataset(impl_->file, g + "/value");
    if (h5::has_attribute(v, "unit")) s.unit = h5::read_string_attribute(v, "unit");
    return s;
  });
}

std::string H5mdReader::config_ini() const {
  return as_input_error(impl_->path, "trajectory", [&] {
    if (!h5::exists(impl_->file, "parameters/config")) return std::string();
    return h5::read_string_dataset(impl_->file, "parameters/config");
  });
}

double H5mdReader::parameter(const std::string& name, double fallback) const {
  return as_input_error(impl_->path, "trajectory", [&] {
    if (!h5::exists(impl_->file, "parameters")) return fallback;
    h5::Id p = h5::open_group(impl_->file, "parameters");
    return h5::has_attribute(p, name) ? h5::read_double_attribute(p, name) : fallback;
  });
}

std::string H5mdReader::parameter_text(const std::string& name, const std::string& fallback) const {
  return as_input_error(impl_->path, "trajectory", [&] {
    if (!h5::exists(impl_->file, "parameters")) return fallback;
    h5::Id p = h5::open_group(impl_->file, "parameters");
    return h5::has_attribute(p, name) ? h5::read_string_attribute(p, name) : fallback;
  });
}

}  // namespace nanomix
