#include "core/hdf5_util.hpp"

#include <cmath>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "core/error.hpp"

namespace nanomix::h5 {

namespace {

/// The operating system's reason for the HDF5 call that just failed ("No space left on device",
/// "File too large"), taken from the file driver's entry on HDF5's error stack ("… errno = 28,
/// error message = '…'"); empty when the failure was not the system's.
std::string os_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        const std::string desc = e->desc ? e->desc : "";
        const std::string key = "error message = '";
        const auto k = desc.find(key);
        if (k == std::string::npos) return 0;
        const auto end = desc.find('\'', k + key.size());
        *static_cast<std::string*>(data) = desc.substr(k + key.size(), end == std::string::npos ? end : end - k - key.size());
        return 1;  // stop the walk
      },
      &reason);
  return reason;
}

template <class T>
T check(T id, const std::string& what) {
  if (id < 0) {
    const std::string why = os_reason();
    throw RuntimeError("HDF5: " + what + (why.empty() ? "" : " (" + why + ")"));
  }
  return id;
}

hsize_t product(const std::vector<hsize_t>& dims) {
  return std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<>());
}

Id attribute_for_write(hid_t obj, const std::string& name, hid_t type, hid_t space) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  return Id(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                  "cannot create attribute " + name));
}

template <class T>
void write_numeric_attribute(hid_t obj, const std::string& name, hid_t type, const T* data, hsize_t n,
                             bool scalar) {
  Id space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr));
  Id attr = attribute_for_write(obj, name, type, space);
  check(H5Awrite(attr, type, data), "cannot write attribute " + name);
}

template <class T>
void write_numeric_dataset(hid_t loc, const std::string& name, hid_t type, const T* data,
                           const std::vector<hsize_t>& dims) {
  if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0) H5Ldelete(loc, name.c_str(), H5P_DEFAULT);
  Id space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace " + name));
  Id lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl, 1);
  Id set(check(H5Dcreate2(loc, name.c_str(), type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT),
               "cannot create dataset " + name));
  if (product(dims) > 0) check(H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "cannot write " + name);
}

/// Elements of a dataset about to be read whole, refused (InputError) if the count overflows or
/// the declared size is far beyond what the file stores (a damaged or hostile header would
/// otherwise make nanomix allocate it): at most 1000 × the stored bytes + 64 MiB.
std::size_t checked_element_count(hid_t set, const std::vector<hsize_t>& dims, std::size_t element_bytes,
                                  const std::string& name) {
  long double n = 1;
  for (hsize_t d : dims) n *= static_cast<long double>(d);
  const long double bytes = n * static_cast<long double>(element_bytes);
  const long double stored = static_cast<long double>(H5Dget_storage_size(set));
  if (bytes > 1000.0L * stored + 64.0L * 1024 * 1024) {
    throw InputError("HDF5: " + name + " declares " + std::to_string(static_cast<double>(bytes)) + " bytes but the file stores " +
                     std::to_string(static_cast<double>(stored)) + " (damaged file?)");
  }
  return static_cast<std::size_t>(n);
}

template <class T>
std::vector<T> read_numeric_dataset(hid_t loc, const std::string& name, hid_t type, std::vector<hsize_t>* dims_out) {
  const std::vector<hsize_t> dims = dataset_dims(loc, name);
  Id set = open_dataset(loc, name);
  std::vector<T> out(checked_element_count(set, dims, sizeof(T), name));
  if (!out.empty() && H5Dread(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
    throw InputError("HDF5: cannot read " + name + " (damaged file, or not a number type)");
  }
  if (dims_out) *dims_out = dims;
  return out;
}

}  // namespace

void Id::reset() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: break;
  }
  id_ = H5I_INVALID_HID;
}

void quiet_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void skip_library_cleanup_at_exit() { H5dont_atexit(); }

void check_call(long long status, const std::string& what) { check(status, what); }

void flush_file(hid_t file) { check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush failed"); }

Id create_file(const std::string& path) {
  quiet_hdf5_errors();
  return Id(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "cannot create " + path));
}

bool is_hdf5(const std::string& path) {
  quiet_hdf5_errors();
  std::ifstream f(path);
  if (!f) return false;
  return H5Fis_hdf5(path.c_str()) > 0;
}

Id open_file(const std::string& path, bool writable) {
  quiet_hdf5_errors();
  if (!std::ifstream(path)) throw InputError(path + ": no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": not an HDF5 file");
  const hid_t id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError(path + ": cannot open the HDF5 file (damaged or locked)");
  return Id(id);
}

namespace {
/// Calls visit("a"), visit("a/b"), visit("a/b/c") for path "a/b/c" (empty parts skipped) until it
/// returns false; returns the number of prefixes visited.
template <class Visit>
std::size_t for_each_prefix(const std::string& path, Visit visit) {
  std::string partial;
  std::size_t start = 0, visited = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) {
      partial += (partial.empty() ? "" : "/") + part;
      ++visited;
      if (!visit(partial)) return visited;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return visited;
}
}  // namespace

bool exists(hid_t loc, const std::string& path) {
  // H5Lexists needs every intermediate link to exist: walk the path.
  bool all = true;
  const std::size_t visited = for_each_prefix(path, [&](const std::string& partial) {
    return all = H5Lexists(loc, partial.c_str(), H5P_DEFAULT) > 0;
  });
  return visited > 0 && all;
}

Id require_group(hid_t loc, const std::string& path) {
  if (exists(loc, path)) return open_group(loc, path);
  Id lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl, 1);
  return Id(check(H5Gcreate2(loc, path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT), "cannot create group " + path));
}

void check_hard_links(hid_t loc, const std::string& path) {
  for_each_prefix(path, [&](const std::string& partial) {
    H5L_info_t info;
    if (H5Lexists(loc, partial.c_str(), H5P_DEFAULT) > 0 && H5Lget_info(loc, partial.c_str(), &info, H5P_DEFAULT) >= 0 &&
        info.type != H5L_TYPE_HARD) {
      throw InputError(partial + ": a soft or external link; nanomix reads only objects stored in the file itself");
    }
    return true;
  });
}

void check_stored_in_file(hid_t dataset, const std::string& name) {
  Id dcpl(H5Dget_create_plist(dataset));
  if (dcpl.get() < 0) return;
  if (H5Pget_external_count(dcpl) > 0) {
    throw InputError(name + ": stored in external files; nanomix reads only data stored in the file itself");
  }
  if (H5Pget_layout(dcpl) == H5D_VIRTUAL) {
    throw InputError(name + ": a virtual dataset (data in other files); nanomix reads only data stored in the file itself");
  }
}

Id open_group(hid_t loc, const std::string& path) {
  check_hard_links(loc, path);
  const hid_t id = H5Gopen2(loc, path.c_str(), H5P_DEFAULT);
  if (id < 0) throw InputError("HDF5: no group " + path + " (damaged file, or not the kind of file expected)");
  return Id(id);
}

Id open_dataset(hid_t loc, const std::string& path) {
  check_hard_links(loc, path);
  const hid_t id = H5Dopen2(loc, path.c_str(), H5P_DEFAULT);
  if (id < 0) throw InputError("HDF5: no dataset " + path + " (damaged file, or not the kind of file expected)");
  Id set(id);
  check_stored_in_file(set, path);
  return set;
}

void write_attribute(hid_t obj, const std::string& name, const std::string& value) {
  // Variable-length UTF-8: h5py returns it as str (fixed-length strings come back as bytes, which
  // MDAnalysis and HyperSpy do not decode).
  Id type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  Id space(H5Screate(H5S_SCALAR));
  Id attr = attribute_for_write(obj, name, type, space);
  const char* p = value.c_str();
  check(H5Awrite(attr, type, &p), "cannot write attribute " + name);
}

void write_attribute(hid_t obj, const std::string& name, double value) {
  write_numeric_attribute(obj, name, H5T_NATIVE_DOUBLE, &value, 1, true);
}
void write_attribute(hid_t obj, const std::string& name, std::int64_t value) {
  write_numeric_attribute(obj, name, H5T_NATIVE_INT64, &value, 1, true);
}
void write_attribute(hid_t obj, const std::string& name, int value) {
  write_numeric_attribute(obj, name, H5T_NATIVE_INT, &value, 1, true);
}
void write_attribute(hid_t obj, const std::string& name, const std::vector<double>& values) {
  write_numeric_attribute(obj, name, H5T_NATIVE_DOUBLE, values.data(), values.size(), false);
}
void write_attribute(hid_t obj, const std::string& name, const std::vector<int>& values) {
  write_numeric_attribute(obj, name, H5T_NATIVE_INT, values.data(), values.size(), false);
}

void write_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  Id type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hsize_t n = values.size();
  Id space(H5Screate_simple(1, &n, nullptr));
  Id attr = attribute_for_write(obj, name, type, space);
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  check(H5Awrite(attr, type, pointers.data()), "cannot write attribute " + name);
}

bool has_attribute(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

namespace {
hid_t open_attribute(hid_t obj, const std::string& name) {
  const hid_t id = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
  if (id < 0) throw InputError("HDF5: no attribute " + name + " (damaged file, or not the kind of file expected)");
  return id;
}
}  // namespace

std::vector<std::string> read_string_array_attribute(hid_t obj, const std::string& name) {
  Id attr(open_attribute(obj, name));
  Id type(H5Aget_type(attr));
  if (H5Tget_class(type) != H5T_STRING) throw RuntimeError("HDF5: attribute " + name + " is not a string");
  Id space(H5Aget_space(attr));
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  const std::size_t width = H5Tget_size(type);
  // A damaged header must not size the buffers: a count or width HDF5 cannot give, or a string
  // attribute of more than 64 MiB, is refused.
  if (n < 0 || width == 0 || static_cast<long double>(n) * static_cast<long double>(width) > 64.0L * 1024 * 1024) {
    throw InputError("HDF5: attribute " + name + " is damaged");
  }
  std::vector<std::string> out;
  if (H5Tis_variable_str(type) > 0) {
    std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
    Id mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    if (H5Aread(attr, mem, ptrs.data()) < 0) throw InputError("HDF5: cannot read attribute " + name + " (damaged)");
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, ptrs.data());
  } else {
    std::vector<char> buffer(width * static_cast<std::size_t>(n) + 1, '\0');
    if (H5Aread(attr, type, buffer.data()) < 0) throw InputError("HDF5: cannot read attribute " + name + " (damaged)");
    for (hssize_t i = 0; i < n; ++i) {
      const char* p = buffer.data() + static_cast<std::size_t>(i) * width;
      out.emplace_back(p, strnlen(p, width));
    }
  }
  return out;
}

std::string read_string_attribute(hid_t obj, const std::string& name) {
  auto all = read_string_array_attribute(obj, name);
  return all.empty() ? std::string() : all.front();
}

std::vector<double> read_double_array_attribute(hid_t obj, const std::string& name) {
  Id attr(open_attribute(obj, name));
  Id space(H5Aget_space(attr));
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0 || n > (hssize_t{1} << 24)) throw InputError("HDF5: attribute " + name + " is damaged");
  std::vector<double> out(static_cast<std::size_t>(n));
  if (!out.empty() && H5Aread(attr, H5T_NATIVE_DOUBLE, out.data()) < 0) throw InputError("HDF5: cannot read attribute " + name + " (damaged, or not a number)");
  return out;
}

double read_double_attribute(hid_t obj, const std::string& name) {
  auto v = read_double_array_attribute(obj, name);
  if (v.empty()) throw RuntimeError("HDF5: attribute " + name + " is empty");
  return v.front();
}

std::int64_t whole_number(double value, const std::string& what, double lo, double hi) {
  if (!(value >= lo && value <= hi) || value != std::floor(value)) {
    std::ostringstream s;
    s << what << ": " << value << " is not a whole number in [" << lo << ", " << hi << "]";
    throw InputError(s.str());
  }
  return static_cast<std::int64_t>(value);
}

int check_format_version(hid_t obj, const std::string& path, const std::string& kind, const std::string& version_attribute, int oldest,
                         int newest) {
  if (!has_attribute(obj, version_attribute)) throw InputError(path + ": not a nanomix " + kind + " file (no format version: attribute " + version_attribute + ")");
  const double v = read_double_attribute(obj, version_attribute);
  if (!(v >= oldest && v <= newest) || v != std::floor(v)) {
    std::ostringstream s;
    s << path << ": " << kind << " format version " << v << "; this nanomix reads versions " << oldest << " to " << newest
      << (v > newest ? " (written by a newer nanomix)" : "");
    throw InputError(s.str());
  }
  return static_cast<int>(v);
}

std::vector<std::int64_t> read_int_array_attribute(hid_t obj, const std::string& name) {
  Id attr(open_attribute(obj, name));
  Id space(H5Aget_space(attr));
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0 || n > (hssize_t{1} << 24)) throw InputError("HDF5: attribute " + name + " is damaged");
  std::vector<std::int64_t> out(static_cast<std::size_t>(n));
  if (!out.empty() && H5Aread(attr, H5T_NATIVE_INT64, out.data()) < 0) throw InputError("HDF5: cannot read attribute " + name + " (damaged, or not a number)");
  return out;
}

void check_declared_size(hid_t loc, const std::string& name, std::size_t element_bytes) {
  Id set = open_dataset(loc, name);
  (void)checked_element_count(set, dataset_dims(loc, name), element_bytes, name);
}

void write_dataset(hid_t loc, const std::string& name, const double* data, const std::vector<hsize_t>& dims) {
  write_numeric_dataset(loc, name, H5T_NATIVE_DOUBLE, data, dims);
}
void write_dataset(hid_t loc, const std::string& name, const float* data, const std::vector<hsize_t>& dims) {
  write_numeric_dataset(loc, name, H5T_NATIVE_FLOAT, data, dims);
}
void write_dataset(hid_t loc, const std::string& name, const std::int32_t* data, const std::vector<hsize_t>& dims) {
  write_numeric_dataset(loc, name, H5T_NATIVE_INT32, data, dims);
}
void write_dataset(hid_t loc, const std::string& name, const std::int64_t* data, const std::vector<hsize_t>& dims) {
  write_numeric_dataset(loc, name, H5T_NATIVE_INT64, data, dims);
}

void write_string_dataset(hid_t loc, const std::string& name, const std::string& text) {
  if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0) H5Ldelete(loc, name.c_str(), H5P_DEFAULT);
  Id type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  Id space(H5Screate(H5S_SCALAR));
  Id set(check(H5Dcreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               "cannot create dataset " + name));
  const char* p = text.c_str();
  check(H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "cannot write " + name);
}

std::string read_string_dataset(hid_t loc, const std::string& name) {
  Id set = open_dataset(loc, name);
  Id type(H5Dget_type(set));
  if (H5Tget_class(type) != H5T_STRING) throw RuntimeError("HDF5: " + name + " is not a string");
  if (H5Tis_variable_str(type) > 0) {
    Id mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    char* p = nullptr;
    check(H5Dread(set, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "cannot read " + name);
    std::string out = p ? p : "";
    Id space(H5Dget_space(set));
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, &p);
    return out;
  }
  std::vector<char> buffer(H5Tget_size(type) + 1, '\0');
  check(H5Dread(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "cannot read " + name);
  return std::string(buffer.data());
}

std::vector<hsize_t> dataset_dims(hid_t loc, const std::string& name) {
  Id set = open_dataset(loc, name);
  Id space(H5Dget_space(set));
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

std::vector<double> read_doubles(hid_t loc, const std::string& name, std::vector<hsize_t>* dims) {
  return read_numeric_dataset<double>(loc, name, H5T_NATIVE_DOUBLE, dims);
}
std::vector<float> read_floats(hid_t loc, const std::string& name, std::vector<hsize_t>* dims) {
  return read_numeric_dataset<float>(loc, name, H5T_NATIVE_FLOAT, dims);
}
std::vector<std::int64_t> read_int64s(hid_t loc, const std::string& name, std::vector<hsize_t>* dims) {
  return read_numeric_dataset<std::int64_t>(loc, name, H5T_NATIVE_INT64, dims);
}

std::vector<double> read_double_rows(hid_t loc, const std::string& name, hsize_t first, hsize_t count) {
  std::vector<hsize_t> dims = dataset_dims(loc, name);
  if (dims.empty() || first + count > dims[0]) throw RuntimeError("HDF5: rows out of range in " + name);
  Id set = open_dataset(loc, name);
  Id space(H5Dget_space(set));
  std::vector<hsize_t> start(dims.size(), 0), size = dims;
  start[0] = first;
  size[0] = count;
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, size.data(), nullptr);
  Id mem(H5Screate_simple(static_cast<int>(size.size()), size.data(), nullptr));
  std::vector<double> out(static_cast<std::size_t>(product(size)));
  if (!out.empty()) check(H5Dread(set, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, out.data()), "cannot read " + name);
  return out;
}

Id complex_float_type() {
  Id type(H5Tcreate(H5T_COMPOUND, sizeof(std::complex<float>)));
  H5Tinsert(type, "r", 0, H5T_NATIVE_FLOAT);
  H5Tinsert(type, "i", sizeof(float), H5T_NATIVE_FLOAT);
  return type;
}

AppendableDataset AppendableDataset::create(hid_t loc, const std::string& name, hid_t type,
                                            const std::vector<hsize_t>& row_dims, hsize_t rows_per_chunk,
                                            int deflate_level) {
  AppendableDataset d;
  d.type_ = type;
  d.row_dims_ = row_dims;
  std::vector<hsize_t> dims{0}, max{H5S_UNLIMITED}, chunk{std::max<hsize_t>(rows_per_chunk, 1)};
  for (hsize_t r : row_dims) {
    dims.push_back(r);
    max.push_back(r);
    chunk.push_back(std::max<hsize_t>(r, 1));
  }
  Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data()));
  Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
  if (deflate_level > 0) H5Pset_deflate(dcpl, static_cast<unsigned>(deflate_level));
  Id lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl, 1);
  d.dataset_ = Id(check(H5Dcreate2(loc, name.c_str(), type, space, lcpl, dcpl, H5P_DEFAULT), "cannot create " + name));
  return d;
}

AppendableDataset AppendableDataset::open(hid_t loc, const std::string& name, hid_t type) {
  AppendableDataset d;
  d.type_ = type;
  const std::vector<hsize_t> dims = dataset_dims(loc, name);
  d.rows_ = dims.empty() ? 0 : dims[0];
  d.row_dims_.assign(dims.begin() + (dims.empty() ? 0 : 1), dims.end());
  d.dataset_ = open_dataset(loc, name);
  return d;
}

void AppendableDataset::append(const void* data, hsize_t rows) {
  if (rows == 0) return;
  std::vector<hsize_t> dims{rows_ + rows};
  dims.insert(dims.end(), row_dims_.begin(), row_dims_.end());
  check(H5Dset_extent(dataset_, dims.data()), "cannot extend dataset");
  Id space(H5Dget_space(dataset_));
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = rows_;
  count[0] = rows;
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
  Id mem(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
  check(H5Dwrite(dataset_, type_, mem, space, H5P_DEFAULT, data), "cannot append rows");
  rows_ += rows;
}

void AppendableDataset::truncate(hsize_t rows) {
  if (rows >= rows_) return;
  std::vector<hsize_t> dims{rows};
  dims.insert(dims.end(), row_dims_.begin(), row_dims_.end());
  check(H5Dset_extent(dataset_, dims.data()), "cannot truncate dataset");
  rows_ = rows;
}

}  // namespace nanomix::h5

namespace nanomix::h5 {

namespace {

std::string type_text(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(8 * H5Tget_size(type));
    case H5T_FLOAT: return "float" + std::to_string(8 * H5Tget_size(type));
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    default: return "other";
  }
}

std::string attributes_text(hid_t obj) {
  std::string out;
  H5O_info_t info;
  if (H5Oget_info(obj, &info) < 0) return out;
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    Id attr(H5Aopen_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid()) continue;
    char name[256] = {};
    if (H5Aget_name(attr, sizeof name, name) < 0) continue;
    Id type(H5Aget_type(attr));
    Id space(H5Aget_space(attr));
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    std::string value;
    if (H5Tget_class(type) == H5T_STRING) {
      auto v = read_string_array_attribute(obj, name);
      for (std::size_t k = 0; k < v.size(); ++k) value += (k ? "," : "") + v[k];
      if (value.size() > 40) value = value.substr(0, 37) + "...";
    } else if ((H5Tget_class(type) == H5T_INTEGER || H5Tget_class(type) == H5T_FLOAT) && n <= 4) {
      auto v = read_double_array_attribute(obj, name);
      for (std::size_t k = 0; k < v.size(); ++k) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v[k]);
        value += (k ? "," : "") + std::string(buf);
      }
    } else {
      value = "[" + std::to_string(n) + " values]";
    }
    out += std::string("  ") + name + "=" + value;
  }
  return out;
}

struct Walk {
  std::vector<std::string> lines;
  std::size_t max_lines;
};

herr_t visit(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  auto* walk = static_cast<Walk*>(data);
  if (walk->lines.size() >= walk->max_lines) return 1;
  const std::string path = std::string("/") + (std::string(name) == "." ? "" : name);
  Id obj(H5Oopen(root, name, H5P_DEFAULT));
  if (info->type == H5O_TYPE_DATASET) {
    Id type(H5Dget_type(obj));
    Id space(H5Dget_space(obj));
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    std::string shape = "(";
    for (std::size_t k = 0; k < dims.size(); ++k) shape += (k ? ", " : "") + std::to_string(dims[k]);
    shape += rank == 1 ? ",)" : ")";
    walk->lines.push_back(path + "  " + type_text(type) + " " + shape + attributes_text(obj));
  } else if (info->type == H5O_TYPE_GROUP) {
    walk->lines.push_back(path + "/" + attributes_text(obj));
  }
  return 0;
}

}  // namespace

std::string describe_tree(hid_t file, std::size_t max_lines) {
  Walk walk{{}, max_lines};
  H5Ovisit(file, H5_INDEX_NAME, H5_ITER_INC, visit, &walk);
  std::string out;
  for (const auto& l : walk.lines) out += "  " + l + "\n";
  if (walk.lines.size() >= max_lines) out += "  …\n";
  return out;
}

}  // namespace nanomix::h5
