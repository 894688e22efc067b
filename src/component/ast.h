// component::Component: plain data for a component binary (the component model's Binary.md), as
// decoded, before validation. Definitions stay in binary order, because every index space is
// built incrementally: a definition may only refer to what precedes it. Nested core modules
// stay bytes (decoded by binary/ when validated or instantiated); nested components are decoded
// recursively. Every definition keeps its byte offset so errors can name a place.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ir/types.h"

namespace wasmcap::component {

// ---- sorts and indices -------------------------------------------------------------------

enum class CoreSort : uint8_t {
  Func = 0x00,
  Table = 0x01,
  Memory = 0x02,
  Global = 0x03,
  Tag = 0x04,
  Type = 0x10,
  Module = 0x11,
  Instance = 0x12,
};

enum class Sort : uint8_t { Core, Func, Value, Type, Component, Instance };

struct SortIdx {
  Sort sort = Sort::Func;
  CoreSort core = CoreSort::Func; // when sort == Core
  uint32_t index = 0;
};

const char* sort_name(Sort sort, CoreSort core);

// ---- value types -------------------------------------------------------------------------

enum class PrimType : uint8_t {
  Bool,
  S8,
  U8,
  S16,
  U16,
  S32,
  U32,
  S64,
  U64,
  F32,
  F64,
  Char,
  String,
  ErrorContext,
};

const char* prim_name(PrimType t);

// valtype ::= typeidx | primvaltype
struct ValTypeRef {
  bool is_index = false;
  PrimType prim = PrimType::Bool;
  uint32_t index = 0; // when is_index

  static ValTypeRef of(PrimType p) { return {false, p, 0}; }
  static ValTypeRef at(uint32_t i) { return {true, PrimType::Bool, i}; }
};

struct LabeledType {
  std::string label;
  ValTypeRef type;
};

struct Case {
  std::string label;
  std::optional<ValTypeRef> type;
};

struct DefValType {
  enum class Kind : uint8_t {
    Prim,
    Record,
    Variant,
    List,
    FixedList,
    Tuple,
    Flags,
    Enum,
    Option,
    Result,
    Own,
    Borrow,
    Stream,
    Future,
    Map,
  };
  Kind kind = Kind::Prim;
  PrimType prim = PrimType::Bool;  // Prim
  std::vector<LabeledType> fields; // Record
  std::vector<Case> cases;         // Variant
  std::vector<std::string> labels; // Flags, Enum
  // List/FixedList/Option: [elem]; Tuple: the members; Map: [key, value].
  std::vector<ValTypeRef> types;
  std::optional<ValTypeRef> ok, err; // Result; Stream/Future use `ok` for the element
  uint32_t index = 0;                // Own/Borrow: resource type index
  uint32_t length = 0;               // FixedList
};

struct FuncType {
  bool async = false;
  std::vector<LabeledType> params;
  std::optional<ValTypeRef> result;
};

struct ResourceType {
  ir::ValType rep = ir::ValType::I32;
  std::optional<uint32_t> dtor; // core function index
};

// ---- names, extern descriptors, declarators ----------------------------------------------

struct ExternName {
  std::string name;
  std::optional<std::string> implements;     // (implements "...") attribute
  std::optional<std::string> version_suffix; // (versionsuffix "...")
  std::optional<std::string> external_id;    // (external-id "...")
  uint64_t offset = 0;
};

struct ExternDesc {
  enum class Kind : uint8_t { CoreModule, Func, Value, Type, Component, Instance };
  Kind kind = Kind::Func;
  uint32_t index = 0; // the type index (CoreModule: core type index)
  // Type: (eq index) or (sub resource); Value: (eq valueidx) or a valtype.
  bool sub_resource = false;
  bool value_eq = false;
  ValTypeRef value_type;
};

struct CoreTypeDef;
struct TypeDef;

// An outer or export alias; see Alias below. Declarators reuse it.
struct Alias {
  enum class Kind : uint8_t { Export, CoreExport, Outer };
  Kind kind = Kind::Export;
  Sort sort = Sort::Func;
  CoreSort core = CoreSort::Func;
  uint32_t instance = 0; // Export/CoreExport
  std::string name;      // Export/CoreExport
  uint32_t count = 0;    // Outer: how many scopes out
  uint32_t index = 0;    // Outer: index in that scope's sort space
  uint64_t offset = 0;
};

// componentdecl / instancedecl: the declarators of a component or instance type.
struct Decl {
  enum class Kind : uint8_t { CoreType, Type, Alias, Import, Export };
  Kind kind = Kind::Type;
  std::shared_ptr<CoreTypeDef> core_type; // CoreType
  std::shared_ptr<TypeDef> type;          // Type
  component::Alias alias;                 // Alias
  ExternName name;                        // Import/Export
  ExternDesc desc;                        // Import/Export
  uint64_t offset = 0;
};

// deftype ::= defvaltype | functype | componenttype | instancetype | resourcetype
struct TypeDef {
  enum class Kind : uint8_t { Val, Func, Component, Instance, Resource };
  Kind kind = Kind::Val;
  DefValType val;
  FuncType func;
  std::vector<Decl> decls; // Component / Instance
  ResourceType resource;
  uint64_t offset = 0;
};

// ---- core types ----------------------------------------------------------------------------

// core:moduledecl
struct CoreModuleDecl {
  enum class Kind : uint8_t { Import, Type, Alias, Export };
  Kind kind = Kind::Import;
  // Import: module/name/kind and the type (func: type index; table/memory/global: the type).
  std::string module, name;
  ir::ExternKind extern_kind = ir::ExternKind::Func;
  uint32_t func_type = 0;
  ir::TableType table;
  ir::MemoryType memory;
  ir::GlobalType global;
  std::shared_ptr<CoreTypeDef> type; // Type
  uint32_t outer_count = 0;          // Alias (always an outer alias of a core type)
  uint32_t outer_index = 0;
  uint64_t offset = 0;
};

struct CoreTypeDef {
  enum class Kind : uint8_t { Func, Module };
  Kind kind = Kind::Func;
  ir::FuncType func;
  std::vector<CoreModuleDecl> decls; // Module
  uint64_t offset = 0;
};

// ---- definitions -----------------------------------------------------------------------------

struct CoreInstance {
  bool instantiate = true; // (instantiate m arg*) or a bag of exports
  uint32_t module = 0;
  struct Arg {
    std::string name;
    uint32_t instance = 0;
  };
  std::vector<Arg> args;
  struct Export {
    std::string name;
    CoreSort sort = CoreSort::Func;
    uint32_t index = 0;
  };
  std::vector<Export> exports;
};

struct Instance {
  bool instantiate = true;
  uint32_t component = 0;
  struct Arg {
    std::string name;
    SortIdx item;
  };
  std::vector<Arg> args;
  struct Export {
    ExternName name;
    SortIdx item;
  };
  std::vector<Export> exports;
};

struct CanonOptions {
  enum class Encoding : uint8_t { Utf8, Utf16, Latin1Utf16 };
  Encoding encoding = Encoding::Utf8;
  bool encoding_set = false;
  std::optional<uint32_t> memory, realloc, post_return, callback;
  bool async = false;
};

struct Canon {
  enum class Kind : uint8_t {
    Lift,
    Lower,
    ResourceNew,
    ResourceDrop,
    ResourceRep,
    Other, // an async, thread or error-context built-in: decoded, refused by validation
  };
  Kind kind = Kind::Lift;
  uint8_t opcode = 0;
  uint32_t func = 0; // Lift: core func; Lower: component func
  uint32_t type = 0; // Lift: func type; Resource*: resource type
  CanonOptions options;
};

struct Start {
  uint32_t func = 0;
  std::vector<uint32_t> args;
  uint32_t results = 0;
};

struct Import {
  ExternName name;
  ExternDesc desc;
};

struct Export {
  ExternName name;
  SortIdx item;
  std::optional<ExternDesc> desc;
};

struct Component;

// A nested core module: its bytes are a range of the outermost binary.
struct CoreModuleRef {
  uint64_t offset = 0;
  uint32_t size = 0;
};

struct Definition {
  enum class Kind : uint8_t {
    CoreModule,
    CoreInstance,
    CoreType,
    Component,
    Instance,
    Alias,
    Type,
    Canon,
    Start,
    Import,
    Export,
    Value,
  };
  Kind kind = Kind::CoreModule;
  uint64_t offset = 0;
  CoreModuleRef core_module;
  component::CoreInstance core_instance;
  std::shared_ptr<CoreTypeDef> core_type;
  std::shared_ptr<component::Component> component;
  component::Instance instance;
  component::Alias alias;
  std::shared_ptr<TypeDef> type;
  component::Canon canon;
  component::Start start;
  component::Import import;
  component::Export export_;
};

struct Component {
  std::vector<Definition> definitions;
  std::vector<std::string> custom_sections; // names, in order
  uint64_t offset = 0;                      // where its preamble starts
};

} // namespace wasmcap::component
