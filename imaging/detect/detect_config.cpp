#include "imaging/detect/detect_config.hpp"

#include <array>
#include <string>

#include "core/error.hpp"

namespace nanomix::imaging {

// Keys of [detect]: reading experimental movies, preprocessing, atom-column detection
// (docs/detect.md explains each step). One section, three tables, in this order.

namespace {

/// "x0,y0,x1,y1" (commas or spaces) in Å; {0, 0, 0, 0} (an empty rectangle) when malformed.
std::array<double, 4> parse_rectangle(const std::string& text) {
  std::array<double, 4> v{};
  std::vector<std::string> words = split_list(text);
  if (words.size() != 4) return {0, 0, 0, 0};
  for (std::size_t k = 0; k < 4; ++k) {
    std::size_t used = 0;
    try {
      v[k] = std::stod(words[k], &used);
    } catch (const std::exception&) {
      return {0, 0, 0, 0};
    }
    if (used != words[k].size()) return {0, 0, 0, 0};
  }
  return v;
}

}  // namespace

const ParamTable<ReadOptions>& read_options_table() {
  static const ParamTable<ReadOptions> t = [] {
    ParamTable<ReadOptions> t("detect");
    // Input.
    t.choice("format", &ReadOptions::format, "auto",
             {{"auto", MovieFormat::automatic}, {"emd", MovieFormat::emd}, {"velox", MovieFormat::velox}, {"hspy", MovieFormat::hspy}, {"tiff", MovieFormat::tiff}, {"mrc", MovieFormat::mrc}, {"dm", MovieFormat::dm}, {"ser", MovieFormat::ser}, {"raw", MovieFormat::raw}},
             "movie format: auto = from the file's magic bytes (HDF5, TIFF, MRC, DM3/DM4, SER) or its extension "
           "(.mrc, .emi, .raw/.bin/.dat)");
    t.text("emd_group", &ReadOptions::emd_group, "",
           "signal to read in a multi-signal file: EMD group under /data (empty = counts, else the first "
           "emd_group_type = 1 group); Velox detector name (HAADF, BM-Ceta) or image index; DM image name or "
           "index; HyperSpy experiment title");
    t.integer("raw_nx", &ReadOptions::raw_nx, 0, 0, 1048576, "px", "raw: pixels along x (columns); required for raw files");
    t.integer("raw_ny", &ReadOptions::raw_ny, 0, 0, 1048576, "px", "raw: pixels along y (rows); required for raw files");
    t.integer("raw_frames", &ReadOptions::raw_frames, 0, 0, 4.0e9, "", "raw: frames to read (0 = as many whole frames as the file holds)");
    t.choice("raw_type", &ReadOptions::raw_type, "f32",
             {{"u8", RawType::u8}, {"i8", RawType::i8}, {"u16", RawType::u16}, {"i16", RawType::i16}, {"u32", RawType::u32}, {"i32", RawType::i32}, {"f32", RawType::f32}, {"f64", RawType::f64}},
             "raw: sample type");
    t.choice("raw_byte_order", &ReadOptions::raw_big_endian, "little",
             {{"little", false}, {"big", true}},
             "raw: byte order of multi-byte samples");
    t.integer("raw_header_bytes", &ReadOptions::raw_header_bytes, 0, 0, 9.0e15, "bytes", "raw: bytes to skip before the first frame");
    t.real("pixel_size_angstrom", &ReadOptions::pixel_size_angstrom, 0.0, 0.0, 1000.0, "Å",
           "pixel size when the file has none (0 = take it from the file; detection needs one)");
    t.real("frame_time_s", &ReadOptions::frame_time_s, 0.0, 0.0, 3600.0, "s", "time between frames when the file has none (0 = unknown)");
    t.boolean("override_file_metadata", &ReadOptions::override_file_metadata, false,
           "use pixel_size_angstrom and frame_time_s even when the file carries its own");
    t.custom(int_key("", "max_memory_mib", 8192, 1, 1048576, "MiB", "refuse movies whose float32 pixels need more memory than this"),
             [](ReadOptions& o, const std::string& v) { o.max_bytes = static_cast<std::uint64_t>(std::stoll(v)) << 20; });
    return t;
  }();
  return t;
}

const ParamTable<PreprocessParams>& preprocess_table() {
  static const ParamTable<PreprocessParams> t = [] {
    ParamTable<PreprocessParams> t("detect");
    // Preprocessing.
    t.choice("normalise", &PreprocessParams::normalisation, "mean",
             {{"none", Normalisation::none}, {"mean", Normalisation::mean}, {"background", Normalisation::background}, {"vacuum", Normalisation::vacuum}},
             "per frame: mean = I/mean − 1; background = I/(Gaussian blur of I) − 1; vacuum = I/mean(vacuum region) − 1; none");
    t.real("background_sigma_angstrom", &PreprocessParams::background_sigma_angstrom, 10.0, 0.1, 10000.0, "Å", "normalise = background: width of the blur");
    t.custom(string_key("", "vacuum_region_angstrom", "", "normalise = vacuum: rectangle x0,y0,x1,y1 in Å that holds only vacuum"),
             [](PreprocessParams& p, const std::string& v) { p.vacuum_region_angstrom = parse_rectangle(v); });
    t.boolean("drift_correction", &PreprocessParams::drift_correction, false, "align frames by phase correlation (positions end in the first frame's coordinates)");
    t.choice("drift_reference", &PreprocessParams::drift_reference, "first",
             {{"first", DriftReference::first}, {"previous", DriftReference::previous}},
             "drift against the first frame, or against the previous frame with shifts accumulated (evolving samples)");
    t.real("drift_max_angstrom", &PreprocessParams::drift_max_angstrom, 20.0, 0.01, 10000.0, "Å", "a larger estimated drift is an error");
    t.integer("temporal_window_frames", &PreprocessParams::temporal_window_frames, 1, 1, 1001, "frames", "centred running average over this many frames (1 = off)");
    t.real("resample_to_angstrom", &PreprocessParams::resample_to_angstrom, 0.0, 0.0, 1000.0, "Å",
           "resample every frame to this pixel size first, by Fourier (DCT-I) interpolation (0 = off; nanomix run sets it to "
           "the coarser of the experimental and simulated pixel sizes)");
    t.finish([](PreprocessParams& p, const auto&) {
      const auto& v = p.vacuum_region_angstrom;
      if (p.normalisation == Normalisation::vacuum && !(v[2] > v[0] && v[3] > v[1])) {
        throw ParamError("detect", "vacuum_region_angstrom",
                         "expected x0,y0,x1,y1 in Å with x1 > x0 and y1 > y0 (normalise = vacuum)");
      }
    });
    return t;
  }();
  return t;
}

const ParamTable<DetectParams>& detect_table() {
  static const ParamTable<DetectParams> t = [] {
    ParamTable<DetectParams> t("detect");
    t.real("gaussian_sigma_angstrom", &DetectParams::gaussian_sigma_angstrom, 0.0, 0.0, 100.0, "Å", "spatial Gaussian denoising before detection (0 = off)");
    // Detection.
    t.choice("polarity", &DetectParams::polarity, "auto",
             {{"auto", Polarity::automatic}, {"bright", Polarity::bright}, {"dark", Polarity::dark}},
             "columns brighter or darker than the background (HRTEM: depends on defocus and Cs); auto decides from the movie");
    t.real("column_sigma_angstrom", &DetectParams::column_sigma_angstrom, 0.6, 0.05, 20.0, "Å", "expected Gaussian width of a column (scale of the LoG filter)");
    t.real("min_separation_angstrom", &DetectParams::min_separation_angstrom, 1.5, 0.1, 100.0, "Å",
           "two columns are at least this far apart (non-maximum suppression; 1.5 resolves SrTiO3 [001] O columns 1.95 Å apart; graphene atoms 1.42 Å apart need less)");
    t.real("candidate_sigma", &DetectParams::candidate_sigma, 2.5, 0.0, 1000.0, "",
           "candidates: LoG response above this many standard deviations of the noise propagated through the filter");
    t.real("threshold_sigma", &DetectParams::threshold_sigma, 3.0, 0.0, 1000.0, "",
           "accepted columns: fitted amplitude above this many of its standard errors (unfitted: LoG response above it)");
    t.real("min_relative_response", &DetectParams::min_relative_response, 0.4, 0.0, 1.0, "",
           "and this fraction of the median of the frame's candidate responses (drops CTF side maxima; lower it for weak light columns)");
    t.real("edge_margin_angstrom", &DetectParams::edge_margin_angstrom, 1.0, 0.0, 1000.0, "Å", "no candidates this close to the image border");
    t.boolean("fit", &DetectParams::fit, true, "refine candidates by a 2D Gaussian + background fit (Levenberg–Marquardt)");
    t.real("fit_radius_angstrom", &DetectParams::fit_radius_angstrom, 1.2, 0.1, 100.0, "Å", "radius of the disc of pixels each fit uses");
    t.choice("tube", &DetectParams::tube, "auto",
             {{"auto", TubeMode::automatic}, {"off", TubeMode::off}},
             "auto: find a nanotube in each frame (two parallel wall lines) and detect columns only inside it; a frame "
           "without one gets a warning and whole-frame detection. off: the whole frame always");
    t.real("tube_wall_margin_angstrom", &DetectParams::tube_wall_margin_angstrom, 1.5, 0.0, 100.0, "Å", "columns are kept this far inside the tube's walls and ends");
    t.real("tube_threshold_sigma", &DetectParams::tube_threshold_sigma, 3.5, 0.0, 1000.0, "",
           "threshold_sigma in frames where a tube was found (its interior is mostly carbon and empty space, where noise peaks "
           "would pass 3 sigma; validation/detect/RESULTS.md); 0 = threshold_sigma");
    t.real("tube_fit_radius_angstrom", &DetectParams::tube_fit_radius_angstrom, 1.8, 0.0, 100.0, "Å",
           "fit_radius_angstrom in frames where a tube was found (a wider disc measures the column against more background: "
           "a higher matched-filter SNR for the same column); 0 = fit_radius_angstrom");
    t.integer("tube_window_frames", &DetectParams::tube_window_frames, 9, 1, 1001, "frames",
           "the tube of each frame is found on the average of this many frames centred on it (walls are faint in one frame)");
    t.real("tube_min_radius_angstrom", [](DetectParams& p) -> double& { return p.tube_params.min_radius_angstrom; }, 3.0, 0.5, 1000.0, "Å", "smallest tube radius looked for (wall line to wall line / 2)");
    t.real("tube_max_radius_angstrom", [](DetectParams& p) -> double& { return p.tube_params.max_radius_angstrom; }, 40.0, 1.0, 10000.0, "Å", "largest tube radius looked for");
    t.choice("classes", &DetectParams::classes, "auto",
             {{"auto", ClassMode::automatic}, {"lattice", ClassMode::lattice}, {"intensity", ClassMode::intensity}, {"two", ClassMode::two}, {"none", ClassMode::none}},
             "column classes (1 heavy = holds iodide, 0 light): lattice = from the rock-salt column spacing (NaCl and NaI domains, or a "
           "solid solution's Vegard iodide fraction); intensity = Otsu on integrated intensities when separated by class_separation; "
           "auto = lattice, else intensity; two = intensity, always split; none");
    t.real("class_separation", &DetectParams::class_separation, 3.2, 0.0, 100.0, "",
           "intensity classes: minimum separation of the two groups in pooled standard deviations (one normal group measures 2.4–2.9)");
    t.real("min_relative_intensity", &DetectParams::min_relative_intensity, 0.12, 0.0, 0.99, "",
           "drop columns whose integrated intensity is below this fraction of the movie's 90th percentile (single carbon atoms of "
           "the tube walls at high dose; 0 = keep all)");
    t.real("class_radius_angstrom", &DetectParams::class_radius_angstrom, 0.7, 0.05, 100.0, "Å",
           "a column's intensity: the image above the frame's median, integrated over a disc of this radius");
    t.integer("threads", &DetectParams::threads, 0, 0, 4096, "", "threads per process (0 = all cores); frames are spread over them, the columns do not depend on it");
    return t;
  }();
  return t;
}

void ReadOptions::validate() const {
  if (override_file_metadata && !(pixel_size_angstrom > 0)) {
    throw ParamError("detect", "override_file_metadata", "needs [detect] pixel_size_angstrom > 0");
  }
}

std::vector<KeySpec> detect_keys() {
  std::vector<KeySpec> keys;
  for (const auto& part : {read_options_table().keys(), preprocess_table().keys(), detect_table().keys()}) {
    keys.insert(keys.end(), part.begin(), part.end());
  }
  return keys;
}

}  // namespace nanomix::imaging
