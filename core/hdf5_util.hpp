#pragma once
// Small RAII layer over the HDF5 C API: handles that close themselves, attributes, whole datasets,
// and datasets that grow along their first axis (trajectories and movies written frame by frame).
// Every failure throws RuntimeError naming the file object.
#include <hdf5.h>

#include <complex>
#include <cstdint>
#include <string>
#include <vector>

namespace nanomix::h5 {

/// An HDF5 identifier that closes itself (file, group, dataset, attribute, space, type).
class Id {
 public:
  Id() = default;
  explicit Id(hid_t id) : id_(id) {}
  ~Id() { reset(); }
  Id(Id&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: handles pass straight to the C API
  bool valid() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// Silences HDF5's automatic error printing for the life of the program (we throw instead).
void quiet_hdf5_errors();
/// Throws RuntimeError("HDF5: <what> (<the system's reason, e.g. No space left on device>)") when
/// an HDF5 call returned a negative status; for writers.
void check_call(long long status, const std::string& what);
/// Flushes a file being written (checked: a full disk found here would otherwise be lost when the
/// file is closed, whose failure nobody sees). Every writer calls it last.
void flush_file(hid_t file);
/// Called first thing in main: HDF5 does not close what is still open at exit. Every nanomix
/// HDF5 object is closed by its owner before then; what stays open is a file whose close failed
/// after a failed write (a full disk), and libhdf5 1.10 crashes (SIGSEGV in H5F__close_cb) when
/// its exit handler closes such a file again.
void skip_library_cleanup_at_exit();

Id create_file(const std::string& path);  ///< truncates
Id open_file(const std::string& path, bool writable = false);  ///< InputError if not HDF5
bool is_hdf5(const std::string& path);

/// Whether a link path (e.g. "particles/all/position") exists below loc.
bool exists(hid_t loc, const std::string& path);
/// Opens or creates the group (and any missing parents).
Id require_group(hid_t loc, const std::string& path);
/// InputError if a link on `path` (from `loc`) is a soft or external link: a file read by nanomix
/// is read from itself only (a dangling soft link must not silently pick other data).
void check_hard_links(hid_t loc, const std::string& path);
/// InputError if `dataset` keeps its data outside the file (external storage, virtual dataset).
void check_stored_in_file(hid_t dataset, const std::string& name);
/// Group and dataset at `path`, refused if reached through a soft or external link; a dataset
/// stored outside the file is refused too.
Id open_group(hid_t loc, const std::string& path);
Id open_dataset(hid_t loc, const std::string& path);

// Attributes (overwritten if present).
void write_attribute(hid_t obj, const std::string& name, const std::string& value);
void write_attribute(hid_t obj, const std::string& name, double value);
void write_attribute(hid_t obj, const std::string& name, std::int64_t value);
void write_attribute(hid_t obj, const std::string& name, int value);
void write_attribute(hid_t obj, const std::string& name, const std::vector<double>& values);
void write_attribute(hid_t obj, const std::string& name, const std::vector<int>& values);
void write_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values);
bool has_attribute(hid_t obj, const std::string& name);
std::string read_string_attribute(hid_t obj, const std::string& name);
std::vector<std::string> read_string_array_attribute(hid_t obj, const std::string& name);
double read_double_attribute(hid_t obj, const std::string& name);
std::vector<double> read_double_array_attribute(hid_t obj, const std::string& name);
std::vector<std::int64_t> read_int_array_attribute(hid_t obj, const std::string& name);

/// A count, index or class stored as a number (attribute or table cell): InputError "WHAT: V is not
/// a whole number in [LO, HI]" otherwise (a damaged file must not reach a cast or an allocation).
std::int64_t whole_number(double value, const std::string& what, double lo, double hi);

/// The one version policy of nanomix's own files (trajectory, movie, columns, diagrams,
/// comparison): `obj` carries the integer attribute `version_attribute`; a reader states the oldest
/// and newest versions it reads. Returns the version; otherwise an InputError naming the file:
/// "PATH: not a nanomix KIND file (no format version: attribute VERSION_ATTRIBUTE)" or "PATH: KIND format version N; this
/// nanomix reads versions OLDEST to NEWEST" (a newer file needs a newer nanomix).
int check_format_version(hid_t obj, const std::string& path, const std::string& kind, const std::string& version_attribute, int oldest,
                         int newest);

// Whole datasets; dims in C order (first index slowest).
void write_dataset(hid_t loc, const std::string& name, const double* data, const std::vector<hsize_t>& dims);
void write_dataset(hid_t loc, const std::string& name, const float* data, const std::vector<hsize_t>& dims);
void write_dataset(hid_t loc, const std::string& name, const std::int32_t* data, const std::vector<hsize_t>& dims);
void write_dataset(hid_t loc, const std::string& name, const std::int64_t* data, const std::vector<hsize_t>& dims);
void write_string_dataset(hid_t loc, const std::string& name, const std::string& text);
/// Dimensions of a dataset.
std::vector<hsize_t> dataset_dims(hid_t loc, const std::string& name);
/// InputError unless dataset `name`'s declared size (as elements of `element_bytes`) is within
/// 1000 × the bytes the file stores for it + 64 MiB (a damaged header must not size an allocation
/// or a loop); every whole-dataset read below checks it.
void check_declared_size(hid_t loc, const std::string& name, std::size_t element_bytes);
std::vector<double> read_doubles(hid_t loc, const std::string& name, std::vector<hsize_t>* dims = nullptr);
std::vector<float> read_floats(hid_t loc, const std::string& name, std::vector<hsize_t>* dims = nullptr);
std::vector<std::int64_t> read_int64s(hid_t loc, const std::string& name, std::vector<hsize_t>* dims = nullptr);
std::string read_string_dataset(hid_t loc, const std::string& name);
/// Rows [first, first+count) along axis 0 of an N-D double dataset.
std::vector<double> read_double_rows(hid_t loc, const std::string& name, hsize_t first, hsize_t count);

/// HDF5 compound type {r, i} of two floats / doubles (h5py's and NumPy's complex layout).
Id complex_float_type();

/// A chunked dataset that grows along axis 0: rows of shape `row_dims` appended one block at a time.
class AppendableDataset {
 public:
  AppendableDataset() = default;
  /// Creates loc/name with 0 rows of element type `type` (e.g. H5T_NATIVE_DOUBLE).
  static AppendableDataset create(hid_t loc, const std::string& name, hid_t type,
                                  const std::vector<hsize_t>& row_dims, hsize_t rows_per_chunk = 1,
                                  int deflate_level = 0);
  /// Opens an existing one (for resuming).
  static AppendableDataset open(hid_t loc, const std::string& name, hid_t type);
  /// Appends `rows` rows from `data` (row-major, memory type as at creation).
  void append(const void* data, hsize_t rows = 1);
  /// Drops rows beyond `rows` (a resumed run discards frames past its checkpoint).
  void truncate(hsize_t rows);
  hsize_t rows() const { return rows_; }
  hid_t id() const { return dataset_; }

 private:
  Id dataset_;
  hid_t type_ = H5I_INVALID_HID;  // native memory type (not owned)
  std::vector<hsize_t> row_dims_;
  hsize_t rows_ = 0;
};

}  // namespace nanomix::h5

namespace nanomix::h5 {
/// One line per group and dataset below the root ("  /particles/all/position/value  float64 (10, 400, 3)  unit=nm"),
/// with scalar and string attributes, for `nanomix info`.
std::string describe_tree(hid_t file, std::size_t max_lines = 200);
}  // namespace nanomix::h5
