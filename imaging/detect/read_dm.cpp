// Gatan DigitalMicrograph DM3/DM4 (tag tree: imaging/detect/dm_tags.hpp).
//
// ImageList holds the images; each has ImageData/{Data, DataType, Dimensions, Calibrations} and a
// Name, with the acquisition metadata under ImageTags. The first image of a saved document is
// usually an RGB thumbnail: RGB images are never signals. Dimensions are (x, y[, z]) with x
// fastest: a 2-D image is one frame, a 3-D stack has z frames (a movie, a StackBuilder stack or an
// in-situ recording). The signal read is [detect] emd_group (the image's Name, or its index among
// the signals), else the first image. 1-D data and stacks whose third axis is an energy are
// spectra / spectrum images, axes calibrated in 1/length are diffraction: refused for real-space
// analysis with their reason.
//
// Pixel size: Calibrations/Dimension/<axis>/Scale in its Units (nm, µm, pm, Å). Frame time: the
// third axis's scale when its unit is a time (frame interval), else the camera exposure
// (ImageTags/Acquisition/Parameters/High Level/Exposure (s), or DataBar/Exposure Time (s)).
// DigiScan (STEM) images store a per-pixel dwell time only, which is not a frame time.
#include <cmath>
#include <fstream>

#include "imaging/detect/dm_tags.hpp"
#include "imaging/detect/movie_reader.hpp"
#include "imaging/detect/reader_util.hpp"
#include "imaging/detect/sample_convert.hpp"

namespace nanomix::imaging {

namespace detail {

/// Exposure of a camera acquisition from DM image tags (0 if none).
double dm_exposure_s(const DmTag& image_tags) {
  for (const char* p : {"Acquisition/Parameters/High Level/Exposure (s)", "DataBar/Exposure Time (s)",
                        "Acquisition/Parameters/Acquisition Write Parameters/Exposure (s)"}) {
    const double v = dm_number(image_tags, p, 0);
    if (v > 0 && std::isfinite(v)) return v;
  }
  return 0;
}

/// Microscope metadata from DM image tags (Microscope Info, possibly below source/Tags at creation).
void dm_metadata(const DmTag& image_tags, ReadResult& r) {
  const DmTag* info = image_tags.find("Microscope Info");
  if (!info) info = image_tags.find("source/Tags at creation/Microscope Info");
  if (!info) return;
  auto num = [&](const char* key, const char* label, double scale, const char* unit) {
    const double v = dm_number(*info, key, 0);
    if (v > 0 && std::isfinite(v)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6g %s", v * scale, unit);
      r.metadata.emplace_back(label, buf);
    }
  };
  auto text = [&](const char* key, const char* label) {
    const std::string v = dm_text(*info, key);
    if (!v.empty()) r.metadata.emplace_back(label, v);
  };
  text("Microscope", "microscope");
  num("Voltage", "voltage", 1e-3, "kV");
  num("Indicated Magnification", "magnification", 1, "x");
  text("Operation Mode", "mode");
  text("Illumination Mode", "illumination");
}

}  // namespace detail

namespace {

using detail::bad_file;
using detail::DmTag;

bool rgb(int data_type) { return data_type == 8 || data_type == 23; }

/// Sample type of a DM DataType code; false if not a real scalar type nanomix reads.
bool dm_sample_type(int data_type, RawType& type) {
  switch (data_type) {
    case 1: type = RawType::i16; return true;
    case 2: type = RawType::f32; return true;
    case 6: case 14: type = RawType::u8; return true;
    case 7: type = RawType::i32; return true;
    case 9: type = RawType::i8; return true;
    case 10: type = RawType::u16; return true;
    case 11: type = RawType::u32; return true;
    case 12: type = RawType::f64; return true;
    default: return false;
  }
}

std::string data_type_name(int t) {
  switch (t) {
    case 3: case 13: return "complex";
    case 5: return "packed complex";
    case 8: case 23: return "RGB";
    default: return "DataType " + std::to_string(t);
  }
}

struct Image {
  const DmTag* tag = nullptr;
  std::string name;
  std::vector<std::uint64_t> dims;
  int data_type = 0;
  std::string units[3];
  double scale[3] = {0, 0, 0};
  std::string kind;
};

std::string kind_of(const Image& im) {
  auto energy = [](const std::string& u) {
    const std::string l = detail::lower(u);
    return l == "ev" || l == "kev";
  };
  if (im.dims.size() == 1 || (im.dims.size() == 2 && im.dims[1] == 1 && energy(im.units[0]))) return "spectrum";
  if (im.dims.size() == 3 && (energy(im.units[2]) || energy(im.units[0]))) return "spectrum image";
  if (im.dims.size() > 3) return std::to_string(im.dims.size()) + "-D data";
  const bool reciprocal = detail::inverse_angstrom_per_unit(im.units[0]) > 0;
  if (im.dims.size() == 2) return reciprocal ? "diffraction" : "image";
  return reciprocal ? "diffraction stack" : "image stack";
}

/// Image t of the ImageList as an Image: false for entries without data or dimensions, and for
/// RGB thumbnails (counted in `thumbnails`).
bool list_image(const DmTag& t, const std::string& path, std::size_t index, Image& im, std::size_t& thumbnails) {
  im.tag = &t;
  im.name = detail::dm_text(t, "Name");
  const double data_type = detail::dm_number(t, "ImageData/DataType", -1);
  im.data_type = data_type >= 0 && data_type <= 1000 ? static_cast<int>(data_type) : -1;  // any double may be stored
  const DmTag* dims = t.find("ImageData/Dimensions");
  if (!dims || !t.find("ImageData/Data")) return false;
  for (const DmTag& d : dims->children) {
    const double v = d.number(-1);
    if (!(v >= 1 && v <= 4.3e9)) bad_file(path, "DM image '" + im.name + "' has a dimension of " + std::to_string(v));
    im.dims.push_back(static_cast<std::uint64_t>(v));
  }
  if (im.dims.empty() || im.dims.size() > 8) return false;
  if (rgb(im.data_type)) {
    ++thumbnails;
    return false;
  }
  for (int a = 0; a < 3; ++a) {
    const std::string base = "ImageData/Calibrations/Dimension/" + std::to_string(a) + "/";
    im.units[a] = detail::dm_text(t, base + "Units");
    im.scale[a] = detail::dm_number(t, base + "Scale", 0);
  }
  im.kind = kind_of(im);
  if (im.name.empty()) im.name = std::to_string(index);
  return true;
}

/// The greyscale images of the ImageList, each listed in r.signals (thumbnails noted, skipped).
std::vector<Image> list_images(const DmTag& list, const std::string& path, ReadResult& r) {
  std::vector<Image> images;
  std::size_t thumbnails = 0;
  for (const DmTag& t : list.children) {
    Image im;
    if (list_image(t, path, images.size(), im, thumbnails)) images.push_back(im);
  }
  if (images.empty()) bad_file(path, "DigitalMicrograph file without a greyscale image (only RGB thumbnails)");
  if (thumbnails) r.notes.push_back("skipped " + std::to_string(thumbnails) + " RGB thumbnail image(s)");
  for (const auto& im : images) {
    SignalInfo s;
    s.name = im.name;
    s.kind = im.kind;
    s.nx = im.dims[0];
    s.ny = im.dims.size() > 1 ? im.dims[1] : 1;
    s.frames = 1;
    for (std::size_t k = 2; k < im.dims.size(); ++k) s.frames *= im.dims[k];
    r.signals.push_back(s);
  }
  return images;
}

/// The image to read: the one named (or numbered) by [detect] emd_group, else the first image or
/// image stack, else the first.
std::size_t pick_image(const std::vector<Image>& images, const ReadOptions& o, const std::string& path) {
  if (o.emd_group.empty()) {
    for (std::size_t k = 0; k < images.size(); ++k) {
      if (images[k].kind == "image" || images[k].kind == "image stack") return k;
    }
    return 0;
  }
  for (std::size_t k = 0; k < images.size(); ++k) {
    if (images[k].name == o.emd_group || std::to_string(k) == o.emd_group) return k;
  }
  std::string names;
  for (const auto& im : images) names += (names.empty() ? "" : ", ") + im.name;
  bad_file(path, "no DM image named '" + o.emd_group + "' ([detect] emd_group); the file has: " + names);
}

/// The pixel size (Å) of a real-space image into px, py; for spectra and 4-D data a refusal, for
/// diffraction the reciprocal calibration, into r.
void dm_calibration(const Image& im, ReadResult& r, double& px, double& py) {
  if (im.kind == "spectrum" || im.kind == "spectrum image" || im.dims.size() > 3) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "a %s (%llu channels of %.6g %s), not an image", im.kind.c_str(),
                  static_cast<unsigned long long>(im.kind == "spectrum image" ? im.dims[2] : im.dims[0]),
                  im.kind == "spectrum image" ? im.scale[2] : im.scale[0],
                  (im.kind == "spectrum image" ? im.units[2] : im.units[0]).c_str());
    r.refusal = im.dims.size() > 3 ? "4-D or higher data (4D-STEM?), not an image series" : buf;
  } else if (detail::inverse_angstrom_per_unit(im.units[0]) > 0) {
    detail::mark_reciprocal(r, im.scale[0], im.units[0]);
  } else {
    px = im.scale[0] * angstrom_per_unit(im.units[0]);
    py = im.scale[1] * angstrom_per_unit(im.units[1]);
    if (im.scale[0] > 0 && px == 0 && !im.units[0].empty()) {
      r.notes.push_back("x calibration unit '" + im.units[0] + "' is not a length: no pixel size");
    }
  }
}

/// The nt frames of nx × ny samples of `type` from the Data tag, into r.movie.
void read_dm_frames(std::ifstream& in, const DmTag& data, const std::string& path, bool little_endian, RawType type, std::uint64_t nx,
                    std::uint64_t ny, std::uint64_t nt, ReadResult& r) {
  const std::uint64_t frame_bytes = nx * ny * raw_type_bytes(type);
  r.movie.nx = static_cast<int>(nx);
  r.movie.ny = static_cast<int>(ny);
  r.movie.quantity = "intensity";
  std::vector<unsigned char> buffer(static_cast<std::size_t>(frame_bytes));
  in.clear();
  in.seekg(static_cast<std::streamoff>(data.offset));
  r.movie.frames.resize(static_cast<std::size_t>(nt));
  for (auto& fr : r.movie.frames) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(frame_bytes));
    if (!in) bad_file(path, "read error in the DM image data");
    fr.resize(static_cast<std::size_t>(nx * ny));
    detail::convert_samples(buffer.data(), fr.size(), type, !little_endian, fr.data());
  }
}

}  // namespace

ReadResult read_dm(const std::string& path, const ReadOptions& o) {
  const std::uint64_t size = detail::file_size(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) bad_file(path, "cannot open the file");
  const detail::DmFile f = detail::parse_dm(in, size, path);
  const DmTag* list = f.root.find("ImageList");
  if (!list || !list->is_group) bad_file(path, "DigitalMicrograph file without an ImageList");

  ReadResult r;
  r.format = f.version == 4 ? "dm4" : "dm3";
  const std::vector<Image> images = list_images(*list, path, r);
  const Image& im = images[pick_image(images, o, path)];
  r.signal = im.name;
  r.dataset = "ImageList image '" + im.name + "' (" + im.kind + ")";
  const DmTag& data = *im.tag->find("ImageData/Data");
  const std::uint64_t nx = im.dims[0], ny = im.dims.size() > 1 ? im.dims[1] : 1;
  std::uint64_t nt = 1;
  for (std::size_t k = 2; k < im.dims.size(); ++k) {
    if (im.dims[k] > (std::uint64_t{1} << 32) / nt) bad_file(path, "DM image with an absurd number of frames");
    nt *= im.dims[k];
  }
  const DmTag* tags = im.tag->find("ImageTags");
  if (tags) detail::dm_metadata(*tags, r);
  double px = 0, py = 0, dt = 0;
  std::string kind;
  dm_calibration(im, r, px, py);
  if (!r.refusal.empty() && !o.allow_non_image) {
    bad_file(path, r.refusal + ": nothing to analyse in real space");  // before reading (4-D data can be huge)
  }
  RawType type;
  if (!dm_sample_type(im.data_type, type)) {
    bad_file(path, "DM image '" + im.name + "' holds " + data_type_name(im.data_type) +
                       " data; nanomix reads real-valued integer and float images");
  }
  if (data.type != 20 || data.element_type == 15) bad_file(path, "DM image '" + im.name + "': ImageData/Data is not a plain array");
  detail::check_shape(path, nx, ny, nt, o);
  const std::uint64_t w = raw_type_bytes(type);
  if (data.bytes != nx * ny * w * nt) {
    bad_file(path, "DM image '" + im.name + "': " + std::to_string(data.bytes) + " bytes of data for " + std::to_string(nx) +
                       " x " + std::to_string(ny) + " x " + std::to_string(nt) + " samples of " + std::to_string(w) + " bytes");
  }
  read_dm_frames(in, data, path, f.little_endian, type, nx, ny, nt, r);
  if (im.dims.size() == 3 && im.scale[2] > 0 && seconds_per_unit(im.units[2]) > 0) {
    dt = im.scale[2] * seconds_per_unit(im.units[2]);
    kind = "frame interval";
  } else if (tags) {
    dt = detail::dm_exposure_s(*tags);
    kind = "exposure";
  }
  detail::apply_metadata(r, px, py, dt, o, kind);
  return r;
}

}  // namespace nanomix::imaging
