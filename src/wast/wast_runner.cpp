// Executes .wast commands: modules are created and instantiated through the public API, actions
// invoked, and each assertion compared with what happened. Every command that asserts something
// counts as one pass or one failure.
#include "wast/wast_runner.h"

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "text/wat_parser.h"
#include "wasmcap/wasmcap.hpp"
#include "wast/component_script.h"
#include "wast/spectest.h"
#include "wast/value_match.h"

namespace wasmcap::wast {

void Report::merge(const Report& other) {
  passed += other.passed;
  failed += other.failed;
  failures.insert(failures.end(), other.failures.begin(), other.failures.end());
  fallbacks.insert(fallbacks.end(), other.fallbacks.begin(), other.fallbacks.end());
}

namespace {

using text::Command;
using text::ScriptModule;

// The state a script builds up: named and current instances, registrations.
class ScriptRun {
public:
  ScriptRun(std::string_view file, const Config& config)
      : file_(file), engine_(config), store_(engine_) {
    if (auto s = define_spectest(store_, linker_); !s) setup_error_ = s.error().to_string();
  }

  Report run(const text::Script& script) {
    if (!setup_error_.empty()) {
      fail(0, "spectest setup failed: " + setup_error_);
      return report_;
    }
    for (const Command& c : script.commands)
      run_command(c);
    return std::move(report_);
  }

private:
  void pass() { ++report_.passed; }
  void fail(uint32_t line, std::string message) {
    ++report_.failed;
    report_.failures.push_back({std::string(file_), line, std::move(message)});
  }

  // Text -> bytes -> Module. Malformed text, decode errors and validation errors all come back.
  // A module the tier under test leaves to the interpreter is noted in the report.
  Result<Module> compile(const ScriptModule& m, uint32_t line) {
    Result<Module> module = compile_module(m);
    if (module && !module->jit_fallback_reason().empty()) {
      report_.fallbacks.push_back({std::string(file_), line, module->jit_fallback_reason()});
    }
    return module;
  }

  Result<Module> compile_module(const ScriptModule& m) {
    switch (m.kind) {
    case ScriptModule::Kind::Text:
      if (m.encode_error) return *m.encode_error;
      return Module::from_binary(engine_, m.bytes);
    case ScriptModule::Kind::Binary: return Module::from_binary(engine_, m.bytes);
    case ScriptModule::Kind::Quote: {
      auto bytes = text::parse_wat(m.quote);
      if (!bytes) return bytes.error();
      return Module::from_binary(engine_, *bytes);
    }
    }
    return make_error(ErrorKind::Usage, "unknown module kind");
  }

  Result<Instance> instantiate(const ScriptModule& m, uint32_t line) {
    auto module = compile(m, line);
    if (!module) return module.error();
    auto instance = linker_.instantiate(store_, *module);
    // Tier::Auto: the module's first action runs on the interpreter; then the script waits for
    // the background compile, so the actions after it run compiled code (a compile takes longer
    // than a whole script would).
    if (instance && engine_.config().tier == Tier::Auto) tiering_ = std::move(*module);
    return instance;
  }

  std::optional<Instance> find_instance(const std::optional<std::string>& name, uint32_t line) {
    if (!name) {
      if (!current_) fail(line, "no module to act on");
      return current_;
    }
    auto it = named_.find(*name);
    if (it == named_.end()) {
      fail(line, "unknown module " + *name);
      return std::nullopt;
    }
    return it->second;
  }

  // Runs an invoke or get; returns the results, or the error it ended with.
  std::optional<Result<std::vector<Value>>> perform(const text::Action& a, uint32_t line) {
    auto instance = find_instance(a.module, line);
    if (!instance) return std::nullopt;
    auto item = instance->get_export(a.field);
    if (!item) {
      fail(line, "unknown export \"" + a.field + "\"");
      return std::nullopt;
    }
    if (a.kind == text::Action::Kind::Get) {
      if (!item->global()) {
        fail(line, "export \"" + a.field + "\" is not a global");
        return std::nullopt;
      }
      return Result<std::vector<Value>>(std::vector<Value>{item->global()->get()});
    }
    if (!item->func()) {
      fail(line, "export \"" + a.field + "\" is not a function");
      return std::nullopt;
    }
    std::vector<Value> args;
    for (const auto& v : a.args)
      args.push_back(to_value(v));
    auto results = item->func()->call(args);
    if (tiering_) {
      tiering_->wait_for_tier_up();
      tiering_.reset();
    }
    return results;
  }

  void run_command(const Command& c) {
    // Component commands (and actions on the current component) go to the component runner.
    if (components_.run(c)) return;
    switch (c.kind) {
    case Command::Kind::Module: {
      if (c.module->is_definition) {
        // A definition is only compiled (`module instance` is not supported yet: nothing
        // instantiates it later, and the current module stays what it was).
        auto module = compile(*c.module, c.line);
        if (!module) return fail(c.line, "module failed: " + module.error().to_string());
        return pass();
      }
      auto instance = instantiate(*c.module, c.line);
      if (!instance) {
        fail(c.line, "module failed: " + instance.error().to_string());
        current_.reset();
        return;
      }
      current_ = *instance;
      if (c.module->name) named_[*c.module->name] = *instance;
      return pass();
    }
    case Command::Kind::Register: {
      auto instance = find_instance(c.register_module, c.line);
      if (instance) linker_.define_instance(c.register_name, *instance);
      return;
    }
    case Command::Kind::Action: {
      auto r = perform(*c.action, c.line);
      if (!r) return;
      if (!*r) return fail(c.line, "action failed: " + r->error().to_string());
      return pass();
    }
    case Command::Kind::AssertReturn: return assert_return(c);
    case Command::Kind::AssertTrap:
      if (c.module) return expect_instantiation_error(c, ErrorKind::Trap);
      return expect_action_error(c, ErrorKind::Trap);
    case Command::Kind::AssertExhaustion: return expect_action_error(c, ErrorKind::Exhaustion);
    case Command::Kind::AssertException: return expect_action_error(c, ErrorKind::Exception);
    case Command::Kind::AssertInvalid: return expect_compile_error(c, ErrorKind::Invalid);
    case Command::Kind::AssertMalformed: return expect_compile_error(c, ErrorKind::Malformed);
    case Command::Kind::AssertUnlinkable:
      return expect_instantiation_error(c, ErrorKind::Unlinkable);
    case Command::Kind::AssertUninstantiable: return expect_instantiation_error(c, ErrorKind::Trap);
    case Command::Kind::ComponentInstance: return; // handled above
    }
  }

  void assert_return(const Command& c) {
    auto r = perform(*c.action, c.line);
    if (!r) return;
    if (!*r) return fail(c.line, "expected a return, got " + r->error().to_string());
    const std::vector<Value>& got = r->value();
    if (got.size() != c.expected.size()) {
      return fail(c.line, "expected " + std::to_string(c.expected.size()) + " results, got " +
                              std::to_string(got.size()));
    }
    for (size_t i = 0; i < got.size(); ++i) {
      if (!matches(c.expected[i], got[i], store_)) {
        return fail(c.line, "result " + std::to_string(i) + ": expected " +
                                describe(c.expected[i]) + ", got " + value_to_string(got[i]));
      }
    }
    pass();
  }

  void expect_action_error(const Command& c, ErrorKind kind) {
    auto r = perform(*c.action, c.line);
    if (!r) return;
    if (*r)
      return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " \"" + c.message +
                              "\", but it returned");
    check_error(c, r->error(), kind);
  }

  void expect_compile_error(const Command& c, ErrorKind kind) {
    auto module = compile(*c.module, c.line);
    if (module) {
      return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " module (\"" +
                              c.message + "\"), but it compiled");
    }
    if (module.error().kind != kind) {
      return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " (\"" + c.message +
                              "\"), got " + module.error().to_string());
    }
    pass();
  }

  void expect_instantiation_error(const Command& c, ErrorKind kind) {
    auto module = compile(*c.module, c.line);
    if (!module) return fail(c.line, "module failed to compile: " + module.error().to_string());
    auto instance = linker_.instantiate(store_, *module);
    if (instance) {
      return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " \"" + c.message +
                              "\", but it instantiated");
    }
    check_error(c, instance.error(), kind);
  }

  // Traps must carry the spec's message; other kinds need only the right class.
  void check_error(const Command& c, const Error& e, ErrorKind kind) {
    if (e.kind != kind) {
      return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " \"" + c.message +
                              "\", got " + e.to_string());
    }
    if (kind == ErrorKind::Trap && e.message.find(c.message) == std::string::npos &&
        c.message.find(e.message) == std::string::npos) {
      return fail(c.line, "expected trap \"" + c.message + "\", got \"" + e.message + "\"");
    }
    pass();
  }

  std::string_view file_;
  Engine engine_;
  Store store_;
  Linker linker_;
  std::optional<Instance> current_;
  std::optional<Module> tiering_; // Tier::Auto: the module whose compile the next action awaits
  std::map<std::string, Instance> named_;
  Report report_;
  std::string setup_error_;
  ComponentScript components_{store_, [this] { pass(); },
                              [this](uint32_t line, std::string m) { fail(line, std::move(m)); }};
};

} // namespace

Report run_script(const text::Script& script, std::string_view file_name, const Config& config) {
  ScriptRun run(file_name, config);
  return run.run(script);
}

Result<Report> run_wast_file(const std::string& path, const Config& config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::Io, "cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto report = run_wast_text(buffer.str(), path, config);
  if (!report) {
    Error e = report.error();
    e.message = path + ": " + e.message;
    return e;
  }
  return report;
}

Result<Report> run_wast_text(std::string_view text, std::string_view file_name,
                             const Config& config) {
  auto script = text::parse_wast(text);
  if (!script) return script.error();
  return run_script(*script, file_name, config);
}

} // namespace wasmcap::wast
