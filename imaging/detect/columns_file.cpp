#include "imaging/detect/columns_file.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/hdf5_util.hpp"
#include "core/rehearse.hpp"
#include "nanomix/version.hpp"

namespace nanomix::imaging {

void write_columns_file(const std::string& path, const std::string& source, const ReadResult& read,
                        const PreprocessResult& pre, const DetectResult& det, const std::string& config_ini) {
  h5::Id f = h5::create_file(path);
  h5::write_attribute(f, "creator", std::string("nanomix detect"));
  const auto& cols = det.columns;
  std::vector<double> rows;
  rows.reserve(cols.size() * 6);
  for (const auto& c : cols) {
    rows.insert(rows.end(), {static_cast<double>(c.frame), c.x_angstrom, c.y_angstrom, c.intensity,
                             static_cast<double>(c.klass), c.fit_residual});
  }
  h5::write_dataset(f, "columns", rows.data(), {static_cast<hsize_t>(cols.size()), 6});
  h5::Id set = h5::open_dataset(f, "columns");
  h5::write_attribute(set, "columns", std::vector<std::string>{"frame", "x_angstrom", "y_angstrom", "intensity", "class", "fit_residual"});
  h5::write_attribute(set, "units", std::vector<std::string>{"", "angstrom", "angstrom", "angstrom^2 x normalised image units", "", "relative"});
  h5::write_attribute(set, "nanomix_format", std::string("columns"));
  h5::write_attribute(set, "nanomix_format_version", columns_format_version);
  h5::write_attribute(set, "coordinates",
                      std::string("x, y in Å with pixel (i, j) centred at (i*dx, j*dy); after drift correction, in the first frame's coordinates"));
  h5::write_attribute(set, "intensity_meaning",
                      std::string("integrated column intensity: sum of (image - the frame's median) x pixel area within "
                                  "class_radius_angstrom of the column's centre, polarity-corrected (columns positive), in "
                                  "angstrom^2 x the units of the normalised image"));
  h5::write_attribute(set, "class_meaning", std::string("1 = heavy (holds iodide) column, 0 = light (or classes not split: /movie classes_split, class_rule)"));
  h5::write_attribute(set, "fit_residual_meaning", std::string("RMS(data - model)/amplitude over the fit disc; -1 = fit failed"));

  const std::size_t nt = det.noise_sigma.size();
  std::vector<double> frames;
  for (std::size_t t = 0; t < nt; ++t) {
    const auto d = t < pre.drift_angstrom.size() ? pre.drift_angstrom[t] : std::array<double, 2>{0, 0};
    frames.insert(frames.end(), {static_cast<double>(t), static_cast<double>(t) * read.movie.frame_time_s, d[0], d[1]});
  }
  h5::write_dataset(f, "frames", frames.data(), {static_cast<hsize_t>(nt), 4});
  h5::Id fs = h5::open_dataset(f, "frames");
  h5::write_attribute(fs, "columns", std::vector<std::string>{"frame", "time_s", "drift_x_angstrom", "drift_y_angstrom"});
  h5::write_dataset(f, "frames_noise_sigma", det.noise_sigma.data(), {static_cast<hsize_t>(det.noise_sigma.size())});

  h5::Id m = h5::require_group(f, "movie");
  h5::write_attribute(m, "source", source);
  h5::write_attribute(m, "format", read.format);
  h5::write_attribute(m, "dataset", read.dataset);
  h5::write_attribute(m, "nx", read.movie.nx);
  h5::write_attribute(m, "ny", read.movie.ny);
  h5::write_attribute(m, "frame_count", static_cast<int>(nt));
  h5::write_attribute(m, "pixel_size_x_angstrom", read.movie.pixel_size_x_angstrom);
  h5::write_attribute(m, "pixel_size_y_angstrom", read.movie.pixel_size_y_angstrom);
  h5::write_attribute(m, "pixel_size_source", read.pixel_size_source);
  if (!pre.resampling.empty()) h5::write_attribute(m, "resampling", pre.resampling);  // nx, ny, pixel sizes are after it
  h5::write_attribute(m, "frame_time_s", read.movie.frame_time_s);
  h5::write_attribute(m, "frame_time_source", read.frame_time_source);
  h5::write_attribute(m, "frame_time_kind", read.frame_time_kind);  // exposure, scan frame time, frame interval
  h5::write_attribute(m, "signal", read.signal);
  h5::write_attribute(m, "polarity_used", std::string(det.polarity_used == Polarity::dark ? "dark" : "bright"));
  h5::write_attribute(m, "classes_split", det.classes_split ? 1 : 0);
  h5::write_attribute(m, "class_threshold", det.class_threshold);
  h5::write_attribute(m, "class_separation", det.class_separation);
  h5::write_attribute(m, "class_rule", det.class_rule);
  if (std::isfinite(det.lattice_iodide_fraction)) h5::write_attribute(m, "lattice_iodide_fraction", det.lattice_iodide_fraction);
  if (std::isfinite(det.lattice_constant_angstrom)) h5::write_attribute(m, "lattice_constant_angstrom", det.lattice_constant_angstrom);
  if (det.column_spacing_angstrom.size() == cols.size() && !cols.empty()) {
    // Per column (row order of /columns): the lattice rule's first-shell column spacing, NaN where not measured.
    h5::write_dataset(f, "column_spacing_angstrom", det.column_spacing_angstrom.data(), {static_cast<hsize_t>(cols.size())});
  }
  std::vector<std::string> notes = read.notes;
  notes.insert(notes.end(), pre.notes.begin(), pre.notes.end());
  notes.insert(notes.end(), det.notes.begin(), det.notes.end());
  if (!notes.empty()) h5::write_attribute(m, "notes", notes);

  h5::Id p = h5::require_group(f, "parameters");
  h5::write_attribute(p, "nanomix_format_version", columns_format_version);
  h5::write_attribute(p, "nanomix_version", std::string(version_string));
  h5::write_string_dataset(p, "config", config_ini);
  h5::flush_file(f);
}

namespace {

int whole_number(double v, const std::string& path, const std::string& what) {
  return static_cast<int>(h5::whole_number(v, path + ": " + what, -1e9, 1e9));
}

ColumnsFile read_columns_here(const std::string& path) {
  h5::Id f = h5::open_file(path);
  if (!h5::exists(f, "columns")) throw InputError(path + ": not a nanomix columns file (no /columns)");
  ColumnsFile out;
  h5::Id set = h5::open_dataset(f, "columns");
  h5::check_format_version(set, path, "columns", "nanomix_format_version", 1, columns_format_version);
  std::vector<hsize_t> dims;
  const auto rows = h5::read_doubles(f, "columns", &dims);
  if (dims.size() != 2 || (dims[0] > 0 && dims[1] != 6)) throw InputError(path + ": /columns is not an (N, 6) table");
  for (hsize_t r = 0; r < dims[0]; ++r) {
    const double* q = rows.data() + r * 6;
    if (!(q[0] >= 0) || q[0] > 1e9) throw InputError(path + ": /columns row " + std::to_string(r) + " has a bad frame number");
    Column c;
    c.frame = static_cast<int>(q[0]);
    c.x_angstrom = q[1];
    c.y_angstrom = q[2];
    c.intensity = q[3];
    c.klass = whole_number(q[4], path, "/columns row " + std::to_string(r) + " class");
    c.fit_residual = q[5];
    out.columns.push_back(c);
  }
  if (h5::exists(f, "frames")) {
    std::vector<hsize_t> fd;
    const auto fr = h5::read_doubles(f, "frames", &fd);
    if (fd.size() == 2 && fd[1] >= 2)
      for (hsize_t t = 0; t < fd[0]; ++t) out.frame_times_s.push_back(fr[t * fd[1] + 1]);
  }
  if (h5::exists(f, "movie")) {
    h5::Id m = h5::open_group(f, "movie");
    out.frame_count = whole_number(h5::read_double_attribute(m, "frame_count"), path, "/movie frame_count");
    out.nx = whole_number(h5::read_double_attribute(m, "nx"), path, "/movie nx");
    out.ny = whole_number(h5::read_double_attribute(m, "ny"), path, "/movie ny");
    out.pixel_size_x_angstrom = h5::read_double_attribute(m, "pixel_size_x_angstrom");
    out.pixel_size_y_angstrom = h5::read_double_attribute(m, "pixel_size_y_angstrom");
    out.frame_time_s = h5::read_double_attribute(m, "frame_time_s");
    if (h5::has_attribute(m, "resampling")) out.resampling = h5::read_string_attribute(m, "resampling");
    if (h5::has_attribute(m, "classes_split")) out.classes_split = h5::read_double_attribute(m, "classes_split") != 0;
    if (h5::has_attribute(m, "class_rule")) out.class_rule = h5::read_string_attribute(m, "class_rule");
  }
  if (h5::exists(f, "parameters/config")) out.config_ini = h5::read_string_dataset(f, "parameters/config");
  return out;
}

}  // namespace

ColumnsFile read_columns_file(const std::string& path) {
  // libhdf5 may crash or hang on a damaged file: the read is rehearsed in a child (core/rehearse.hpp).
  return read_rehearsed(path, "columns", [&] { return read_columns_here(path); });
}

}  // namespace nanomix::imaging
