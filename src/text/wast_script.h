// The .wast script format as data: commands with their line numbers, produced by parse_wast()
// and executed by the wast/ runner. Scripts may hold core modules and components (the component
// model's reference tests); ScriptModule::is_component tells them apart. Text modules are already
// encoded to binary bytes here, so the runner only ever sees bytes (text has one door into the
// engine).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ir/types.h"
#include "support/result.h"

namespace wasmcap::text {

struct ScriptModule {
  enum class Kind : uint8_t { Text, Binary, Quote };
  Kind kind = Kind::Text;
  std::optional<std::string> name; // the module's $id, including the '$'
  // `(component ...)` rather than `(module ...)`: bytes (Text, Binary) are a component binary.
  bool is_component = false;
  // `(component definition $x ...)` / `(module definition $x ...)`: only defines (compiles) $x, no
  // instance; `(component instance $y $x)` / `(module instance $y $x)` commands instantiate it.
  bool is_definition = false;
  // Text: the encoded binary; Binary: the literal bytes. Empty for Quote.
  std::vector<uint8_t> bytes;
  // Quote: the concatenated source strings, to be parsed by parse_wat() when the command runs.
  // For a component the strings are already wrapped in `(component ...)`, so parse_wat(quote)
  // encodes the component as well.
  std::string quote;
  // Text: set when the module could not be encoded (a malformed text module).
  std::optional<support::Error> encode_error;
};

// A constant argument, or an expected result (which may be a pattern).
struct ScriptValue {
  enum class Kind : uint8_t {
    I32,
    I64,
    F32,
    F64,           // `bits` holds the value / bit pattern
    V128,          // `lanes`/`lane_shape`: per-lane values or NaN patterns
    RefNull,       // `ref_type` says which (an abstract heap type); ValType{}: any null
    RefExtern,     // `bits` holds the host reference number
    RefHost,       // `(ref.host n)`: host reference n inside `any` (any.convert_extern)
    RefFunc,       // expected result only: any non-null funcref
    RefAbstract,   // expected result only: `(ref.i31)`, `(ref.eq)`, ... (ref_type: its heap type)
    NanCanonical,  // expected result only, with `type` F32 or F64
    NanArithmetic, // expected result only, with `type` F32 or F64
    // Expected result only: `(either v1 v2 ...)`, any one of `elements` (relaxed SIMD's
    // implementation-chosen results).
    Either,
    // Component values (component scripts; `f32.const`/`f64.const` stay F32/F64). `bits` holds
    // Bool (0/1), the unsigned kinds zero-extended, the signed kinds sign-extended to 64 bits
    // (two's complement), and Char's code point. `type` is not used by these kinds.
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    Char,
    String,     // `text` (escapes decoded)
    List,       // `elements`
    Tuple,      // `elements`
    Record,     // `elements`, with the field names in `labels` (one per element)
    Variant,    // `text` is the case label; `elements` holds the payload, if any (0 or 1)
    Enum,       // `text` is the case label
    Flags,      // `labels`: the flags that are set, in textual order
    OptionNone, //
    OptionSome, // `elements[0]`
    ResultOk,   // `elements`: the payload, if any (0 or 1)
    ResultErr,  // `elements`: the payload, if any (0 or 1)
  };
  Kind kind = Kind::I32;
  ir::ValType type = ir::ValType::I32; // the value's type (F32/F64 for NaN patterns)
  uint64_t bits = 0;
  ir::ValType ref_type = ir::ValType::FuncRef;
  // V128: the lane shape (e.g. "i32x4", "f32x4") and one entry per lane; float lanes may be NaN
  // patterns. For integer shapes each lane is Kind::I32/I64 holding the lane's bits.
  std::string lane_shape;
  std::vector<ScriptValue> lanes;
  // Component values, as described at their kinds.
  std::string text;
  std::vector<std::string> labels;
  std::vector<ScriptValue> elements;
};

struct Action {
  enum class Kind : uint8_t { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::optional<std::string> module; // $id, or nullopt for the most recent module
  std::string field;                 // export name (UTF-8, escapes decoded)
  std::vector<ScriptValue> args;     // Invoke only
};

struct Command {
  enum class Kind : uint8_t {
    Module,               // `module`, `component` (also `component definition`)
    Register,             // register "name" $id?
    Action,               // a bare invoke/get
    AssertReturn,         // action + expected
    AssertTrap,           // action or module + message
    AssertExhaustion,     // action + message
    AssertException,      // action (an exception escapes it; exception handling)
    AssertInvalid,        // module + message
    AssertMalformed,      // module + message
    AssertUnlinkable,     // module + message
    AssertUninstantiable, // module + message
    ComponentInstance,    // `(component instance $y $x)`: instance_name from definition_name
    // `(module instance $y? $x?)`: instance_name (empty: unnamed) from definition_name (empty:
    // the most recent `module definition`).
    ModuleInstance,
  };
  Kind kind = Kind::Module;
  uint32_t line = 0; // 1-based line of the command's opening parenthesis

  std::optional<ScriptModule> module; // Module, AssertTrap (module form), Assert{Invalid,...}
  std::optional<Action> action; // Action, AssertReturn, AssertTrap, AssertExhaustion, ...Exception
  std::vector<ScriptValue> expected;          // AssertReturn
  std::string message;                        // the assertion's expected failure text
  std::string register_name;                  // Register: the name other modules import from
  std::optional<std::string> register_module; // Register: $id, or nullopt = most recent
  std::string instance_name;                  // Component/ModuleInstance: the new instance's $id
  std::string definition_name;                // Component/ModuleInstance: the definition's $id
};

struct Script {
  std::vector<Command> commands;
};

// Parses a whole .wast file. Syntax errors in the script itself (not inside an assert_malformed
// module) are Malformed errors with line:column.
support::Result<Script> parse_wast(std::string_view source);

} // namespace wasmcap::text
