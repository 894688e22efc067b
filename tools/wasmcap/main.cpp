// wasmcap: the command-line front end. Parsing and printing only; the work is in the library.
// Also the error reporting every subcommand shares (subcommands.h): one line saying what went
// wrong and where, and an exit status per kind of mistake.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "subcommands.h"

namespace wasmcap::cli {

int exit_status_for(const Error& e) {
  switch (e.kind) {
  case ErrorKind::Malformed: return kExitMalformed;
  case ErrorKind::Invalid: return kExitInvalid;
  case ErrorKind::Unlinkable: return kExitUnlinkable;
  case ErrorKind::Trap:
  case ErrorKind::Exhaustion: return kExitTrap;
  case ErrorKind::Io: return kExitUnreadable;
  case ErrorKind::Usage: return kExitUsage;
  case ErrorKind::Exit: return e.exit_code;
  }
  return kExitFailure;
}

namespace {

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string frame_name(const TraceFrame& f) {
  std::string name =
      f.func_name.empty() ? "<func " + std::to_string(f.func_index) + ">" : f.func_name;
  if (!f.module_name.empty()) name = f.module_name + "!" + name;
  return name;
}

bool same_frame(const TraceFrame& a, const TraceFrame& b) {
  return a.func_index == b.func_index && a.offset == b.offset && a.module_name == b.module_name;
}

// The backtrace, innermost first. A run of identical frames (deep recursion) is shown by its
// first few and a count, and the whole is capped, so a stack overflow prints a screenful.
void print_backtrace(const std::vector<TraceFrame>& frames) {
  constexpr size_t kShownPerRun = 3, kMaxLines = 60;
  std::fprintf(stderr, "wasm backtrace:\n");
  size_t lines = 0;
  for (size_t i = 0; i < frames.size();) {
    size_t run = 1;
    while (i + run < frames.size() && same_frame(frames[i], frames[i + run]))
      ++run;
    for (size_t k = 0; k < run && k < kShownPerRun; ++k, ++lines) {
      if (lines == kMaxLines) {
        std::fprintf(stderr, "  ... %zu more frames\n", frames.size() - (i + k));
        return;
      }
      std::fprintf(stderr, "  %3zu: %s - %s\n", i + k, hex(frames[i].offset).c_str(),
                   frame_name(frames[i]).c_str());
    }
    if (run > kShownPerRun) {
      std::fprintf(stderr, "  ... the frame above repeats %zu more times\n", run - kShownPerRun);
      ++lines;
    }
    i += run;
  }
}

// "at offset 0x1a (section code, function 3)": where in a binary, as precisely as known.
std::string binary_place(const Error& e) {
  std::string out;
  if (e.where.offset != Location::kNone) out += " at offset " + hex(e.where.offset);
  std::string context;
  if (!e.where.section.empty()) context += "section " + e.where.section;
  if (e.where.function >= 0) {
    context +=
        (context.empty() ? "" : ", ") + std::string("function ") + std::to_string(e.where.function);
  }
  if (!context.empty()) out += " (" + context + ")";
  return out;
}

std::string kind_label(ErrorKind k, std::string_view subject) {
  switch (k) {
  case ErrorKind::Malformed: return "malformed " + std::string(subject);
  case ErrorKind::Invalid: return "invalid " + std::string(subject);
  case ErrorKind::Unlinkable: return "cannot link";
  default: return error_kind_name(k);
  }
}

} // namespace

int report_error(const std::string& file, const Error& e, std::string_view subject) {
  const std::string prefix = file.empty() ? "Error: " : "Error: " + file;
  switch (e.kind) {
  case ErrorKind::Io:
  case ErrorKind::Usage:
    // These messages name their subject themselves (the file, the option).
    std::fprintf(stderr, "Error: %s\n", e.message.c_str());
    break;
  case ErrorKind::Trap:
  case ErrorKind::Exhaustion: {
    std::string where;
    if (!e.backtrace.empty()) {
      where = ", in " + frame_name(e.backtrace.front()) + " at offset " +
              hex(e.backtrace.front().offset);
    }
    std::fprintf(stderr, "%s%swasm trap: %s%s\n", prefix.c_str(), file.empty() ? "" : ": ",
                 e.message.c_str(), where.c_str());
    if (!e.backtrace.empty()) print_backtrace(e.backtrace);
    break;
  }
  default:
    if (e.where.line != 0) {
      // Text: FILE:LINE:COL, as compilers say it.
      std::fprintf(stderr, "%s:%u:%u: %s: %s\n", prefix.c_str(), e.where.line, e.where.column,
                   kind_label(e.kind, subject).c_str(), e.message.c_str());
    } else {
      std::fprintf(stderr, "%s%s%s%s: %s\n", prefix.c_str(), file.empty() ? "" : ": ",
                   kind_label(e.kind, subject).c_str(), binary_place(e).c_str(), e.message.c_str());
    }
    break;
  }
  return exit_status_for(e);
}

Result<std::vector<uint8_t>> read_whole_file(const std::string& path) {
  auto fail = [&](const std::string& why) {
    return make_error(ErrorKind::Io, "cannot read " + path + ": " + why);
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(std::strerror(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    const bool dir = S_ISDIR(st.st_mode);
    const int err = errno;
    ::close(fd);
    return fail(dir ? "it is a directory, not a file" : std::strerror(err));
  }
  std::vector<uint8_t> bytes;
  uint8_t buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return fail(std::strerror(err));
    }
    bytes.insert(bytes.end(), buf, buf + n);
  }
  ::close(fd);
  return bytes;
}

namespace {

// WAT is text; a byte below 0x20 that is not whitespace (or DEL) in the first few bytes means
// the file is meant as a binary, so a bad magic number is reported as that, not as bad text.
bool looks_binary(const std::vector<uint8_t>& bytes) {
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
    const uint8_t c = bytes[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7f)
      return true;
  }
  return false;
}

// The first character that is not whitespace, or 0.
char first_visible(const std::vector<uint8_t>& bytes) {
  for (const uint8_t c : bytes) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return static_cast<char>(c);
  }
  return 0;
}

} // namespace

Result<Module> load_module(const Engine& engine, const std::string& path) {
  auto bytes = read_whole_file(path);
  if (!bytes) return bytes.error();
  if (bytes->empty()) {
    return make_error(ErrorKind::Malformed,
                      "the file is empty (expected a wasm binary or WAT text)");
  }
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
  const bool has_magic = bytes->size() >= 4 && std::memcmp(bytes->data(), kMagic, 4) == 0;
  if (has_magic || looks_binary(*bytes)) return Module::from_binary(engine, *bytes);
  auto module = Module::from_bytes_or_text(engine, *bytes);
  if (!module && module.error().kind == ErrorKind::Invalid &&
      module.error().where.offset != Location::kNone) {
    Error e = module.error();
    e.message += " (the offset is in the binary the text compiles to)";
    return e;
  }
  // WAT starts with "(" or a comment: anything else is most likely not meant as a module.
  if (!module && module.error().kind == ErrorKind::Malformed && module.error().where.line != 0) {
    const char c = first_visible(*bytes);
    if (c != '(' && c != ';') {
      Error e = module.error();
      e.message += " (the file is neither WAT text, which starts with \"(\", nor a wasm binary, "
                   "which starts with \"\\0asm\")";
      return e;
    }
  }
  return module;
}

} // namespace wasmcap::cli

namespace {

constexpr const char* kSubcommands[] = {"run", "wast", "inspect"};

// CLI11's own errors (unknown option, missing value...) in the same one-line style.
std::string failure_message(const CLI::App* app, const CLI::Error& e) {
  std::string help = "wasmcap --help";
  std::string what = e.what();
  for (const CLI::App* sub : app->get_subcommands()) {
    help = "wasmcap " + sub->get_name() + " --help";
    // A value outside a fixed set: CLI11 says "--tier: Check fast value in {...} FAILED".
    const size_t check = what.find(": Check "), in = what.find(" value in {");
    if (check != std::string::npos && in != std::string::npos && in > check) {
      const std::string option = what.substr(0, check);
      const std::string value = what.substr(check + 8, in - check - 8);
      const CLI::Option* opt = sub->get_option_no_throw(option);
      const std::string allowed = opt ? opt->get_option_text() : "";
      what = option + ": \"" + value + "\" is not a valid value" +
             (allowed.empty() ? "" : " (use " + allowed + ")");
    }
  }
  return "Error: " + what + "\nRun '" + help + "' for usage.\n";
}

// `wasmcap run [OPTIONS] FILE [ARGS...]`: FILE ends wasmcap's options, and what follows it is
// the guest's even when it looks like an option. Returns FILE's index in argv (argc if none), or
// -1 after reporting an option `run` does not have.
int find_run_file(const CLI::App& run, int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return i + 1;
    if (arg.size() < 2 || arg[0] != '-') return i;
    const bool long_name = arg[1] == '-';
    const size_t eq = arg.find('=');
    const std::string name = long_name ? arg.substr(0, eq) : arg.substr(0, 2);
    const CLI::Option* opt = run.get_option_no_throw(name);
    if (opt == nullptr) {
      std::fprintf(stderr,
                   "Error: unknown option \"%s\" (wasmcap's options go before FILE, the "
                   "guest's after it)\nRun 'wasmcap run --help' for usage.\n",
                   name.c_str());
      return -1;
    }
    // A value in the same argument (--fuel=10, -Wfuel=10), or in the next one.
    const bool attached = long_name ? eq != std::string::npos : arg.size() > 2;
    if (opt->get_expected_max() > 0 && !attached) ++i; // flags expect none
  }
  return argc;
}

} // namespace

int main(int argc, char** argv) {
  using namespace wasmcap::cli;
  CLI::App app{"wasmcap: a WebAssembly runtime with capability-based security", "wasmcap"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("wasmcap 0.1.0"));
  app.failure_message(failure_message);
  app.footer("Run 'wasmcap SUBCOMMAND --help' for its options.\n"
             "Example: wasmcap run --dir ./data::/data tool.wasm ARGS...\n"
             "Exit statuses: 0 ok; 1 wast: assertions failed; 2 bad command line; 3 cannot read "
             "FILE;\n  4 malformed module; 5 invalid module; 6 cannot link (missing or mismatched "
             "import);\n  7 refused by the policy (--strict); 134 the guest trapped; N the "
             "guest's proc_exit(N).");
  std::vector<std::string> guest_args;
  const Action run = add_run_command(app, guest_args);
  const Action wast = add_wast_command(app);
  const Action inspect = add_inspect_command(app);
  if (argc < 2) {
    std::fprintf(stderr, "Error: no subcommand given (expected run, wast or inspect)\n"
                         "Run 'wasmcap --help' for usage.\n");
    return kExitUsage;
  }
  if (argv[1][0] != '-') {
    bool known = false;
    for (const char* s : kSubcommands)
      known = known || std::strcmp(argv[1], s) == 0;
    if (!known) {
      std::fprintf(stderr,
                   "Error: unknown subcommand \"%s\" (expected run, wast or inspect)\n"
                   "Run 'wasmcap --help' for usage.\n",
                   argv[1]);
      return kExitUsage;
    }
  }
  int parsed = argc;
  if (std::strcmp(argv[1], "run") == 0) {
    const int file = find_run_file(*app.get_subcommand("run"), argc, argv, 2);
    if (file < 0) return kExitUsage;
    if (file < argc) {
      guest_args.assign(argv + file + 1, argv + argc);
      parsed = file + 1;
    }
  }
  try {
    app.parse(parsed, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  for (CLI::App* sub : app.get_subcommands()) {
    if (sub->get_name() == "run") return run();
    if (sub->get_name() == "wast") return wast();
    if (sub->get_name() == "inspect") return inspect();
  }
  return kExitUsage;
}
