// wat2wasm: encodes .wat files (modules or components) with parse_wat, for
// compare_components_with_jco.py. Usage: text_wat2wasm LIST_FILE, where LIST_FILE names one .wat
// per line; writes PATH.our.wasm, or PATH.our.err holding "line:column: message".
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "text/wat_parser.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: text_wat2wasm LIST_FILE\n");
    return 2;
  }
  std::ifstream list(argv[1]);
  std::string path;
  while (std::getline(list, path)) {
    if (path.empty()) continue;
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = wasmcap::text::parse_wat(ss.str());
    if (r) {
      std::ofstream out(path + ".our.wasm", std::ios::binary);
      out.write(reinterpret_cast<const char*>(r->data()), static_cast<std::streamsize>(r->size()));
    } else {
      std::ofstream out(path + ".our.err");
      out << r.error().where.line << ":" << r.error().where.column << ": " << r.error().message
          << "\n";
    }
  }
  return 0;
}
