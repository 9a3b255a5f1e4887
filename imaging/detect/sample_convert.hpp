#pragma once
// Conversion of stored samples (any integer/float type, either byte order) to float pixels.
#include <cstdint>
#include <cstring>
#include <vector>

#include "imaging/detect/movie_reader.hpp"

namespace nanomix::imaging::detail {

inline bool host_is_little_endian() {
  const std::uint16_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

/// Converts `count` samples of `type` starting at `src` (stored in the given byte order) to float.
inline void convert_samples(const unsigned char* src, std::size_t count, RawType type, bool big_endian, float* dst) {
  const std::size_t w = raw_type_bytes(type);
  const bool swap = big_endian == host_is_little_endian();
  unsigned char b[8];
  for (std::size_t k = 0; k < count; ++k) {
    const unsigned char* s = src + k * w;
    if (swap) {
      for (std::size_t q = 0; q < w; ++q) b[q] = s[w - 1 - q];
    } else {
      std::memcpy(b, s, w);
    }
    switch (type) {
      case RawType::u8: dst[k] = static_cast<float>(b[0]); break;
      case RawType::i8: dst[k] = static_cast<float>(static_cast<std::int8_t>(b[0])); break;
      case RawType::u16: { std::uint16_t v; std::memcpy(&v, b, 2); dst[k] = static_cast<float>(v); break; }
      case RawType::i16: { std::int16_t v; std::memcpy(&v, b, 2); dst[k] = static_cast<float>(v); break; }
      case RawType::u32: { std::uint32_t v; std::memcpy(&v, b, 4); dst[k] = static_cast<float>(v); break; }
      case RawType::i32: { std::int32_t v; std::memcpy(&v, b, 4); dst[k] = static_cast<float>(v); break; }
      case RawType::f32: { float v; std::memcpy(&v, b, 4); dst[k] = v; break; }
      case RawType::f64: { double v; std::memcpy(&v, b, 8); dst[k] = static_cast<float>(v); break; }
    }
  }
}

}  // namespace nanomix::imaging::detail
