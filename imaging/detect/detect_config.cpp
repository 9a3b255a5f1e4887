#include "imaging/detect/detect_config.hpp"

#include <sstream>

#include "core/error.hpp"

namespace nanomix::imaging {

namespace {
constexpr const char* s = "detect";
}

ReadOptions read_options_from_config(const Config& c) {
  ReadOptions o;
  const std::string& f = c.string(s, "format");
  o.format = parse_movie_format(f);
  o.emd_group = c.string(s, "emd_group");
  o.raw_nx = static_cast<int>(c.integer(s, "raw_nx"));
  o.raw_ny = static_cast<int>(c.integer(s, "raw_ny"));
  o.raw_frames = static_cast<int>(c.integer(s, "raw_frames"));
  o.raw_type = parse_raw_type(c.string(s, "raw_type"));
  o.raw_big_endian = c.string(s, "raw_byte_order") == "big";
  o.raw_header_bytes = static_cast<std::uint64_t>(c.integer(s, "raw_header_bytes"));
  o.pixel_size_angstrom = c.real(s, "pixel_size_angstrom");
  o.frame_time_s = c.real(s, "frame_time_s");
  o.override_file_metadata = c.boolean(s, "override_file_metadata");
  if (o.override_file_metadata && !(o.pixel_size_angstrom > 0)) {
    c.fail(s, "override_file_metadata", "needs [detect] pixel_size_angstrom > 0");
  }
  o.max_bytes = static_cast<std::uint64_t>(c.integer(s, "max_memory_mib")) << 20;
  return o;
}

PreprocessParams preprocess_params_from_config(const Config& c) {
  PreprocessParams p;
  const std::string& n = c.string(s, "normalise");
  p.normalisation = n == "none" ? Normalisation::none : n == "background" ? Normalisation::background
                  : n == "vacuum" ? Normalisation::vacuum : Normalisation::mean;
  p.background_sigma_angstrom = c.real(s, "background_sigma_angstrom");
  if (p.normalisation == Normalisation::vacuum) {
    std::string text = c.string(s, "vacuum_region_angstrom");
    for (char& ch : text) {
      if (ch == ',') ch = ' ';
    }
    std::istringstream in(text);
    double v[4];
    std::string rest;
    if (!(in >> v[0] >> v[1] >> v[2] >> v[3]) || (in >> rest) || !(v[2] > v[0]) || !(v[3] > v[1])) {
      c.fail(s, "vacuum_region_angstrom", "expected x0,y0,x1,y1 in Å with x1 > x0 and y1 > y0 (normalise = vacuum)");
    }
    p.vacuum_region_angstrom = {v[0], v[1], v[2], v[3]};
  }
  p.drift_correction = c.boolean(s, "drift_correction");
  p.drift_reference = c.string(s, "drift_reference") == "previous" ? DriftReference::previous : DriftReference::first;
  p.drift_max_angstrom = c.real(s, "drift_max_angstrom");
  p.temporal_window_frames = static_cast<int>(c.integer(s, "temporal_window_frames"));
  return p;
}

DetectParams detect_params_from_config(const Config& c) {
  DetectParams p;
  const std::string& pol = c.string(s, "polarity");
  p.polarity = pol == "bright" ? Polarity::bright : pol == "dark" ? Polarity::dark : Polarity::automatic;
  p.column_sigma_angstrom = c.real(s, "column_sigma_angstrom");
  p.gaussian_sigma_angstrom = c.real(s, "gaussian_sigma_angstrom");
  p.min_separation_angstrom = c.real(s, "min_separation_angstrom");
  p.candidate_sigma = c.real(s, "candidate_sigma");
  p.threshold_sigma = c.real(s, "threshold_sigma");
  p.min_relative_response = c.real(s, "min_relative_response");
  p.edge_margin_angstrom = c.real(s, "edge_margin_angstrom");
  p.fit = c.boolean(s, "fit");
  p.fit_radius_angstrom = c.real(s, "fit_radius_angstrom");
  const std::string& cl = c.string(s, "classes");
  p.classes = cl == "two" ? ClassMode::two : cl == "none" ? ClassMode::none : ClassMode::automatic;
  p.class_separation = c.real(s, "class_separation");
  p.class_radius_angstrom = c.real(s, "class_radius_angstrom");
  p.min_relative_intensity = c.real(s, "min_relative_intensity");
  p.tube = c.string(s, "tube") == "off" ? TubeMode::off : TubeMode::automatic;
  p.tube_wall_margin_angstrom = c.real(s, "tube_wall_margin_angstrom");
  p.tube_window_frames = static_cast<int>(c.integer(s, "tube_window_frames"));
  p.tube_params.min_radius_angstrom = c.real(s, "tube_min_radius_angstrom");
  p.tube_params.max_radius_angstrom = c.real(s, "tube_max_radius_angstrom");
  p.validate();
  return p;
}

}  // namespace nanomix::imaging
