// wast_check: parses .wast files with parse_wast and dumps every text module's bytes, so a script
// can compare them with wabt's (tests/unit/text/compare_with_wabt.sh).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "text/wast_script.h"
#include "text/wat_parser.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: wast_check FILE.wast [OUTDIR]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto script = wasmcap::text::parse_wast(ss.str());
  if (!script) {
    std::printf("ERROR %s:%u:%u: %s\n", argv[1], script.error().where.line,
                script.error().where.column, script.error().message.c_str());
    return 1;
  }
  int n = 0;
  for (const auto& c : script->commands) {
    ++n;
    if (!c.module) continue;
    const auto& m = *c.module;
    const bool expect_bad = c.kind == wasmcap::text::Command::Kind::AssertMalformed;
    if (m.kind == wasmcap::text::ScriptModule::Kind::Quote) {
      auto r = wasmcap::text::parse_wat(m.quote);
      if (expect_bad && r)
        std::printf("MISSED %s:%u: quote accepted, expected %s\n", argv[1], c.line,
                    c.message.c_str());
      if (!expect_bad && !r)
        std::printf("FAIL %s:%u: quote error %s\n", argv[1], c.line, r.error().message.c_str());
      continue;
    }
    if (expect_bad && m.kind == wasmcap::text::ScriptModule::Kind::Text && !m.encode_error)
      std::printf("MISSED %s:%u: text accepted, expected %s\n", argv[1], c.line, c.message.c_str());
    if (m.encode_error) {
      std::printf("%s %s:%u: encode error %u:%u %s\n", expect_bad ? "OKBAD" : "FAIL", argv[1],
                  c.line, m.encode_error->where.line, m.encode_error->where.column,
                  m.encode_error->message.c_str());
      continue;
    }
    if (argc > 2 && m.kind == wasmcap::text::ScriptModule::Kind::Text) {
      std::string path = std::string(argv[2]) + "/line" + std::to_string(c.line) + ".wasm";
      std::ofstream out(path, std::ios::binary);
      out.write(reinterpret_cast<const char*>(m.bytes.data()),
                static_cast<std::streamsize>(m.bytes.size()));
    }
  }
  std::printf("OK %s commands=%d\n", argv[1], n);
  return 0;
}
