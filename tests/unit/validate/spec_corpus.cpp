// spec_corpus: runs wast2json over the spec suite into a temporary folder and reads the JSON
// command lists (one command per line in wast2json's output, so a line scanner suffices).
#include "spec_corpus.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wasmcap::test {

namespace fs = std::filesystem;

namespace {

// The string value of `"key": "..."` in one JSON line ("" when absent). wast2json escapes
// quotes in texts; the spec's expected texts contain none.
std::string json_field(const std::string& line, const std::string& key) {
  const std::string pat = "\"" + key + "\": ";
  size_t p = line.find(pat);
  if (p == std::string::npos) return "";
  p += pat.size();
  if (line[p] != '"') {
    size_t e = line.find_first_of(",}", p);
    return line.substr(p, e - p);
  }
  size_t e = line.find('"', p + 1);
  return line.substr(p + 1, e - p - 1);
}

SpecCorpus build() {
  SpecCorpus c;
  const char* env = std::getenv("WASMCAP_SPEC_DIR");
  const fs::path spec = env ? env : "/work/shared/spec-testsuite/core";
  if (!fs::is_directory(spec)) {
    c.error = "no spec suite at " + spec.string();
    return c;
  }
  if (std::system("wast2json --version >/dev/null 2>&1") != 0) {
    c.error = "wast2json not found";
    return c;
  }
  const fs::path out = fs::temp_directory_path() / ("wasmcap-spec-" + std::to_string(getpid()));
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(spec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".wast") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    const std::string stem = f.stem().string();
    const fs::path dir = out / stem;
    fs::create_directories(dir);
    const std::string cmd =
        "wast2json '" + f.string() + "' -o '" + (dir / "out.json").string() + "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      c.skipped.push_back(f.filename().string());
      continue;
    }
    std::ifstream json(dir / "out.json");
    std::string line;
    while (std::getline(json, line)) {
      SpecModule m;
      m.expect = json_field(line, "type");
      const std::string file = json_field(line, "filename");
      if (file.empty()) continue;
      if (m.expect == "assert_unlinkable" || m.expect == "assert_uninstantiable")
        m.expect = "module"; // valid modules that fail later, at link or start time
      if (m.expect != "module" && m.expect != "assert_malformed" && m.expect != "assert_invalid")
        continue;
      // Text-format malformed modules are the text parser's business.
      if (m.expect != "module" && json_field(line, "module_type") != "binary") continue;
      m.wast = f.filename().string();
      m.line = std::atoi(json_field(line, "line").c_str());
      m.path = (dir / file).string();
      m.text = json_field(line, "text");
      c.modules.push_back(std::move(m));
    }
  }
  return c;
}

} // namespace

const SpecCorpus& spec_corpus() {
  static const SpecCorpus corpus = build();
  return corpus;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

} // namespace wasmcap::test
