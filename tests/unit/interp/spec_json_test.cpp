// End-to-end check of runtime + interpreter against the official core spec tests (non-SIMD):
// each .wast is converted with wabt's wast2json and run by SpecJsonRunner. Set
// WASMCAP_SPEC_FILTER=name to run one file; files wast2json cannot read are skipped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "spec_runner.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> core_files() {
  std::vector<std::string> out;
  fs::path dir = WASMCAP_SPEC_CORE_DIR;
  if (!fs::exists(dir)) return out;
  const char* filter = std::getenv("WASMCAP_SPEC_FILTER");
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().stem().string();
    if (e.path().extension() != ".wast") continue;
    if (filter != nullptr && name != filter) continue;
    out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// wabt 1.0.32 requires the (since optional) table index of table.get/set/size/grow/fill; add 0.
std::string add_table_indices(const std::string& wast) {
  static const std::regex re(R"(([(\s])table\.(get|set|size|grow|fill)(?=\s*[()\n]))");
  return std::regex_replace(wast, re, "$1table.$2 0");
}

bool convert(const std::string& wast_path, const std::string& json) {
  std::string cmd = "wast2json " + wast_path + " -o " + json + " > /dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

class SpecJson : public ::testing::TestWithParam<std::string> {};

TEST_P(SpecJson, Core) {
  std::string name = GetParam();
  fs::path out_dir = fs::temp_directory_path() / "wasmcap_spec_json" / name;
  fs::create_directories(out_dir);
  std::string json = (out_dir / (name + ".json")).string();
  std::string wast = std::string(WASMCAP_SPEC_CORE_DIR) + "/" + name + ".wast";
  if (!convert(wast, json)) {
    std::ifstream in(wast);
    std::stringstream text;
    text << in.rdbuf();
    std::string patched = (out_dir / (name + ".patched.wast")).string();
    std::ofstream(patched) << add_table_indices(text.str());
    if (!convert(patched, json)) GTEST_SKIP() << "wast2json cannot convert " << name;
  }
  wasmcap::testing::SpecJsonRunner runner;
  wasmcap::testing::SpecResult r = runner.run_file(json);
  std::printf("[spec] %-28s passed %5d failed %4d skipped %4d\n", name.c_str(), r.passed, r.failed,
              r.skipped);
  for (size_t i = 0; i < r.failures.size() && i < 15; ++i) {
    ADD_FAILURE() << name << ": " << r.failures[i];
  }
  EXPECT_EQ(r.failed, 0);
}

INSTANTIATE_TEST_SUITE_P(Core, SpecJson, ::testing::ValuesIn(core_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SpecJson);

} // namespace
