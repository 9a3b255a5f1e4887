#include "core/config_schema.hpp"

namespace nanomix::schema {

// Keys of [detect]: reading experimental movies, preprocessing, atom-column detection
// (docs/detect.md explains each step).
std::vector<KeySpec> detect_keys() {
  const std::string s = "detect";
  return {
      // Input.
      choice_key(s, "format", "auto", {"auto", "emd", "velox", "hspy", "tiff", "mrc", "dm", "ser", "raw"},
                 "movie format: auto = from the file's magic bytes (HDF5, TIFF, MRC, DM3/DM4, SER) or its extension "
                 "(.mrc, .emi, .raw/.bin/.dat)"),
      string_key(s, "emd_group", "",
                 "signal to read in a multi-signal file: EMD group under /data (empty = counts, else the first "
                 "emd_group_type = 1 group); Velox detector name (HAADF, BM-Ceta) or image index; DM image name or "
                 "index; HyperSpy experiment title"),
      int_key(s, "raw_nx", 0, 0, 1048576, "px", "raw: pixels along x (columns); required for raw files"),
      int_key(s, "raw_ny", 0, 0, 1048576, "px", "raw: pixels along y (rows); required for raw files"),
      int_key(s, "raw_frames", 0, 0, 4.0e9, "", "raw: frames to read (0 = as many whole frames as the file holds)"),
      choice_key(s, "raw_type", "f32", {"u8", "i8", "u16", "i16", "u32", "i32", "f32", "f64"}, "raw: sample type"),
      choice_key(s, "raw_byte_order", "little", {"little", "big"}, "raw: byte order of multi-byte samples"),
      int_key(s, "raw_header_bytes", 0, 0, 9.0e15, "bytes", "raw: bytes to skip before the first frame"),
      real_key(s, "pixel_size_angstrom", 0.0, 0.0, 1000.0, "Å",
               "pixel size when the file has none (0 = take it from the file; detection needs one)"),
      real_key(s, "frame_time_s", 0.0, 0.0, 3600.0, "s", "time between frames when the file has none (0 = unknown)"),
      bool_key(s, "override_file_metadata", false,
               "use pixel_size_angstrom and frame_time_s even when the file carries its own"),
      int_key(s, "max_memory_mib", 8192, 1, 1048576, "MiB", "refuse movies whose float32 pixels need more memory than this"),
      // Preprocessing.
      choice_key(s, "normalise", "mean", {"none", "mean", "background", "vacuum"},
                 "per frame: mean = I/mean − 1; background = I/(Gaussian blur of I) − 1; vacuum = I/mean(vacuum region) − 1; none"),
      real_key(s, "background_sigma_angstrom", 10.0, 0.1, 10000.0, "Å", "normalise = background: width of the blur"),
      string_key(s, "vacuum_region_angstrom", "", "normalise = vacuum: rectangle x0,y0,x1,y1 in Å that holds only vacuum"),
      bool_key(s, "drift_correction", false, "align frames by phase correlation (positions end in the first frame's coordinates)"),
      choice_key(s, "drift_reference", "first", {"first", "previous"},
                 "drift against the first frame, or against the previous frame with shifts accumulated (evolving samples)"),
      real_key(s, "drift_max_angstrom", 20.0, 0.01, 10000.0, "Å", "a larger estimated drift is an error"),
      int_key(s, "temporal_window_frames", 1, 1, 1001, "frames", "centred running average over this many frames (1 = off)"),
      real_key(s, "gaussian_sigma_angstrom", 0.0, 0.0, 100.0, "Å", "spatial Gaussian denoising before detection (0 = off)"),
      // Detection.
      choice_key(s, "polarity", "auto", {"auto", "bright", "dark"},
                 "columns brighter or darker than the background (HRTEM: depends on defocus and Cs); auto decides from the movie"),
      real_key(s, "column_sigma_angstrom", 0.6, 0.05, 20.0, "Å", "expected Gaussian width of a column (scale of the LoG filter)"),
      real_key(s, "min_separation_angstrom", 1.5, 0.1, 100.0, "Å",
               "two columns are at least this far apart (non-maximum suppression; 1.5 resolves SrTiO3 [001] O columns 1.95 Å apart; graphene atoms 1.42 Å apart need less)"),
      real_key(s, "candidate_sigma", 2.5, 0.0, 1000.0, "",
               "candidates: LoG response above this many standard deviations of the noise propagated through the filter"),
      real_key(s, "threshold_sigma", 3.0, 0.0, 1000.0, "",
               "accepted columns: fitted amplitude above this many of its standard errors (unfitted: LoG response above it)"),
      real_key(s, "min_relative_response", 0.4, 0.0, 1.0, "",
               "and this fraction of the median of the frame's candidate responses (drops CTF side maxima; lower it for weak light columns)"),
      real_key(s, "edge_margin_angstrom", 1.0, 0.0, 1000.0, "Å", "no candidates this close to the image border"),
      bool_key(s, "fit", true, "refine candidates by a 2D Gaussian + background fit (Levenberg–Marquardt)"),
      real_key(s, "fit_radius_angstrom", 1.2, 0.1, 100.0, "Å", "radius of the disc of pixels each fit uses"),
      choice_key(s, "tube", "auto", {"auto", "off"},
                 "auto: find a nanotube in each frame (two parallel wall lines) and detect columns only inside it; a frame "
                 "without one gets a warning and whole-frame detection. off: the whole frame always"),
      real_key(s, "tube_wall_margin_angstrom", 1.5, 0.0, 100.0, "Å", "columns are kept this far inside the tube's walls and ends"),
      int_key(s, "tube_window_frames", 9, 1, 1001, "frames",
              "the tube of each frame is found on the average of this many frames centred on it (walls are faint in one frame)"),
      real_key(s, "tube_min_radius_angstrom", 3.0, 0.5, 1000.0, "Å", "smallest tube radius looked for (wall line to wall line / 2)"),
      real_key(s, "tube_max_radius_angstrom", 40.0, 1.0, 10000.0, "Å", "largest tube radius looked for"),
      choice_key(s, "classes", "auto", {"auto", "two", "none"},
                 "intensity classes (1 heavy, 0 light) by Otsu on integrated column intensities: auto = only when separated by class_separation"),
      real_key(s, "class_separation", 3.2, 0.0, 100.0, "",
               "auto classes: minimum separation of the two groups in pooled standard deviations (one normal group measures 2.4–2.9)"),
      real_key(s, "min_relative_intensity", 0.12, 0.0, 0.99, "",
               "drop columns whose integrated intensity is below this fraction of the movie's 90th percentile (single carbon atoms of "
               "the tube walls at high dose; 0 = keep all)"),
      real_key(s, "class_radius_angstrom", 0.7, 0.05, 100.0, "Å",
               "a column's intensity: the image above the frame's median, integrated over a disc of this radius"),
  };
}

}  // namespace nanomix::schema
