// Component commands of .wast scripts (component_script.h). Values are converted between the
// script's notation and component::Val with the function's type as the guide (a variant's case
// is written by label; the Val holds its index).
#include "wast/component_script.h"

#include "api/component_runtime.h"
#include "component/types.h"
#include "text/wat_parser.h"
#include "wasmcap/wasmcap.hpp"

namespace wasmcap::wast {

namespace {

using component::Type;
using component::TypePtr;
using component::Val;
using text::Command;
using text::ScriptModule;
using text::ScriptValue;
using SK = ScriptValue::Kind;
using VK = Val::Kind;

// A component that imports nothing the script did not give it: a top-level import has no
// provider in a script (tests instantiate definitions with arguments instead).
class NoHost final : public detail::ComponentHost {
public:
  Result<detail::RItem> provide(const std::string& name, const component::ExternType&) override {
    return make_error(ErrorKind::Unlinkable, "missing import named `" + name + "`");
  }
  Status drop(const void*, uint32_t) override { return ok(); }
  bool owns(const void*) const override { return false; }
};

int case_index(const Type& t, const std::string& label) {
  if (t.kind == Type::Kind::Variant) {
    for (size_t i = 0; i < t.fields.size(); ++i) {
      if (t.fields[i].first == label) return static_cast<int>(i);
    }
  }
  if (t.kind == Type::Kind::Enum) {
    for (size_t i = 0; i < t.labels.size(); ++i) {
      if (t.labels[i] == label) return static_cast<int>(i);
    }
  }
  return -1;
}

Result<Val> to_val(const ScriptValue& s, const Type& t);

Result<std::vector<Val>> to_vals(const std::vector<ScriptValue>& ss,
                                 const std::vector<const Type*>& ts) {
  if (ss.size() != ts.size())
    return make_error(ErrorKind::Usage, "wrong number of values for the type");
  std::vector<Val> out;
  for (size_t i = 0; i < ss.size(); ++i) {
    WASMCAP_ASSIGN(Val v, to_val(ss[i], *ts[i]));
    out.push_back(std::move(v));
  }
  return out;
}

Result<Val> to_val(const ScriptValue& s, const Type& t) {
  switch (s.kind) {
  case SK::Bool: return Val::make(VK::Bool, s.bits);
  case SK::S8: return Val::make(VK::S8, s.bits);
  case SK::U8: return Val::make(VK::U8, s.bits);
  case SK::S16: return Val::make(VK::S16, s.bits);
  case SK::U16: return Val::make(VK::U16, s.bits);
  case SK::S32: return Val::make(VK::S32, s.bits);
  case SK::U32: return Val::make(VK::U32, s.bits);
  case SK::S64: return Val::make(VK::S64, s.bits);
  case SK::U64: return Val::make(VK::U64, s.bits);
  case SK::F32: return Val::make(VK::F32, s.bits);
  case SK::F64: return Val::make(VK::F64, s.bits);
  case SK::Char: return Val::make(VK::Char, s.bits);
  case SK::String: return Val::string(s.text);
  case SK::List: {
    // A map has no constant of its own in scripts: a list.const of (key, value) tuple.consts,
    // the list<tuple<k, v>> the map is to the Canonical ABI, stands for one.
    if ((t.kind != Type::Kind::List && t.kind != Type::Kind::Map) || t.types.empty())
      return make_error(ErrorKind::Usage, "a list value for a non-list type");
    Val v = Val::make(t.kind == Type::Kind::Map ? VK::Map : VK::List);
    for (const ScriptValue& e : s.elements) {
      WASMCAP_ASSIGN(Val x, to_val(e, *t.types[0]));
      v.items.push_back(std::move(x));
    }
    return v;
  }
  case SK::Tuple:
  case SK::Record: {
    std::vector<const Type*> ts;
    if (t.kind == Type::Kind::Record) {
      for (const auto& [label, f] : t.fields)
        ts.push_back(f.get());
    } else {
      for (const TypePtr& m : t.types)
        ts.push_back(m.get());
    }
    Val v = Val::make(s.kind == SK::Tuple ? VK::Tuple : VK::Record);
    WASMCAP_ASSIGN(v.items, to_vals(s.elements, ts));
    return v;
  }
  case SK::Variant:
  case SK::Enum: {
    const int i = case_index(t, s.text);
    if (i < 0) return make_error(ErrorKind::Usage, "unknown case `" + s.text + "`");
    Val v = Val::make(s.kind == SK::Enum ? VK::Enum : VK::Variant, static_cast<uint64_t>(i));
    if (!s.elements.empty() && t.kind == Type::Kind::Variant && t.fields[i].second) {
      WASMCAP_ASSIGN(Val p, to_val(s.elements[0], *t.fields[i].second));
      v.items.push_back(std::move(p));
    }
    return v;
  }
  case SK::Flags: {
    uint64_t bits = 0;
    for (const std::string& l : s.labels) {
      for (size_t i = 0; i < t.labels.size(); ++i) {
        if (t.labels[i] == l) bits |= uint64_t{1} << i;
      }
    }
    return Val::make(VK::Flags, bits);
  }
  case SK::OptionNone: return Val::make(VK::Option, 0);
  case SK::OptionSome: {
    WASMCAP_ASSIGN(Val p, to_val(s.elements.at(0), *t.types.at(0)));
    return Val::with_payload(VK::Option, 1, {std::move(p)});
  }
  case SK::ResultOk:
  case SK::ResultErr: {
    const bool is_ok = s.kind == SK::ResultOk;
    Val v = Val::make(VK::Result, is_ok ? 0 : 1);
    const TypePtr& pt = is_ok ? t.ok : t.err;
    if (!s.elements.empty() && pt) {
      WASMCAP_ASSIGN(Val p, to_val(s.elements[0], *pt));
      v.items.push_back(std::move(p));
    }
    return v;
  }
  default: break;
  }
  return make_error(ErrorKind::Usage, "a core value where a component value was expected");
}

bool same(const ScriptValue& s, const Val& v, const Type& t) {
  auto r = to_val(s, t);
  if (!r) return false;
  const Val& w = *r;
  std::function<bool(const Val&, const Val&)> eq = [&](const Val& a, const Val& b) {
    if (a.kind != b.kind || a.bits != b.bits) return false;
    if (a.kind == VK::String) return a.str == b.str;
    if (a.kind == VK::List && (a.packed_bytes || b.packed_bytes)) {
      auto bytes = [](const Val& x) {
        if (x.packed_bytes) return x.str;
        std::string o;
        for (const Val& i : x.items)
          o.push_back(static_cast<char>(i.bits));
        return o;
      };
      return bytes(a) == bytes(b);
    }
    if (a.items.size() != b.items.size()) return false;
    for (size_t i = 0; i < a.items.size(); ++i) {
      if (!eq(a.items[i], b.items[i])) return false;
    }
    return true;
  };
  return eq(w, v);
}

std::string describe(const Val& v) {
  switch (v.kind) {
  case VK::String: return "\"" + v.str + "\"";
  case VK::Bool: return v.bits ? "true" : "false";
  case VK::S8:
  case VK::S16:
  case VK::S32:
  case VK::S64: return std::to_string(static_cast<int64_t>(v.bits));
  default: break;
  }
  std::string s = std::to_string(v.bits);
  if (!v.items.empty()) {
    s += "(";
    for (size_t i = 0; i < v.items.size(); ++i)
      s += (i ? ", " : "") + describe(v.items[i]);
    s += ")";
  }
  return s;
}

} // namespace

struct ComponentScript::State {
  Store& store;
  std::function<void()> pass;
  std::function<void(uint32_t, std::string)> fail;
  std::map<std::string, std::shared_ptr<const Component>> definitions;
  std::map<std::string, std::shared_ptr<detail::ComponentInstanceData>> named;
  std::shared_ptr<detail::ComponentInstanceData> current;

  Result<Component> compile(const ScriptModule& m) {
    if (m.encode_error) return *m.encode_error;
    if (m.kind == ScriptModule::Kind::Quote) {
      WASMCAP_ASSIGN(std::vector<uint8_t> bytes, text::parse_wat(m.quote));
      return Component::from_binary(store.engine(), bytes);
    }
    return Component::from_binary(store.engine(), m.bytes);
  }

  Result<std::shared_ptr<detail::ComponentInstanceData>> instantiate(const ScriptModule& m) {
    WASMCAP_ASSIGN(Component c, compile(m));
    return detail::instantiate_component(store, c, std::make_shared<NoHost>());
  }

  void module(const Command& c) {
    auto comp = compile(*c.module);
    if (!comp) return fail(c.line, "component failed: " + comp.error().to_string());
    if (c.module->is_definition) {
      if (c.module->name) definitions[*c.module->name] = std::make_shared<const Component>(*comp);
      return;
    }
    auto inst = detail::instantiate_component(store, *comp, std::make_shared<NoHost>());
    if (!inst) return fail(c.line, "component failed to instantiate: " + inst.error().to_string());
    current = *inst;
    if (c.module->name) named[*c.module->name] = current;
  }

  void instance(const Command& c) {
    auto it = definitions.find(c.definition_name);
    if (it == definitions.end())
      return fail(c.line, "unknown component definition " + c.definition_name);
    auto inst = detail::instantiate_component(store, *it->second, std::make_shared<NoHost>());
    if (!inst) return fail(c.line, "component failed to instantiate: " + inst.error().to_string());
    current = *inst;
    named[c.instance_name] = current;
  }

  // Runs the action; the function's type comes back with the result for comparisons.
  std::optional<std::pair<detail::CallResult, TypePtr>> perform(const text::Action& a,
                                                                uint32_t line) {
    std::shared_ptr<detail::ComponentInstanceData> inst = current;
    if (a.module) {
      auto it = named.find(*a.module);
      if (it == named.end()) {
        fail(line, "unknown component " + *a.module);
        return std::nullopt;
      }
      inst = it->second;
    }
    if (!inst) {
      fail(line, "no component to act on");
      return std::nullopt;
    }
    auto f = detail::find_export_func(*inst, "", a.field);
    if (!f) {
      fail(line, "unknown export \"" + a.field + "\"");
      return std::nullopt;
    }
    std::vector<const Type*> params;
    for (const auto& [name, p] : f->type->fields)
      params.push_back(p.get());
    auto args = to_vals(a.args, params);
    if (!args) {
      fail(line, "bad arguments: " + args.error().message);
      return std::nullopt;
    }
    return std::pair(detail::call_func(*inst, *f, *args), f->type);
  }

  void assert_return(const Command& c) {
    auto r = perform(*c.action, c.line);
    if (!r) return;
    auto& [result, type] = *r;
    if (!result) return fail(c.line, "expected a return, got " + result.error().to_string());
    const std::optional<Val>& got = *result;
    if (c.expected.empty()) {
      if (got) return fail(c.line, "expected no result, got " + describe(*got));
      return pass();
    }
    if (!got || !type->result) return fail(c.line, "expected a result, got none");
    if (!same(c.expected[0], *got, *type->result))
      return fail(c.line, "unexpected result " + describe(*got));
    pass();
  }

  void expect_error(const Command& c, ErrorKind kind) {
    Error e;
    if (c.action) {
      auto r = perform(*c.action, c.line);
      if (!r) return;
      if (r->first)
        return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " \"" + c.message +
                                "\", but it returned");
      e = r->first.error();
    } else {
      auto inst = instantiate(*c.module);
      if (inst)
        return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " \"" + c.message +
                                "\", but it instantiated");
      e = inst.error();
    }
    // Trap messages are each runtime's own words: the kind is what the tests share.
    if (e.kind != kind)
      return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " \"" + c.message +
                              "\", got " + e.to_string());
    pass();
  }

  void expect_compile_error(const Command& c, ErrorKind kind) {
    auto comp = compile(*c.module);
    if (comp)
      return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " component (\"" +
                              c.message + "\"), but it compiled");
    if (comp.error().kind != kind)
      return fail(c.line, "expected " + std::string(error_kind_name(kind)) + " (\"" + c.message +
                              "\"), got " + comp.error().to_string());
    pass();
  }
};

ComponentScript::ComponentScript(Store& store, std::function<void()> pass,
                                 std::function<void(uint32_t, std::string)> fail)
    : state_(std::make_unique<State>(State{store, std::move(pass), std::move(fail), {}, {}, {}})) {}

ComponentScript::~ComponentScript() = default;

bool ComponentScript::run(const Command& c) {
  State& s = *state_;
  if (c.kind == Command::Kind::ComponentInstance) {
    s.instance(c);
    return true;
  }
  const bool component_module = c.module && c.module->is_component;
  const bool on_component = c.action && (!c.module) && s.current &&
                            (!c.action->module || s.named.count(*c.action->module));
  if (!component_module && !on_component) return false;
  switch (c.kind) {
  case Command::Kind::Module: s.module(c); break;
  case Command::Kind::Action: {
    auto r = s.perform(*c.action, c.line);
    if (r && !r->first) s.fail(c.line, "action failed: " + r->first.error().to_string());
    break;
  }
  case Command::Kind::AssertReturn: s.assert_return(c); break;
  case Command::Kind::AssertTrap: s.expect_error(c, ErrorKind::Trap); break;
  case Command::Kind::AssertInvalid: s.expect_compile_error(c, ErrorKind::Invalid); break;
  case Command::Kind::AssertMalformed: s.expect_compile_error(c, ErrorKind::Malformed); break;
  case Command::Kind::AssertUnlinkable: s.expect_error(c, ErrorKind::Unlinkable); break;
  default: s.fail(c.line, "unsupported command for components"); break;
  }
  return true;
}

} // namespace wasmcap::wast
