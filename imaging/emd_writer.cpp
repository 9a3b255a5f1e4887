#include "imaging/emd_writer.hpp"

#include <numeric>

#include "core/error.hpp"
#include "core/hdf5_util.hpp"

namespace nanomix::imaging {

namespace {

using h5::Id;

void check(herr_t r, const std::string& what) { h5::check_call(r, what); }

void write_dim(hid_t group, int k, const std::vector<double>& values, const std::string& name, const std::string& units) {
  const std::string d = "dim" + std::to_string(k);
  h5::write_dataset(group, d, values.data(), {static_cast<hsize_t>(values.size())});
  Id set = h5::open_dataset(group, d);
  h5::write_attribute(set, "name", name);
  h5::write_attribute(set, "units", units);
}

/// A (nx, ny, nt) dataset of `type`, chunked by frame, each frame transposed from [j][i] to [i][j].
template <class T>
void write_stack(hid_t group, hid_t mem_type, hid_t file_type, int nx, int ny, const std::vector<std::vector<T>>& frames) {
  const hsize_t nt = frames.size();
  const hsize_t dims[3] = {static_cast<hsize_t>(nx), static_cast<hsize_t>(ny), nt};
  Id space(H5Screate_simple(3, dims, nullptr));
  Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
  const hsize_t chunk[3] = {static_cast<hsize_t>(nx), static_cast<hsize_t>(ny), 1};
  if (nt > 0) check(H5Pset_chunk(dcpl, 3, chunk), "chunk");
  Id set(H5Dcreate2(group, "data", file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
  if (!set.valid()) throw RuntimeError("HDF5: cannot create a movie dataset");
  std::vector<T> t(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  const hsize_t mdims[3] = {static_cast<hsize_t>(nx), static_cast<hsize_t>(ny), 1};
  Id mspace(H5Screate_simple(3, mdims, nullptr));
  for (hsize_t f = 0; f < nt; ++f) {
    const auto& src = frames[f];
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i)
        t[static_cast<std::size_t>(i) * ny + j] = src[static_cast<std::size_t>(j) * nx + i];
    Id fspace(H5Dget_space(set));
    const hsize_t start[3] = {0, 0, f};
    check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, mdims, nullptr), "select frame");
    check(H5Dwrite(set, mem_type, mspace, fspace, H5P_DEFAULT, t.data()), "write frame");
  }
}

void write_axes(hid_t group, int nx, int ny, std::size_t nt, double dx, double dy, double dt, const std::vector<double>& times) {
  std::vector<double> x(static_cast<std::size_t>(nx)), y(static_cast<std::size_t>(ny)), t(nt);
  for (int i = 0; i < nx; ++i) x[static_cast<std::size_t>(i)] = i * dx * 0.1;
  for (int j = 0; j < ny; ++j) y[static_cast<std::size_t>(j)] = j * dy * 0.1;
  for (std::size_t k = 0; k < nt; ++k) t[k] = times.size() == nt ? times[k] : static_cast<double>(k) * dt;
  // EMD writes units with SI prefixes split by '_' inside brackets ("[n_m]" = nm), as ncempy and
  // HyperSpy write and parse them.
  write_dim(group, 1, x, "x", "[n_m]");
  write_dim(group, 2, y, "y", "[n_m]");
  write_dim(group, 3, t, "t", "[s]");
}

}  // namespace

void write_emd(const std::string& path, const EmdContents& c) {
  Id file = h5::create_file(path);
  h5::write_attribute(file, "version_major", 0);
  h5::write_attribute(file, "version_minor", 2);
  h5::write_attribute(file, "nanomix_movie_format_version", movie_format_version);
  if (!c.creator.empty()) h5::write_attribute(file, "creator", c.creator);
  Id data = h5::require_group(file, "data");
  for (std::size_t k = 0; k < c.movies.size(); ++k) {
    const Movie& mv = *c.movies[k];
    Id group = h5::require_group(data, mv.quantity);
    h5::write_attribute(group, "emd_group_type", 1);
    h5::write_attribute(group, "units", mv.unit);
    if (k < c.descriptions.size()) h5::write_attribute(group, "description", c.descriptions[k]);
    write_stack(group, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, mv.nx, mv.ny, mv.frames);
    write_axes(group, mv.nx, mv.ny, mv.frame_count(), mv.pixel_size_x_angstrom, mv.pixel_size_y_angstrom, mv.frame_time_s, c.frame_times_s);
  }
  if (c.exit_wave && !c.movies.empty()) {
    const Movie& mv = *c.movies.front();
    Id group = h5::require_group(data, "exit_wave");
    h5::write_attribute(group, "emd_group_type", 1);
    h5::write_attribute(group, "units", "");
    h5::write_attribute(group, "description",
                        "complex exit wave at the defocus reference plane (vacuum = 1), first MD snapshot of each frame; "
                        "convention: waves exp(+2 pi i k.r), transmission exp(+i sigma v_z), propagator exp(-i pi lambda dz k^2)");
    Id type = h5::complex_float_type();
    write_stack(group, type, type, mv.nx, mv.ny, *c.exit_wave);
    write_axes(group, mv.nx, mv.ny, c.exit_wave->size(), mv.pixel_size_x_angstrom, mv.pixel_size_y_angstrom, mv.frame_time_s, c.frame_times_s);
  }
  {
    Id marker = h5::require_group(file, "4DSTEM_simulation");
    Id metadata = h5::require_group(marker, "metadata");
    Id m0 = h5::require_group(metadata, "metadata_0");
    Id original = h5::require_group(m0, "original");
    Id parameters = h5::require_group(original, "simulation_parameters");  // read (empty) by HyperSpy's reader
    h5::write_attribute(marker, "description",
                        "marker only, no data: HyperSpy/RosettaSciIO read a Berkeley EMD file with this root group as "
                        "Prismatic output, whose dim1 and dim2 are the signal and whose other axes navigate, so "
                        "hyperspy.load opens each /data group as a 2D signal navigated by time (t | x, y)");
  }
  Id mic = h5::require_group(file, "microscope");
  for (const auto& a : c.microscope) {
    if (a.is_text) h5::write_attribute(mic, a.name, a.text);
    else h5::write_attribute(mic, a.name, a.number);
  }
  Id truth = h5::require_group(file, "ground_truth");
  for (const auto& d : c.ground_truth) {
    std::vector<hsize_t> dims(d.dims.begin(), d.dims.end());
    if (!d.f32.empty()) h5::write_dataset(truth, d.name, d.f32.data(), dims);
    else if (!d.f64.empty()) h5::write_dataset(truth, d.name, d.f64.data(), dims);
    else if (!d.i64.empty()) h5::write_dataset(truth, d.name, d.i64.data(), dims);
    else if (!d.i32.empty()) h5::write_dataset(truth, d.name, d.i32.data(), dims);
    else if (!d.u8.empty()) {
      std::vector<std::int32_t> v(d.u8.begin(), d.u8.end());
      h5::write_dataset(truth, d.name, v.data(), dims);
    } else {
      continue;
    }
    Id set = h5::open_dataset(truth, d.name);
    if (!d.unit.empty()) h5::write_attribute(set, "unit", d.unit);
    if (!d.description.empty()) h5::write_attribute(set, "description", d.description);
  }
  Id params = h5::require_group(file, "parameters");
  h5::write_string_dataset(params, "config", c.config_ini);
  h5::flush_file(file);
}

}  // namespace nanomix::imaging
