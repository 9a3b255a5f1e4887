// Replays files through a fuzz harness without libFuzzer (ctest: every file of the seed corpus
// and of the regression folder, each must end in success or an InputError, never a crash). The
// address space is capped at 1 GiB, so a huge allocation fails the test as the fuzzer's
// -malloc_limit_mb would.
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  const rlimit cap{rlim_t{1} << 30, rlim_t{1} << 30};
  setrlimit(RLIMIT_AS, &cap);
  std::size_t files = 0;
  for (int a = 1; a < argc; ++a) {
    std::vector<std::filesystem::path> paths;
    if (std::filesystem::is_directory(argv[a])) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(argv[a])) {
        if (e.is_regular_file()) paths.push_back(e.path());
      }
    } else if (std::filesystem::exists(argv[a])) {
      paths.emplace_back(argv[a]);
    }
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++files;
    }
  }
  std::printf("replayed %zu files\n", files);
  return files > 0 ? 0 : 1;
}
