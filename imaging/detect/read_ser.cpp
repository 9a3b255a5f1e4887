// FEI/Thermo Fisher TIA: a .ser file holds a series of data elements, its .emi companion the
// acquisition metadata (an <ObjectInfo> XML block). Given either file, the other is found by name:
// "<base>_<n>.ser" <-> "<base>.emi" (an .emi with several .ser files lists each as a signal,
// selected by [detect] emd_group = its number or title; default _1).
//
// SER (little-endian): byte order 0x4949, series id 0x0197, version 0x0210 (32-bit offsets) or
// 0x0220 (64-bit), data type id 0x4120 (1-D elements: spectra) or 0x4122 (2-D elements: images),
// tag type id, total and valid element counts, the offset of the offset arrays, the number of
// series dimensions and their descriptions; then per element, at its offset, the calibration of
// x and y (offset, delta in metres, element), the sample type (1 u8, 2 u16, 3 u32, 4 i8, 5 i16,
// 6 i32, 7 f32, 8 f64, 9/10 complex) and the size, then the samples (x fastest, rows bottom-up:
// TIA's y axis points up, so the rows are flipped to put the top row first, as TIA displays the
// image and as HyperSpy reads it). Valid elements are frames.
//
// Pixel size: CalibrationDeltaX/Y of the first element (m). Frame time from the .emi: FrameTime
// (a scan frame time, STEM) or, for a camera (CameraNamePath present), DwellTimePath (the exposure).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "imaging/detect/movie_reader.hpp"
#include "imaging/detect/reader_util.hpp"
#include "imaging/detect/sample_convert.hpp"

namespace nanomix::imaging {

namespace {

using detail::bad_file;
namespace fs = std::filesystem;

std::uint64_t le(const unsigned char* p, int width) {
  std::uint64_t v = 0;
  for (int k = width - 1; k >= 0; --k) v = (v << 8) | p[k];
  return v;
}

double le_f64(const unsigned char* p) {
  const std::uint64_t u = le(p, 8);
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

class File {
 public:
  explicit File(const std::string& path) : path_(path), size_(detail::file_size(path)), in_(path, std::ios::binary) {
    if (!in_) bad_file(path_, "cannot open the file");
  }
  std::uint64_t size() const { return size_; }
  void read(std::uint64_t at, void* dst, std::uint64_t n) {
    if (at > size_ || n > size_ - at) {
      bad_file(path_, "truncated SER file: " + std::to_string(n) + " bytes needed at byte " + std::to_string(at) +
                          ", the file has " + std::to_string(size_));
    }
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(at));
    in_.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
    if (!in_) bad_file(path_, "read error at byte " + std::to_string(at));
  }
  std::uint64_t u(std::uint64_t at, int width) {
    unsigned char b[8];
    read(at, b, static_cast<std::uint64_t>(width));
    return le(b, width);
  }

 private:
  std::string path_;
  std::uint64_t size_;
  std::ifstream in_;
};

/// The .ser files of an .emi ("<base>_1.ser", "<base>_2.ser", … while they exist).
std::vector<std::string> sers_of_emi(const std::string& emi) {
  std::vector<std::string> out;
  const fs::path p(emi);
  const std::string base = (p.parent_path() / p.stem()).string();
  for (int k = 1; k < 1000; ++k) {
    const std::string s = base + "_" + std::to_string(k) + ".ser";
    std::error_code ec;
    if (!fs::is_regular_file(s, ec)) break;
    out.push_back(s);
  }
  return out;
}

/// The .emi of a .ser ("<base>_<n>.ser" → "<base>.emi"), "" if absent.
std::string emi_of_ser(const std::string& ser) {
  const fs::path p(ser);
  const std::string stem = p.stem().string();
  const auto us = stem.rfind('_');
  if (us == std::string::npos) return "";
  const std::string emi = (p.parent_path() / (stem.substr(0, us) + ".emi")).string();
  std::error_code ec;
  return fs::is_regular_file(emi, ec) ? emi : "";
}

struct Emi {
  std::string xml;                  ///< the <ObjectInfo> block
  std::vector<std::string> titles;  ///< display titles in order ("Acquire HAADF", "Preview CCD")
};

/// Reads an .emi's ObjectInfo XML and display titles (at most its first 64 MiB).
Emi read_emi(const std::string& path) {
  Emi e;
  const std::uint64_t size = detail::file_size(path);
  const std::uint64_t n = std::min<std::uint64_t>(size, std::uint64_t{64} << 20);
  std::string bytes(static_cast<std::size_t>(n), '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(bytes.data(), static_cast<std::streamsize>(n));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  const auto a = bytes.find("<ObjectInfo>");
  const auto b = a == std::string::npos ? a : bytes.find("</ObjectInfo>", a);
  if (b != std::string::npos) e.xml = bytes.substr(a, b - a);
  // Display titles: a 32-bit length, then "<title> Image Display" / "<title> Scanning Display<n>".
  const std::string key = " Display";
  for (std::size_t at = bytes.find(key); at != std::string::npos && e.titles.size() < 64; at = bytes.find(key, at + 1)) {
    std::size_t start = at;
    while (start > 0 && start + 200 > at && static_cast<unsigned char>(bytes[start - 1]) >= 32 &&
           static_cast<unsigned char>(bytes[start - 1]) < 127)
      --start;
    if (start < 4) continue;
    const std::uint64_t len = le(reinterpret_cast<const unsigned char*>(bytes.data() + start - 4), 4);
    if (len < key.size() || start + len > bytes.size() || start + len < at + key.size()) continue;
    std::string title = bytes.substr(start, at - start);
    for (const char* suffix : {" Image", " Scanning"}) {
      const std::string s = suffix;
      if (title.size() > s.size() && title.compare(title.size() - s.size(), s.size(), s) == 0) title.resize(title.size() - s.size());
    }
    // "Normal Image Display" is a display style, not a signal; titles repeat in the object list.
    if (!title.empty() && title != "Normal" && std::find(e.titles.begin(), e.titles.end(), title) == e.titles.end()) {
      e.titles.push_back(title);
    }
  }
  return e;
}

struct SerHeader {
  std::uint32_t data_type_id = 0;
  std::uint64_t total = 0, valid = 0;
  std::vector<std::uint64_t> data_offsets;
};

SerHeader read_header(const std::string& path, File& f) {
  unsigned char h[30];
  if (f.size() < 30) bad_file(path, "truncated SER file: " + std::to_string(f.size()) + " bytes, the header needs 30");
  f.read(0, h, 30);
  if (le(h, 2) != 0x4949 || le(h + 2, 2) != 0x0197) bad_file(path, "not a TIA SER file (byte order / series id)");
  const std::uint64_t version = le(h + 4, 2);
  if (version != 0x0210 && version != 0x0220) {
    bad_file(path, "SER version 0x" + std::to_string(version) + " is not supported (0x0210 and 0x0220 are)");
  }
  const int ow = version == 0x0220 ? 8 : 4;
  SerHeader s;
  s.data_type_id = static_cast<std::uint32_t>(le(h + 6, 4));
  s.total = le(h + 14, 4);
  s.valid = le(h + 18, 4);
  const std::uint64_t offsets_at = le(h + 22, ow);
  if (s.data_type_id != 0x4120 && s.data_type_id != 0x4122) {
    bad_file(path, "SER data type id 0x" + std::to_string(s.data_type_id) + " is neither 1-D (0x4120) nor 2-D (0x4122) elements");
  }
  if (s.valid > s.total) bad_file(path, "SER header: " + std::to_string(s.valid) + " valid elements of " + std::to_string(s.total));
  if (s.total == 0 || s.valid == 0) bad_file(path, "SER file without data elements");
  if (offsets_at > f.size() || s.total > (f.size() - offsets_at) / (2 * static_cast<std::uint64_t>(ow))) {
    bad_file(path, "truncated SER file: " + std::to_string(s.total) + " element offsets at byte " + std::to_string(offsets_at) +
                       " do not fit in " + std::to_string(f.size()) + " bytes");
  }
  s.data_offsets.resize(static_cast<std::size_t>(s.valid));
  std::vector<unsigned char> buf(static_cast<std::size_t>(s.valid * static_cast<std::uint64_t>(ow)));
  f.read(offsets_at, buf.data(), buf.size());
  for (std::size_t k = 0; k < s.data_offsets.size(); ++k) s.data_offsets[k] = le(buf.data() + k * static_cast<std::size_t>(ow), ow);
  return s;
}

bool ser_sample_type(std::uint64_t t, RawType& type) {
  switch (t) {
    case 1: type = RawType::u8; return true;
    case 2: type = RawType::u16; return true;
    case 3: type = RawType::u32; return true;
    case 4: type = RawType::i8; return true;
    case 5: type = RawType::i16; return true;
    case 6: type = RawType::i32; return true;
    case 7: type = RawType::f32; return true;
    case 8: type = RawType::f64; return true;
    default: return false;
  }
}

/// The files of a TIA data set: the .ser files in signal order, the .emi (empty when none), and the
/// signal index of the first .ser (a "<base>_<n>.ser" given alone is the n-th signal of its .emi,
/// for its title).
struct SerFiles {
  std::vector<std::string> sers;
  std::string emi;
  std::size_t first_title = 0;
};

SerFiles ser_files(const std::string& path) {
  const std::string ext = detail::lower(fs::path(path).extension().string());
  SerFiles s;
  if (ext == ".emi") {
    detail::file_size(path);
    s.emi = path;
    s.sers = sers_of_emi(path);
    if (s.sers.empty()) bad_file(path, "TIA .emi without its data: no " + fs::path(path).stem().string() + "_1.ser beside it");
  } else {
    s.emi = emi_of_ser(path);
    s.sers = {path};
  }
  if (ext == ".ser") {
    const std::string stem = fs::path(path).stem().string();
    const auto us = stem.rfind('_');
    const long n = us == std::string::npos ? 0 : std::strtol(stem.c_str() + us + 1, nullptr, 10);
    if (n >= 1 && n < 1000) s.first_title = static_cast<std::size_t>(n - 1);
  }
  return s;
}

/// The signal named (by number or title) by [detect] emd_group, else the first.
std::size_t pick_signal(const SerFiles& s, const Emi& meta, const ReadOptions& o, const std::string& path) {
  if (o.emd_group.empty()) return 0;
  for (std::size_t k = 0; k < s.sers.size(); ++k) {
    if (o.emd_group == std::to_string(k + s.first_title + 1) ||
        (k + s.first_title < meta.titles.size() && meta.titles[k + s.first_title] == o.emd_group)) {
      return k;
    }
  }
  bad_file(path, "no TIA signal '" + o.emd_group + "' ([detect] emd_group): give 1.." + std::to_string(s.sers.size()));
}

/// The valid data elements of a 2-D SER file as frames into r.movie (the first element fixes shape
/// and type; every valid element must match), its shape into r.signals[pick]; the pixel size (Å)
/// from the first element's calibration into px, py.
void read_elements(File& f, const SerHeader& h, const std::string& ser, const ReadOptions& o, std::size_t pick, ReadResult& r, double& px,
                   double& py) {
  unsigned char e[50];
  f.read(h.data_offsets[0], e, 50);
  const double delta_x = le_f64(e + 8), delta_y = le_f64(e + 28);
  const std::uint64_t stype = le(e + 40, 2), nx = le(e + 42, 4), ny = le(e + 46, 4);
  RawType type;
  if (!ser_sample_type(stype, type)) {
    bad_file(ser, "SER sample type " + std::to_string(stype) + (stype == 9 || stype == 10 ? " (complex)" : "") +
                      " is not supported (1-8: integers and floats)");
  }
  detail::check_shape(ser, nx, ny, h.valid, o);
  const std::uint64_t frame_bytes = nx * ny * raw_type_bytes(type);
  r.signals[pick].nx = nx;
  r.signals[pick].ny = ny;
  r.signals[pick].frames = h.valid;
  r.movie.nx = static_cast<int>(nx);
  r.movie.ny = static_cast<int>(ny);
  r.movie.quantity = "intensity";
  for (std::uint64_t k = 0; k < h.valid; ++k) {
    const std::uint64_t at = h.data_offsets[static_cast<std::size_t>(k)];
    if (at > f.size() || 50 + frame_bytes > f.size() - at) {
      bad_file(ser, "truncated SER file: element " + std::to_string(k) + " at byte " + std::to_string(at) + " needs " +
                        std::to_string(50 + frame_bytes) + " bytes, the file has " + std::to_string(f.size()));
    }
  }
  std::vector<unsigned char> buffer(static_cast<std::size_t>(frame_bytes));
  r.movie.frames.resize(static_cast<std::size_t>(h.valid));
  for (std::uint64_t k = 0; k < h.valid; ++k) {
    const std::uint64_t at = h.data_offsets[static_cast<std::size_t>(k)];
    f.read(at, e, 50);
    if (le(e + 40, 2) != stype || le(e + 42, 4) != nx || le(e + 46, 4) != ny) {
      bad_file(ser, "SER element " + std::to_string(k) + " differs in size or type from the first");
    }
    f.read(at + 50, buffer.data(), frame_bytes);
    auto& fr = r.movie.frames[static_cast<std::size_t>(k)];
    fr.resize(static_cast<std::size_t>(nx * ny));
    const std::size_t row_bytes = static_cast<std::size_t>(nx * raw_type_bytes(type));
    for (std::uint64_t j = 0; j < ny; ++j) {  // stored row j is image row ny - 1 - j
      detail::convert_samples(buffer.data() + j * row_bytes, static_cast<std::size_t>(nx), type, false,
                              fr.data() + (ny - 1 - j) * nx);
    }
  }
  px = delta_x > 0 && std::isfinite(delta_x) ? delta_x * 1e10 : 0;
  py = delta_y > 0 && std::isfinite(delta_y) ? delta_y * 1e10 : 0;
}

/// The .emi's metadata into r.metadata; its frame time (scan) or exposure (camera) into dt, kind.
void emi_metadata(const Emi& meta, ReadResult& r, double& dt, std::string& kind) {
  const double frame = detail::parse_number(detail::xml_value(meta.xml, "FrameTime"), 0);
  const double dwell = detail::parse_number(detail::xml_value(meta.xml, "DwellTimePath"), 0);
  if (frame > 0) {
    dt = frame;
    kind = "scan frame time";
  } else if (!detail::xml_value(meta.xml, "CameraNamePath").empty() && dwell > 0) {
    dt = dwell;
    kind = "exposure";
  }
  const double kv = detail::parse_number(detail::xml_value(meta.xml, "AcceleratingVoltage"), 0) * 1e-3;
  if (kv > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g kV", kv);
    r.metadata.emplace_back("voltage", buf);
  }
  const auto label = [&](const std::string& name) {
    const auto at = meta.xml.find("<Label>" + name + "</Label>");
    return at == std::string::npos ? std::string() : detail::xml_value(meta.xml, "Value", at);
  };
  for (const char* l : {"Microscope", "Mode", "Magnification", "Camera length"}) {
    const std::string v = label(l);
    if (!v.empty()) r.metadata.emplace_back(detail::lower(l), v);
  }
  const std::string cam = detail::xml_value(meta.xml, "CameraNamePath");
  if (!cam.empty()) r.metadata.emplace_back("camera", cam);
}

}  // namespace

ReadResult read_ser(const std::string& path, const ReadOptions& o) {
  const SerFiles files = ser_files(path);
  Emi meta;
  if (!files.emi.empty()) meta = read_emi(files.emi);
  const std::size_t pick = pick_signal(files, meta, o, path);
  const std::string ser = files.sers[pick];

  File f(ser);
  const SerHeader h = read_header(ser, f);
  ReadResult r;
  r.format = "ser";
  r.dataset = fs::path(ser).filename().string() +
              (files.emi.empty() ? " (no .emi found: no metadata)" : " + " + fs::path(files.emi).filename().string());
  for (std::size_t k = 0; k < files.sers.size(); ++k) {
    SignalInfo s;
    const std::size_t title = k + files.first_title;
    s.name = title < meta.titles.size() ? meta.titles[title] : std::to_string(title + 1);
    s.kind = h.data_type_id == 0x4120 ? "spectrum" : (h.valid > 1 ? "image series" : "image");
    if (k == pick) r.signal = s.name;
    r.signals.push_back(s);
  }
  if (h.data_type_id == 0x4120) {
    r.refusal = "1-D data elements (spectra), not images";
    r.signals[pick].nx = 0;
    return r;
  }
  double px = 0, py = 0, dt = 0;
  read_elements(f, h, ser, o, pick, r, px, py);
  std::string kind;
  if (!meta.xml.empty()) emi_metadata(meta, r, dt, kind);
  detail::apply_metadata(r, px, py, dt, o, kind);
  return r;
}

}  // namespace nanomix::imaging
