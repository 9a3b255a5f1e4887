// HDF5 movies: Berkeley EMD 0.2 and Thermo Fisher Velox EMD.
//
// Berkeley EMD 0.2 (https://emdatasets.com/format/): groups /data/<name> with emd_group_type = 1
// hold `data` (rank 2 or 3) and dim1..dimN vectors (attributes `name` and `units`) for its axes in
// order. The group read is [detect] emd_group, else `counts`, else the first group with
// emd_group_type = 1. The frame axis is the one whose name is t/time/frame or whose units are a
// time; without one, a rank-3 stack has frames along its first axis (the ncempy/HyperSpy layout).
// Of the two image axes, the one named x (or, unnamed, the faster-varying one) is x. Pixel size and
// frame time are the spacing of the dim vectors in their units (nm, Å, "[n_m]", s, ms, …).
//
// Velox EMD: /Data/Image/<uuid>/Data of shape (height, width, frames) and a JSON Metadata block
// per frame (uint8 columns); pixel size from BinaryResult.PixelSize in PixelUnitX/Y ("m"; "1/m"
// marks a diffraction pattern, refused for real-space analysis); frame time: the detector's
// ExposureTime for a camera (DetectorType ImagingDetector, Detectors/Detector-<DetectorIndex>),
// else Scan.FrameTime (a scan frame time). [detect] emd_group picks the image by its detector name
// (BinaryResult.Detector: "HAADF", "BM-Ceta") or its index.
//
// HyperSpy HDF5 (.hspy): see read_hspy_file.
//
// Every HDF5 failure becomes one InputError line; sizes are checked before reading. Because
// libhdf5 itself can crash or hang on damaged files, the read is first rehearsed in a child
// process (ReadOptions::isolate_hdf5, on by default; core/rehearse.hpp).
#include <hdf5.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <initializer_list>

#include "core/hdf5_util.hpp"
#include "core/rehearse.hpp"
#include "imaging/movie_file.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "imaging/detect/reader_util.hpp"

namespace nanomix::imaging {

namespace {

using h5::Id;
using detail::bad_file;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// "[n_m]" → "n_m" → "nm" (EMD writes unit prefixes with underscores and brackets).
std::string clean_unit(const std::string& u) {
  std::string out;
  for (char c : u) {
    if (c != '[' && c != ']' && c != '_' && c != ' ') out += c;
  }
  return out;
}

/// A short string attribute (scalar or first element), "" if absent or not a string.
std::string string_attribute(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return "";
  Id attr(H5Aopen(obj, name, H5P_DEFAULT));
  if (!attr.valid()) return "";
  Id type(H5Aget_type(attr));
  Id space(H5Aget_space(attr));
  if (!type.valid() || !space.valid() || H5Tget_class(type) != H5T_STRING) return "";
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 1 || n > 64) return "";
  if (H5Tis_variable_str(type) > 0) {
    std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
    Id mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    std::string out;
    if (H5Aread(attr, mem, ptrs.data()) >= 0) {
      if (ptrs[0]) out = std::string(ptrs[0], strnlen(ptrs[0], 4096));
      H5Dvlen_reclaim(mem, space, H5P_DEFAULT, ptrs.data());
    }
    return out;
  }
  const std::size_t width = H5Tget_size(type);
  if (width == 0 || width > 4096) return "";
  std::vector<char> buffer(width * static_cast<std::size_t>(n) + 1, '\0');
  if (H5Aread(attr, type, buffer.data()) < 0) return "";
  return std::string(buffer.data(), strnlen(buffer.data(), width));
}

/// A numeric scalar attribute, or `fallback`.
double number_attribute(hid_t obj, const char* name, double fallback) {
  if (H5Aexists(obj, name) <= 0) return fallback;
  Id attr(H5Aopen(obj, name, H5P_DEFAULT));
  if (!attr.valid()) return fallback;
  Id type(H5Aget_type(attr));
  Id space(H5Aget_space(attr));
  if (!type.valid() || !space.valid()) return fallback;
  const H5T_class_t cls = H5Tget_class(type);
  if (cls == H5T_ENUM && H5Tget_size(type) == 1 && H5Sget_simple_extent_npoints(space) == 1) {  // h5py bool
    signed char b = 0;
    return H5Aread(attr, type, &b) < 0 ? fallback : b;
  }
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Sget_simple_extent_npoints(space) != 1) return fallback;
  double v = fallback;
  if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) < 0) return fallback;
  return v;
}

/// Names of the links directly below a group (at most `limit`).
std::vector<std::string> child_names(hid_t group, std::size_t limit = 4096) {
  std::vector<std::string> names;
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0) return names;
  for (hsize_t k = 0; k < info.nlinks && names.size() < limit; ++k) {
    const ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
    if (len <= 0 || len > 4096) continue;
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, k, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));
    names.push_back(name);
  }
  return names;
}

bool is_group(hid_t loc, const std::string& name) {
  if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) <= 0) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(loc, name.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_GROUP;
}

bool is_dataset(hid_t loc, const std::string& name) {
  if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) <= 0) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(loc, name.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_DATASET;
}

/// Bytes of one chunk of a chunked dataset (0 if not chunked, UINT64_MAX if the layout is absurd).
/// libhdf5 allocates a whole chunk to read any part of it, so callers bound this first.
std::uint64_t chunk_bytes(hid_t set, hid_t type) {
  Id plist(H5Dget_create_plist(set));
  if (!plist.valid() || H5Pget_layout(plist) != H5D_CHUNKED) return 0;
  hsize_t chunk[32] = {};
  const int rank = H5Pget_chunk(plist, 32, chunk);
  if (rank <= 0 || rank > 32) return UINT64_MAX;
  std::uint64_t bytes = H5Tget_size(type);
  for (int k = 0; k < rank; ++k) {
    if (chunk[k] == 0 || chunk[k] > (hsize_t{1} << 32) || bytes > (std::uint64_t{1} << 40)) return UINT64_MAX;
    bytes *= chunk[k];
  }
  return bytes;
}

/// The first two values of a 1-D numeric dataset (spacing of a dim vector); false if unusable.
bool first_two(hid_t loc, const std::string& name, double& a, double& b) {
  if (!is_dataset(loc, name)) return false;
  Id set(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
  if (!set.valid()) return false;
  Id type(H5Dget_type(set));
  Id space(H5Dget_space(set));
  if (!type.valid() || !space.valid()) return false;
  const H5T_class_t cls = H5Tget_class(type);
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Sget_simple_extent_ndims(space) != 1 || H5Tget_size(type) > 8) return false;
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  if (n < 2 || chunk_bytes(set, type) > (std::uint64_t{16} << 20)) return false;
  const hsize_t start = 0, count = 2;
  if (H5Sselect_hyperslab(space, H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0) return false;
  Id mem(H5Screate_simple(1, &count, nullptr));
  double v[2];
  if (H5Dread(set, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, v) < 0) return false;
  a = v[0];
  b = v[1];
  return std::isfinite(a) && std::isfinite(b);
}

struct Stack {
  hid_t set;
  std::vector<hsize_t> dims;
  int t_axis = -1;  // -1: a single frame
  int x_axis = 1;
  int y_axis = 0;
};

/// Checks the dataset's type and storage, then reads it frame by frame (hyperslabs) into `movie`
/// (`probe`: reads every frame into one buffer and keeps none: the rehearsal, see read_hdf5_movie).
void read_stack(const std::string& path, const Stack& s, const ReadOptions& o, Movie& movie, bool probe) {
  Id type(H5Dget_type(s.set));
  if (!type.valid()) bad_file(path, "cannot read the data type of the movie dataset");
  const H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
    bad_file(path, std::string("the movie dataset holds ") + (cls == H5T_COMPOUND ? "compound (complex?)" : "non-numeric") +
                       " values; choose a real-valued group with [detect] emd_group");
  }
  const std::size_t type_size = H5Tget_size(type);
  if (type_size != 1 && type_size != 2 && type_size != 4 && type_size != 8) {
    // libhdf5 sizes its conversion buffers by the stored type: refuse odd sizes (damaged files).
    bad_file(path, "the movie dataset has " + std::to_string(type_size) + "-byte samples (1, 2, 4 or 8 expected)");
  }
  const std::uint64_t nx = s.dims[static_cast<std::size_t>(s.x_axis)];
  const std::uint64_t ny = s.dims[static_cast<std::size_t>(s.y_axis)];
  const std::uint64_t nt = s.t_axis >= 0 ? s.dims[static_cast<std::size_t>(s.t_axis)] : 1;
  detail::check_shape(path, nx, ny, nt, o);
  // Contiguous data must fit in the file (a truncated file would otherwise read as zeros).
  Id plist(H5Dget_create_plist(s.set));
  const H5D_layout_t layout = plist.valid() ? H5Pget_layout(plist) : H5D_LAYOUT_ERROR;
  const std::uint64_t need = nx * ny * nt * H5Tget_size(type);
  if (layout == H5D_COMPACT && H5Dget_storage_size(s.set) < need) {
    // libhdf5 1.10 would copy past the end of a compact dataset whose stored size is too small.
    bad_file(path, "corrupt EMD file: the compact movie dataset stores " + std::to_string(H5Dget_storage_size(s.set)) +
                       " bytes, its shape needs " + std::to_string(need));
  }
  if (layout == H5D_CHUNKED) {
    // Refuse chunks far larger than the movie could need (a damaged layout message) before
    // libhdf5 allocates one.
    const std::uint64_t bytes = chunk_bytes(s.set, type);
    const std::uint64_t limit = std::max<std::uint64_t>(need, std::uint64_t{64} << 20) * 4;
    if (bytes > limit) {
      bad_file(path, "corrupt EMD file: chunks of " + (bytes == UINT64_MAX ? std::string("absurd size") : std::to_string(bytes) + " bytes") +
                         " for a movie of " + std::to_string(need) + " bytes");
    }
  }
  if (layout == H5D_CONTIGUOUS) {
    const haddr_t offset = H5Dget_offset(s.set);
    const std::uint64_t size = detail::file_size(path);
    if (offset != HADDR_UNDEF && (offset > size || need > size - offset)) {
      bad_file(path, "truncated EMD file: the movie needs " + std::to_string(need) + " bytes from byte " +
                         std::to_string(offset) + ", the file has " + std::to_string(size));
    }
  }
  Id space(H5Dget_space(s.set));
  const int rank = static_cast<int>(s.dims.size());
  std::vector<hsize_t> start(s.dims.size(), 0), count = s.dims;
  if (s.t_axis >= 0) count[static_cast<std::size_t>(s.t_axis)] = 1;
  const hsize_t plane = nx * ny;
  Id mem(H5Screate_simple(1, &plane, nullptr));
  std::vector<float> buffer(static_cast<std::size_t>(plane));
  movie.nx = static_cast<int>(nx);
  movie.ny = static_cast<int>(ny);
  movie.frames.assign(probe ? 0 : static_cast<std::size_t>(nt), {});
  const bool x_first = s.x_axis < s.y_axis;
  for (std::uint64_t t = 0; t < nt; ++t) {
    if (s.t_axis >= 0) start[static_cast<std::size_t>(s.t_axis)] = t;
    if (H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
        H5Dread(s.set, H5T_NATIVE_FLOAT, mem, space, H5P_DEFAULT, buffer.data()) < 0) {
      bad_file(path, "cannot read frame " + std::to_string(t) + " of the movie dataset (corrupt or truncated file)");
    }
    if (probe) continue;
    auto& f = movie.frames[static_cast<std::size_t>(t)];
    if (!x_first) {
      f = buffer;  // (…, y, …, x …): row-major with x fastest already
    } else {
      f.resize(static_cast<std::size_t>(plane));
      for (std::uint64_t i = 0; i < nx; ++i) {
        for (std::uint64_t j = 0; j < ny; ++j) f[j * nx + i] = buffer[i * ny + j];
      }
    }
  }
  (void)rank;
}

/// The EMD data groups under /data (emd_group_type = 1 with a `data` dataset).
std::vector<std::string> emd_data_groups(hid_t data) {
  std::vector<std::string> emd_groups;
  for (const auto& n : child_names(data)) {
    if (!is_group(data, n)) continue;
    Id g(H5Gopen2(data, n.c_str(), H5P_DEFAULT));
    if (g.valid() && number_attribute(g, "emd_group_type", 0) == 1 && is_dataset(g, "data")) emd_groups.push_back(n);
  }
  return emd_groups;
}

/// The group to read: the one named by [detect] emd_group, else `counts`, else the first
/// real-valued group (nanomix movies hold a complex `exit_wave` beside the images).
std::string choose_emd_group(const std::string& path, hid_t data, const std::vector<std::string>& emd_groups, const ReadOptions& o) {
  if (!o.emd_group.empty()) {
    if (std::find(emd_groups.begin(), emd_groups.end(), o.emd_group) == emd_groups.end()) {
      std::string list;
      for (const auto& n : emd_groups) list += (list.empty() ? "" : ", ") + n;
      bad_file(path, "no EMD group /data/" + o.emd_group + " ([detect] emd_group); the file has: " +
                         (list.empty() ? std::string("none") : list));
    }
    return o.emd_group;
  }
  if (std::find(emd_groups.begin(), emd_groups.end(), "counts") != emd_groups.end()) return "counts";
  if (emd_groups.empty()) bad_file(path, "no EMD data group (emd_group_type = 1 with a `data` dataset) under /data");
  for (const auto& n : emd_groups) {
    Id set(H5Dopen2(data, (n + "/data").c_str(), H5P_DEFAULT));
    Id type(set.valid() ? H5Dget_type(set) : -1);
    if (type.valid() && H5Tget_class(type) != H5T_COMPOUND) return n;
  }
  return emd_groups.front();
}

/// One axis of an EMD data group: its dimN dataset's name, unit and spacing.
struct EmdAxis {
  std::string name, units;
  double spacing = 0;
};

std::vector<EmdAxis> emd_axes(hid_t group, int rank) {
  std::vector<EmdAxis> axes(static_cast<std::size_t>(rank));
  for (int k = 0; k < rank; ++k) {
    const std::string dn = "dim" + std::to_string(k + 1);
    EmdAxis& a = axes[static_cast<std::size_t>(k)];
    if (!is_dataset(group, dn)) continue;
    Id dim(H5Dopen2(group, dn.c_str(), H5P_DEFAULT));
    if (!dim.valid()) continue;
    a.name = lower(string_attribute(dim, "name"));
    a.units = clean_unit(string_attribute(dim, "units"));
    double v0, v1;
    if (first_two(group, dn, v0, v1)) a.spacing = std::fabs(v1 - v0);
  }
  return axes;
}

/// The time axis (rank 3: the first named or with a time unit, else the first axis, noted) and
/// the image axes (y then x, swapped when the axes say so) into s.
void assign_axes(const std::vector<EmdAxis>& axes, int rank, Stack& s, ReadResult& r) {
  auto is_time = [](const EmdAxis& a) {
    return a.name == "t" || a.name == "time" || a.name == "frame" || a.name == "frames" || seconds_per_unit(a.units) > 0;
  };
  if (rank == 3) {
    for (int k = 0; k < 3; ++k) {
      if (is_time(axes[static_cast<std::size_t>(k)])) {
        s.t_axis = k;
        break;
      }
    }
    if (s.t_axis < 0) {
      s.t_axis = 0;
      r.notes.push_back("no time axis named in dim1..dim3: frames taken along the first axis");
    }
  }
  std::vector<int> image_axes;
  for (int k = 0; k < rank; ++k) {
    if (k != s.t_axis) image_axes.push_back(k);
  }
  s.y_axis = image_axes[0];
  s.x_axis = image_axes[1];
  if (axes[static_cast<std::size_t>(image_axes[0])].name == "x" || axes[static_cast<std::size_t>(image_axes[1])].name == "y") {
    std::swap(s.x_axis, s.y_axis);
  }
}

ReadResult read_berkeley(const std::string& path, hid_t file, const ReadOptions& o, bool probe) {
  if (!is_group(file, "data")) bad_file(path, "not an EMD file: no /data group");
  Id data(H5Gopen2(file, "data", H5P_DEFAULT));
  if (!data.valid()) bad_file(path, "cannot open /data");
  ReadResult r;
  r.format = "emd";
  check_movie_format_version(file, path, 1);  // a nanomix movie newer than this reader: refused
  if (H5Aexists(file, "version_major") <= 0) r.notes.push_back("no EMD version attribute at the root");
  const std::vector<std::string> emd_groups = emd_data_groups(data);
  const std::string chosen = choose_emd_group(path, data, emd_groups, o);
  r.dataset = "/data/" + chosen;
  r.signal = chosen;
  for (const auto& n : emd_groups) r.signals.push_back({n, "EMD group", 0, 0, 0});
  Id group(H5Gopen2(data, chosen.c_str(), H5P_DEFAULT));
  Id set(H5Dopen2(group, "data", H5P_DEFAULT));
  if (!group.valid() || !set.valid()) bad_file(path, "cannot open " + r.dataset + "/data");
  Id space(H5Dget_space(set));
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space) : -1;
  if (rank != 2 && rank != 3) {
    bad_file(path, r.dataset + "/data has rank " + std::to_string(rank) + "; a movie has rank 3 (or 2: one frame)");
  }
  Stack s;
  s.set = set;
  s.dims.resize(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, s.dims.data(), nullptr);
  const std::vector<EmdAxis> axes = emd_axes(group, rank);
  assign_axes(axes, rank, s, r);
  read_stack(path, s, o, r.movie, probe);
  r.movie.quantity = chosen;
  r.movie.unit = string_attribute(group, "units");
  const EmdAxis& ax = axes[static_cast<std::size_t>(s.x_axis)];
  const EmdAxis& ay = axes[static_cast<std::size_t>(s.y_axis)];
  const double px = ax.spacing * angstrom_per_unit(ax.units);
  const double py = ay.spacing * angstrom_per_unit(ay.units);
  double dt = 0;
  if (s.t_axis >= 0) {
    const EmdAxis& at = axes[static_cast<std::size_t>(s.t_axis)];
    dt = at.spacing * seconds_per_unit(at.units);
  }
  detail::apply_metadata(r, px, py, dt, o);
  return r;
}

/// A small JSON reader for Velox metadata (objects, arrays, strings, numbers, literals), bounded
/// in depth; malformed text yields what was parsed so far.
struct Json {
  std::string text;  ///< strings and the literal text of numbers
  std::vector<std::pair<std::string, Json>> members;
  const Json* get(const std::string& key) const {
    for (const auto& m : members) {
      if (m.first == key) return &m.second;
    }
    return nullptr;
  }
  const Json* at(std::initializer_list<const char*> path) const {
    const Json* j = this;
    for (const char* k : path) {
      if (!j) return nullptr;
      j = j->get(k);
    }
    return j;
  }
  double number(std::initializer_list<const char*> path) const {
    const Json* j = at(path);
    return j ? detail::parse_number(j->text, 0) : 0;
  }
  std::string string(std::initializer_list<const char*> path) const {
    const Json* j = at(path);
    return j ? j->text : std::string();
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& s) : s_(s) {}
  Json parse() {
    Json j;
    value(j, 0);
    return j;
  }

 private:
  const std::string& s_;
  std::size_t p_ = 0;
  void blank() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  bool str(std::string& out) {
    if (p_ >= s_.size() || s_[p_] != '"') return false;
    ++p_;
    while (p_ < s_.size() && s_[p_] != '"') {
      if (s_[p_] == '\\' && p_ + 1 < s_.size()) {
        ++p_;
        const char c = s_[p_];
        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
      } else {
        out += s_[p_];
      }
      ++p_;
    }
    ++p_;
    return true;
  }
  void value(Json& j, int depth) {
    blank();
    if (p_ >= s_.size() || depth > 64) return;
    const char c = s_[p_];
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++p_;
      for (std::size_t k = 0; p_ < s_.size(); ++k) {
        blank();
        if (p_ < s_.size() && s_[p_] == close) {
          ++p_;
          return;
        }
        std::string key = std::to_string(k);
        if (c == '{') {
          key.clear();
          if (!str(key)) return;
          blank();
          if (p_ >= s_.size() || s_[p_] != ':') return;
          ++p_;
        }
        j.members.emplace_back(key, Json{});
        value(j.members.back().second, depth + 1);
        blank();
        if (p_ < s_.size() && s_[p_] == ',') ++p_;
        else if (p_ < s_.size() && s_[p_] != close) return;
      }
      return;
    }
    if (c == '"') {
      str(j.text);
      return;
    }
    while (p_ < s_.size() && s_[p_] != ',' && s_[p_] != '}' && s_[p_] != ']' && !std::isspace(static_cast<unsigned char>(s_[p_]))) {
      j.text += s_[p_++];
    }
  }
};

/// The JSON metadata of a Velox image (its first frame's column), parsed; empty if unreadable.
Json velox_metadata(hid_t group) {
  if (!is_dataset(group, "Metadata")) return {};
  Id meta(H5Dopen2(group, "Metadata", H5P_DEFAULT));
  Id mspace(H5Dget_space(meta));
  const int mrank = mspace.valid() ? H5Sget_simple_extent_ndims(mspace) : -1;
  if (mrank != 1 && mrank != 2) return {};
  hsize_t md[2] = {0, 1};
  H5Sget_simple_extent_dims(mspace, md, nullptr);
  const hsize_t len = md[0];
  Id mtype(H5Dget_type(meta));
  if (len == 0 || len > (hsize_t{1} << 22) || (mrank == 2 && md[1] == 0) || !mtype.valid() ||
      H5Tget_class(mtype) != H5T_INTEGER || H5Tget_size(mtype) != 1 || chunk_bytes(meta, mtype) > (std::uint64_t{64} << 20)) {
    return {};
  }
  hsize_t start[2] = {0, 0}, count[2] = {len, 1};
  std::vector<char> text(static_cast<std::size_t>(len) + 1, '\0');
  Id mem(H5Screate_simple(1, &len, nullptr));
  if (H5Sselect_hyperslab(mspace, H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dread(meta, H5T_NATIVE_CHAR, mem, mspace, H5P_DEFAULT, text.data()) < 0) {
    return {};
  }
  const std::string json(text.data(), strnlen(text.data(), text.size()));
  return JsonParser(json).parse();
}

/// Velox image group n: its metadata, and its entry in r.signals (detector name, shape, kind).
Json velox_signal(hid_t images, const std::string& n, ReadResult& r) {
  Id g(H5Gopen2(images, n.c_str(), H5P_DEFAULT));
  Json meta = g.valid() ? velox_metadata(g) : Json{};
  SignalInfo si;
  si.name = meta.string({"BinaryResult", "Detector"});
  if (si.name.empty()) si.name = std::to_string(r.signals.size());
  const bool reciprocal = detail::inverse_angstrom_per_unit(meta.string({"BinaryResult", "PixelUnitX"})) > 0;
  Id set(H5Dopen2(g, "Data", H5P_DEFAULT));
  Id space(set.valid() ? H5Dget_space(set) : -1);
  hsize_t d[3] = {0, 0, 1};
  if (space.valid() && H5Sget_simple_extent_ndims(space) >= 2 && H5Sget_simple_extent_ndims(space) <= 3) {
    H5Sget_simple_extent_dims(space, d, nullptr);
  }
  si.ny = d[0];
  si.nx = d[1];
  si.frames = d[2];
  si.kind = reciprocal ? "diffraction" : (d[2] > 1 ? "image stack" : "image");
  r.signals.push_back(si);
  return meta;
}

/// The signal named (detector name or index) by [detect] emd_group, else the first.
std::size_t pick_velox_signal(const std::string& path, const ReadResult& r, const ReadOptions& o) {
  if (o.emd_group.empty()) return 0;
  for (std::size_t k = 0; k < r.signals.size(); ++k) {
    if (r.signals[k].name == o.emd_group || std::to_string(k) == o.emd_group) return k;
  }
  std::string list;
  for (const auto& si : r.signals) list += (list.empty() ? "" : ", ") + si.name;
  bad_file(path, "no Velox signal '" + o.emd_group + "' ([detect] emd_group = detector name or image index 0.." +
                     std::to_string(r.signals.size() - 1) + "); the file has: " + list);
}

/// Pixel size (Å; reciprocal calibrations marked), frame time and microscope metadata of one
/// Velox signal's metadata m, into r and px, py, dt, kind.
void velox_calibration(const Json& m, ReadResult& r, double& px, double& py, double& dt, std::string& kind) {
  const std::string ux = m.string({"BinaryResult", "PixelUnitX"}), uy = m.string({"BinaryResult", "PixelUnitY"});
  const double sx = m.number({"BinaryResult", "PixelSize", "width"}), sy = m.number({"BinaryResult", "PixelSize", "height"});
  if (detail::inverse_angstrom_per_unit(ux) > 0) {
    detail::mark_reciprocal(r, sx, ux);
  } else {
    px = sx * angstrom_per_unit(ux.empty() ? "m" : ux);
    py = sy * angstrom_per_unit(uy.empty() ? "m" : uy);
  }
  // Camera (ImagingDetector): the exposure; scanning detectors: the scan frame time.
  const std::string det_index = m.string({"BinaryResult", "DetectorIndex"});
  const Json* det = det_index.empty() ? nullptr : m.at({"Detectors", ("Detector-" + det_index).c_str()});
  if (det && det->string({"DetectorType"}) == "ImagingDetector" && det->number({"ExposureTime"}) > 0) {
    dt = det->number({"ExposureTime"});
    kind = "exposure";
  } else if (m.number({"Scan", "FrameTime"}) > 0) {
    dt = m.number({"Scan", "FrameTime"});
    kind = "scan frame time";
  }
  const double kv = m.number({"Optics", "AccelerationVoltage"}) * 1e-3;
  if (kv > 0) r.metadata.emplace_back("voltage", detail::with_unit(kv, "kV"));
  const std::string scope = m.string({"Instrument", "InstrumentModel"});
  if (!scope.empty()) r.metadata.emplace_back("microscope", scope + " " + m.string({"Instrument", "InstrumentId"}));
  const double mag = m.number({"Optics", "NominalMagnification"});
  if (mag > 0) r.metadata.emplace_back("magnification", std::to_string(std::llround(mag)) + " x");
}

ReadResult read_velox_file(const std::string& path, hid_t file, const ReadOptions& o, bool probe) {
  if (!is_group(file, "Data") || !is_group(file, "Data/Image")) bad_file(path, "not a Velox EMD file: no /Data/Image group");
  Id images(H5Gopen2(file, "Data/Image", H5P_DEFAULT));
  const auto names = child_names(images);
  std::vector<std::string> usable;
  for (const auto& n : names) {
    if (is_group(images, n) && is_dataset(images, n + "/Data")) usable.push_back(n);
  }
  if (usable.empty()) bad_file(path, "Velox file without an image (/Data/Image/<id>/Data)");
  ReadResult r;
  r.format = "velox";
  std::vector<Json> metas;
  for (const auto& n : usable) metas.push_back(velox_signal(images, n, r));
  const std::size_t index = pick_velox_signal(path, r, o);
  r.signal = r.signals[index].name;
  r.dataset = "/Data/Image/" + usable[index] + "/Data";
  Id group(H5Gopen2(images, usable[index].c_str(), H5P_DEFAULT));
  Id set(H5Dopen2(group, "Data", H5P_DEFAULT));
  Id space(H5Dget_space(set));
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space) : -1;
  if (rank != 2 && rank != 3) bad_file(path, r.dataset + " has rank " + std::to_string(rank) + "; expected 3 (height, width, frames)");
  Stack s;
  s.set = set;
  s.dims.resize(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, s.dims.data(), nullptr);
  s.y_axis = 0;
  s.x_axis = 1;
  s.t_axis = rank == 3 ? 2 : -1;
  read_stack(path, s, o, r.movie, probe);
  r.movie.quantity = "intensity";
  double px = 0, py = 0, dt = 0;
  std::string kind;
  velox_calibration(metas[index], r, px, py, dt, kind);
  if (!r.signal.empty()) r.metadata.emplace_back("detector", r.signal);
  if (px == 0 && r.refusal.empty()) r.notes.push_back("no pixel size in the Velox metadata");
  detail::apply_metadata(r, px, py, dt, o, kind);
  return r;
}

/// One HyperSpy axis-<k> group: scale, units, name and whether it navigates.
struct HspyAxis {
  double scale = 0;
  std::string units, name;
  bool navigate = false;
};

/// The shape and axes of /Experiments/<title>/data: dims, axes, the signal and navigation axes,
/// and its entry for r.signals (kind from the axes).
struct HspySignal {
  std::vector<hsize_t> dims;
  std::vector<HspyAxis> axes;
  std::vector<int> signal_axes, nav_axes;
  bool reciprocal = false;
  SignalInfo info;
};

HspySignal hspy_signal(const std::string& path, hid_t g, hid_t set, const std::string& title) {
  HspySignal h;
  Id space(set >= 0 ? H5Dget_space(set) : -1);
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space) : -1;
  if (rank < 1 || rank > 8) bad_file(path, "/Experiments/" + title + "/data has rank " + std::to_string(rank));
  h.dims.resize(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, h.dims.data(), nullptr);
  h.axes.resize(static_cast<std::size_t>(rank));
  for (int a = 0; a < rank; ++a) {
    const std::string an = "axis-" + std::to_string(a);
    HspyAxis& ax = h.axes[static_cast<std::size_t>(a)];
    if (is_group(g, an)) {
      Id ag(H5Gopen2(g, an.c_str(), H5P_DEFAULT));
      ax.scale = number_attribute(ag, "scale", 0);
      ax.units = string_attribute(ag, "units");
      ax.name = string_attribute(ag, "name");
      ax.navigate = number_attribute(ag, "navigate", 0) != 0;
      const double size = number_attribute(ag, "size", static_cast<double>(h.dims[static_cast<std::size_t>(a)]));
      if (size != static_cast<double>(h.dims[static_cast<std::size_t>(a)])) {
        bad_file(path, "/Experiments/" + title + "/" + an + " has size " + std::to_string(size) + ", the data " +
                           std::to_string(h.dims[static_cast<std::size_t>(a)]));
      }
    }
    (ax.navigate ? h.nav_axes : h.signal_axes).push_back(a);
  }
  SignalInfo& si = h.info;
  si.name = title;
  h.reciprocal = !h.signal_axes.empty() && detail::inverse_angstrom_per_unit(h.axes[static_cast<std::size_t>(h.signal_axes[0])].units) > 0;
  si.kind = h.signal_axes.size() == 1 ? "spectrum" : h.signal_axes.size() != 2 ? std::to_string(rank) + "-D data"
            : h.nav_axes.size() > 1 ? "4-D data" : h.reciprocal ? "diffraction" : h.nav_axes.empty() ? "image" : "image stack";
  if (h.signal_axes.size() == 2) {
    si.ny = h.dims[static_cast<std::size_t>(h.signal_axes[0])];
    si.nx = h.dims[static_cast<std::size_t>(h.signal_axes[1])];
    si.frames = 1;
    for (int a : h.nav_axes) si.frames *= h.dims[static_cast<std::size_t>(a)];
  }
  return h;
}

/// The chosen HyperSpy signal read into r (an image, image stack or diffraction pattern; anything
/// else refused with its axes: false), with its pixel size and frame interval.
bool read_hspy_signal(const std::string& path, hid_t set, const HspySignal& h, const ReadOptions& o, bool probe, ReadResult& r) {
  if (h.info.kind != "image" && h.info.kind != "image stack" && h.info.kind != "diffraction") {
    r.refusal = "a HyperSpy " + h.info.kind + " signal (" + std::to_string(h.signal_axes.size()) + " signal and " +
                std::to_string(h.nav_axes.size()) + " navigation axes), not an image series";
    return false;
  }
  Stack s;
  s.set = set;
  s.dims = h.dims;
  s.y_axis = h.signal_axes[0];
  s.x_axis = h.signal_axes[1];
  s.t_axis = h.nav_axes.empty() ? -1 : h.nav_axes[0];
  read_stack(path, s, o, r.movie, probe);
  r.movie.quantity = "intensity";
  const HspyAxis& ax = h.axes[static_cast<std::size_t>(s.x_axis)];
  const HspyAxis& ay = h.axes[static_cast<std::size_t>(s.y_axis)];
  double px = 0, py = 0, dt = 0;
  if (h.reciprocal) {
    detail::mark_reciprocal(r, ax.scale, ax.units);
  } else {
    px = ax.scale * angstrom_per_unit(ax.units);
    py = ay.scale * angstrom_per_unit(ay.units);
    if (px == 0 && ax.scale > 0) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "axis scale %.6g has %s: no pixel size", ax.scale,
                    ax.units.empty() ? "no units" : ("units '" + ax.units + "' (not a length)").c_str());
      r.notes.push_back(buf);
    }
  }
  if (s.t_axis >= 0) {
    const HspyAxis& at = h.axes[static_cast<std::size_t>(s.t_axis)];
    dt = at.scale * seconds_per_unit(at.units);
  }
  detail::apply_metadata(r, px, py, dt, o, "frame interval");
  return true;
}

/// HyperSpy HDF5 (.hspy): /Experiments/<title>/data with one axis-<k> group per array dimension
/// (attributes size, scale, offset, units, name, navigate). The two signal axes (navigate false)
/// are the image, a single navigation axis the frames; anything else is refused with its shape.
ReadResult read_hspy_file(const std::string& path, hid_t file, const ReadOptions& o, bool probe) {
  Id exps(H5Gopen2(file, "Experiments", H5P_DEFAULT));
  if (!exps.valid()) bad_file(path, "cannot open /Experiments");
  std::vector<std::string> titles;
  for (const auto& n : child_names(exps)) {
    if (is_group(exps, n) && is_dataset(exps, n + "/data")) titles.push_back(n);
  }
  if (titles.empty()) bad_file(path, "HyperSpy file without a signal (/Experiments/<title>/data)");
  ReadResult r;
  r.format = "hspy";
  std::size_t index = 0;
  if (!o.emd_group.empty()) {
    bool found = false;
    for (std::size_t k = 0; k < titles.size() && !found; ++k) {
      if (titles[k] == o.emd_group || std::to_string(k) == o.emd_group) {
        index = k;
        found = true;
      }
    }
    if (!found) bad_file(path, "no HyperSpy signal '" + o.emd_group + "' ([detect] emd_group) under /Experiments");
  }
  for (std::size_t k = 0; k < titles.size(); ++k) {
    Id g(H5Gopen2(exps, titles[k].c_str(), H5P_DEFAULT));
    Id set(H5Dopen2(g, "data", H5P_DEFAULT));
    const HspySignal h = hspy_signal(path, g, set, titles[k]);
    r.signals.push_back(h.info);
    if (k != index) continue;
    r.signal = titles[k];
    r.dataset = "/Experiments/" + titles[k] + "/data";
    if (!read_hspy_signal(path, set, h, o, probe, r)) return r;
  }
  return r;
}

enum class Hdf5Kind { any, velox, hspy };

ReadResult read_hdf5_movie_here(const std::string& path, const ReadOptions& o, Hdf5Kind kind, bool probe) {
  detail::file_size(path);
  h5::quiet_hdf5_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) bad_file(path, "not an HDF5 file");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) bad_file(path, "cannot open the HDF5 file (damaged or truncated)");
  Id file(id);
  try {
    if (kind == Hdf5Kind::velox || (kind == Hdf5Kind::any && !is_group(file, "data") && is_group(file, "Data"))) {
      return read_velox_file(path, file, o, probe);
    }
    if (kind == Hdf5Kind::hspy || (kind == Hdf5Kind::any && !is_group(file, "data") && is_group(file, "Experiments"))) {
      if (!is_group(file, "Experiments")) bad_file(path, "not a HyperSpy file: no /Experiments group");
      return read_hspy_file(path, file, o, probe);
    }
    return read_berkeley(path, file, o, probe);
  } catch (const RuntimeError& e) {
    bad_file(path, e.what());
  }
}

ReadResult read_hdf5_movie(const std::string& path, const ReadOptions& o, Hdf5Kind kind) {
  // The whole read rehearsed in a child that keeps no frames (core/rehearse.hpp: libhdf5 can crash
  // or hang on damaged files); only then read here.
  if (o.isolate_hdf5) rehearse_read(path, [&] { (void)read_hdf5_movie_here(path, o, kind, true); }, o.hdf5_probe_timeout_s);
  return read_hdf5_movie_here(path, o, kind, false);
}

}  // namespace

ReadResult read_emd(const std::string& path, const ReadOptions& o) { return read_hdf5_movie(path, o, Hdf5Kind::any); }
ReadResult read_velox(const std::string& path, const ReadOptions& o) { return read_hdf5_movie(path, o, Hdf5Kind::velox); }
ReadResult read_hspy(const std::string& path, const ReadOptions& o) { return read_hdf5_movie(path, o, Hdf5Kind::hspy); }

}  // namespace nanomix::imaging
