#include "imaging/detect/dm_tags.hpp"

#include <cmath>
#include <algorithm>
#include <cstring>

#include "imaging/detect/reader_util.hpp"
#include "imaging/detect/sample_convert.hpp"

namespace nanomix::imaging::detail {

std::size_t dm_type_bytes(int type) {
  switch (type) {
    case 2:
    case 4: return 2;
    case 3:
    case 5:
    case 6: return 4;
    case 7:
    case 11:
    case 12: return 8;
    case 8:
    case 9:
    case 10: return 1;
    default: return 0;
  }
}

const DmTag* DmTag::child(const std::string& key) const {
  for (const auto& c : children) {
    if (c.name == key) return &c;
  }
  if (!key.empty() && key.find_first_not_of("0123456789") == std::string::npos && key.size() < 9) {
    const std::size_t k = std::stoul(key);
    if (k < children.size()) return &children[k];
  }
  return nullptr;
}

const DmTag* DmTag::find(const std::string& path) const {
  const DmTag* t = this;
  std::size_t at = 0;
  while (t && at <= path.size()) {
    const auto slash = path.find('/', at);
    const std::string part = path.substr(at, slash == std::string::npos ? std::string::npos : slash - at);
    t = t->child(part);
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  return t;
}

double dm_number(const DmTag& tag, const std::string& path, double fallback) {
  const DmTag* t = tag.find(path);
  return t ? t->number(fallback) : fallback;
}

std::string dm_text(const DmTag& tag, const std::string& path) {
  const DmTag* t = tag.find(path);
  return t ? t->text : std::string();
}

namespace {

constexpr int max_depth = 64;
constexpr std::uint64_t max_entries = 4000000;

class Parser {
 public:
  Parser(std::istream& in, std::uint64_t size, const std::string& name) : in_(in), size_(size), name_(name) {}

  DmFile parse() {
    DmFile f;
    f.version = static_cast<int>(be(4));
    if (f.version != 3 && f.version != 4) {
      bad("not a DigitalMicrograph file (version " + std::to_string(f.version) + ", expected 3 or 4)");
    }
    v4_ = f.version == 4;
    const std::uint64_t length = be(v4_ ? 8 : 4);
    const std::uint64_t order = be(4);
    if (order > 1) bad("DM header: byte order " + std::to_string(order) + " (expected 0 or 1)");
    f.little_endian = order == 1;
    little_ = f.little_endian;
    (void)length;  // writers disagree on what it counts; every read below is checked against the size
    f.root.is_group = true;
    group(f.root, 0);
    return f;
  }

 private:
  std::istream& in_;
  std::uint64_t size_;
  std::string name_;
  std::uint64_t pos_ = 0;
  bool v4_ = false;
  bool little_ = true;
  std::uint64_t entries_ = 0;

  [[noreturn]] void bad(const std::string& why) const { bad_file(name_, why); }

  std::uint64_t left() const { return size_ - pos_; }

  void read(void* dst, std::uint64_t n) {
    if (n > left()) {
      bad("truncated DM file: " + std::to_string(n) + " bytes needed at byte " + std::to_string(pos_) + ", " +
          std::to_string(left()) + " left");
    }
    in_.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
    if (!in_) bad("read error at byte " + std::to_string(pos_));
    pos_ += n;
  }

  void skip(std::uint64_t n) {
    if (n > left()) {
      bad("truncated DM file: a value of " + std::to_string(n) + " bytes at byte " + std::to_string(pos_) + ", " +
          std::to_string(left()) + " left");
    }
    pos_ += n;
    in_.seekg(static_cast<std::streamoff>(pos_));
    if (!in_) bad("seek error at byte " + std::to_string(pos_));
  }

  std::uint64_t be(int width) {
    unsigned char b[8];
    read(b, static_cast<std::uint64_t>(width));
    std::uint64_t v = 0;
    for (int k = 0; k < width; ++k) v = (v << 8) | b[k];
    return v;
  }

  double value(int type) {
    const std::size_t w = dm_type_bytes(type);
    unsigned char b[8];
    read(b, w);
    const bool host_little = host_is_little_endian();
    if (little_ != host_little) {
      for (std::size_t k = 0; k < w / 2; ++k) std::swap(b[k], b[w - 1 - k]);
    }
    switch (type) {
      case 2: { std::int16_t v; std::memcpy(&v, b, 2); return v; }
      case 3: { std::int32_t v; std::memcpy(&v, b, 4); return v; }
      case 4: { std::uint16_t v; std::memcpy(&v, b, 2); return v; }
      case 5: { std::uint32_t v; std::memcpy(&v, b, 4); return v; }
      case 6: { float v; std::memcpy(&v, b, 4); return v; }
      case 7: { double v; std::memcpy(&v, b, 8); return v; }
      case 8: return b[0] != 0;
      case 9: return static_cast<std::int8_t>(b[0]);
      case 10: return b[0];
      case 11: { std::int64_t v; std::memcpy(&v, b, 8); return static_cast<double>(v); }
      case 12: { std::uint64_t v; std::memcpy(&v, b, 8); return static_cast<double>(v); }
      default: return 0;
    }
  }

  void group(DmTag& g, int depth) {
    if (depth > max_depth) bad("DM tag tree nested deeper than " + std::to_string(max_depth) + " levels");
    unsigned char flags[2];
    read(flags, 2);
    const std::uint64_t n = be(v4_ ? 8 : 4);
    const std::uint64_t min_entry = v4_ ? 11 : 3;
    if (n > left() / min_entry) {
      bad("DM tag group at byte " + std::to_string(pos_) + " claims " + std::to_string(n) + " entries, more than the " +
          std::to_string(left()) + " bytes left can hold");
    }
    g.children.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(n, 1024)));
    for (std::uint64_t k = 0; k < n; ++k) {
      if (++entries_ > max_entries) bad("DM tag tree with more than " + std::to_string(max_entries) + " entries");
      unsigned char kind;
      read(&kind, 1);
      if (kind == 0) break;  // end marker some writers leave
      const std::uint64_t name_len = be(2);
      std::string name(static_cast<std::size_t>(name_len), '\0');
      read(name.data(), name_len);
      if (v4_) {
        const std::uint64_t entry_len = be(8);
        if (entry_len > left()) bad("DM tag '" + name + "' claims " + std::to_string(entry_len) + " bytes, past the end");
      }
      DmTag t;
      t.name = name;
      if (kind == 20) {
        t.is_group = true;
        group(t, depth + 1);
      } else if (kind == 21) {
        data(t);
      } else {
        bad("DM tag '" + name + "' at byte " + std::to_string(pos_) + " has kind " + std::to_string(kind) +
            " (20 group or 21 data expected)");
      }
      g.children.push_back(std::move(t));
    }
  }

  void data(DmTag& t) {
    char mark[4];
    read(mark, 4);
    if (std::memcmp(mark, "%%%%", 4) != 0) bad("DM tag '" + t.name + "' lacks its %%%% marker (corrupt tag tree)");
    const int w = v4_ ? 8 : 4;
    const std::uint64_t ninfo = be(w);
    if (ninfo == 0 || ninfo > 2 * 4096 + 8 || ninfo > left() / static_cast<std::uint64_t>(w)) {
      bad("DM tag '" + t.name + "' has an absurd type description of " + std::to_string(ninfo) + " words");
    }
    std::vector<std::uint64_t> info(static_cast<std::size_t>(ninfo));
    for (auto& v : info) v = be(w);
    const auto bad_info = [&] { bad("DM tag '" + t.name + "' has an inconsistent type description (type " + std::to_string(info[0]) + ")"); };
    t.type = static_cast<int>(std::min<std::uint64_t>(info[0], 1000));
    if (dm_type_bytes(t.type) > 0) {
      if (ninfo != 1) bad_info();
      t.values.push_back(value(t.type));
      return;
    }
    if (t.type == 18) {  // string of UTF-16 units
      if (ninfo < 2 || info[1] > left() / 2) bad_info();
      read_utf16(t, info[1]);
      return;
    }
    if (t.type == 15) {
      if (ninfo < 3 || info[2] > 4096 || ninfo != 3 + 2 * info[2]) bad_info();
      for (std::uint64_t f = 0; f < info[2]; ++f) {
        const int ft = static_cast<int>(std::min<std::uint64_t>(info[4 + 2 * f], 1000));
        if (dm_type_bytes(ft) == 0) bad_info();
        t.values.push_back(value(ft));
      }
      return;
    }
    if (t.type != 20 || ninfo < 3) bad_info();
    t.element_type = static_cast<int>(std::min<std::uint64_t>(info[1], 1000));
    std::uint64_t element_bytes = 0;
    if (t.element_type == 15) {
      if (ninfo < 5 || info[3] > 4096 || ninfo != 5 + 2 * info[3]) bad_info();
      for (std::uint64_t f = 0; f < info[3]; ++f) {
        const std::size_t b = dm_type_bytes(static_cast<int>(std::min<std::uint64_t>(info[5 + 2 * f], 1000)));
        if (b == 0) bad_info();
        element_bytes += b;
      }
      t.count = info[ninfo - 1];
    } else {
      element_bytes = dm_type_bytes(t.element_type);
      if (element_bytes == 0 || ninfo != 3) bad_info();
      t.count = info[2];
    }
    if (element_bytes > 0 && t.count > left() / element_bytes) {
      bad("truncated DM file: tag '" + t.name + "' holds " + std::to_string(t.count) + " elements of " +
          std::to_string(element_bytes) + " bytes, only " + std::to_string(left()) + " bytes are left");
    }
    t.offset = pos_;
    t.bytes = t.count * element_bytes;
    if (t.element_type == 4 && t.count <= 4096) {
      read_utf16(t, t.count);
    } else if (t.element_type != 15 && t.count <= 16) {
      for (std::uint64_t k = 0; k < t.count; ++k) t.values.push_back(value(t.element_type));
    } else {
      skip(t.bytes);
    }
  }

  void read_utf16(DmTag& t, std::uint64_t units) {
    if (units > 65536) {
      skip(units * 2);
      return;
    }
    std::vector<std::uint16_t> u(static_cast<std::size_t>(units));
    for (auto& c : u) c = static_cast<std::uint16_t>(value(4));
    t.text = utf16_to_utf8(u);
  }
};

}  // namespace

DmFile parse_dm(std::istream& in, std::uint64_t size, const std::string& name) {
  Parser p(in, size, name);
  return p.parse();
}

}  // namespace nanomix::imaging::detail
