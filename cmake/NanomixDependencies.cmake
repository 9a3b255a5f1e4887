# Every dependency comes from a Debian 12 package; when one is missing, say which to install.
# scripts/setup installs them all (see scripts/packages.txt).

macro(nanomix_require found debian_package what)
  if(NOT ${found})
    message(FATAL_ERROR "nanomix needs ${what}: install the Debian package '${debian_package}' "
                        "(sudo apt-get install ${debian_package}), or run scripts/setup")
  endif()
endmacro()

find_package(Eigen3 3.3 QUIET NO_MODULE)
nanomix_require(Eigen3_FOUND libeigen3-dev "Eigen 3")

find_package(Boost 1.74 QUIET COMPONENTS program_options)
nanomix_require(Boost_FOUND libboost-program-options-dev "Boost.Program_options")

find_package(HDF5 1.10 QUIET COMPONENTS C)
nanomix_require(HDF5_FOUND libhdf5-dev "HDF5 (C library)")
if(NOT TARGET nanomix::hdf5)
  add_library(nanomix_hdf5 INTERFACE)
  add_library(nanomix::hdf5 ALIAS nanomix_hdf5)
  target_include_directories(nanomix_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS} ${HDF5_INCLUDE_DIRS})
  target_link_libraries(nanomix_hdf5 INTERFACE ${HDF5_C_LIBRARIES} ${HDF5_LIBRARIES})
  target_compile_definitions(nanomix_hdf5 INTERFACE ${HDF5_DEFINITIONS} H5_USE_110_API)
endif()

find_package(MPI QUIET COMPONENTS C CXX)
nanomix_require(MPI_FOUND "libopenmpi-dev" "MPI (OpenMPI)")

find_package(LAMMPS QUIET CONFIG)
nanomix_require(LAMMPS_FOUND liblammps-dev "the LAMMPS library")

find_package(PkgConfig QUIET)
nanomix_require(PKG_CONFIG_FOUND pkg-config "pkg-config")

pkg_check_modules(FFTW3F QUIET IMPORTED_TARGET fftw3f)
nanomix_require(FFTW3F_FOUND libfftw3-dev "FFTW3 (single precision)")
pkg_check_modules(FFTW3 QUIET IMPORTED_TARGET fftw3)
nanomix_require(FFTW3_FOUND libfftw3-dev "FFTW3 (double precision)")
find_library(FFTW3F_THREADS_LIB fftw3f_threads)
nanomix_require(FFTW3F_THREADS_LIB libfftw3-dev "FFTW3 threads (single precision)")

find_package(TIFF QUIET)
nanomix_require(TIFF_FOUND libtiff-dev "libtiff")

find_package(PNG QUIET)
nanomix_require(PNG_FOUND libpng-dev "libpng")

find_package(Threads REQUIRED)

# GUDHI is header-only and ships no CMake package on Debian: look for one of its headers.
find_path(GUDHI_INCLUDE_DIR gudhi/Alpha_complex_3d.h)
nanomix_require(GUDHI_INCLUDE_DIR libgudhi-dev "GUDHI 3.7")
find_package(CGAL 5.5 QUIET)
nanomix_require(CGAL_FOUND libcgal-dev "CGAL 5.5")
find_package(GMP QUIET)
find_path(HERA_INCLUDE_DIR hera/wasserstein/wasserstein.h)
nanomix_require(HERA_INCLUDE_DIR libhera-dev "Hera (Wasserstein and bottleneck distances)")

find_path(DOCTEST_INCLUDE_DIR doctest/doctest.h)
nanomix_require(DOCTEST_INCLUDE_DIR doctest-dev "doctest")

# Python with Debian's packages, for the cross-checks against independent readers (ASE,
# MDAnalysis, h5py, tifffile, HyperSpy). Always /usr/bin/python3: another python3 may be first on PATH.
set(NANOMIX_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with Debian's python3-* packages")
