// The WIT syntax tree: one parsed .wit file as written, names not yet resolved. The parser
// (wit/parser.h) produces it; the resolver (wit/resolver.h) turns a set of them into the model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wit/model.h"

namespace wasmcap::wit::ast {

struct Pos {
  uint32_t line = 0;
  uint32_t column = 0;
};

struct PackageName {
  Pos pos;
  std::string ns, name, version;
};

// An interface reference: `iface` (in this package or a top-level `use`) or
// `ns:pkg/iface@version`.
struct UsePath {
  Pos pos;
  bool qualified = false;
  std::string ns, pkg, version; // qualified only
  std::string name;
};

// A type expression. `kind` is the model's; a name (`descriptor`) is TypeKind::Named with
// `name` set, and Own/Borrow carry the resource's name.
struct TypeExpr {
  Pos pos;
  TypeKind kind = TypeKind::Bool;
  std::string name;
  std::vector<TypeExpr> args;
  uint32_t length = 0;
  bool has_ok = false, has_err = false;
};

struct NamedType {
  Pos pos;
  std::string name;
  TypeExpr type;
};

struct Func {
  Pos pos;
  Gate gate;
  std::string name; // the item name; "" for a constructor
  FunctionKind kind = FunctionKind::Freestanding;
  bool is_async = false;
  std::vector<NamedType> params;
  std::optional<TypeExpr> result;
};

struct Case {
  Pos pos;
  std::string name;
  std::optional<TypeExpr> type;
};

struct TypeDecl {
  Pos pos;
  Gate gate;
  std::string name;
  TypeDefKind kind = TypeDefKind::Record;
  std::vector<Case> fields; // Record (typed), Variant; Enum and Flags (untyped)
  std::optional<TypeExpr> alias;
  std::vector<Func> funcs; // Resource
};

struct UseName {
  Pos pos;
  std::string name, as; // `as` = name when not renamed
};

struct UseDecl {
  Pos pos;
  Gate gate;
  UsePath path;
  std::vector<UseName> names;
};

struct Interface {
  Pos pos;
  Gate gate;
  std::string name; // "" inline
  std::vector<UseDecl> uses;
  std::vector<TypeDecl> types;
  std::vector<Func> funcs;
};

// One world item: import/export (of a path, a plain-named path, an inline interface or a
// function) or an include, in source order.
struct WorldItem {
  enum Kind : uint8_t { Path, NamedPath, InlineInterface, Function, Include } kind = Path;
  Pos pos;
  Gate gate;
  bool is_export = false;
  std::string name; // NamedPath, InlineInterface, Function
  UsePath path;     // Path, NamedPath, Include
  Interface inline_interface;
  Func func;
  std::vector<UseName> with; // Include: `with { a as b }`
};

struct World {
  Pos pos;
  Gate gate;
  std::string name;
  std::vector<UseDecl> uses;
  std::vector<TypeDecl> types;
  std::vector<WorldItem> items;
};

struct TopUse {
  Pos pos;
  UsePath path;
  std::string as;
};

// A package's items as found in one file: the file's top level, or a nested `package a:b {}`.
struct PackageBody {
  std::optional<PackageName> name;
  std::vector<TopUse> uses;
  std::vector<Interface> interfaces;
  std::vector<World> worlds;
};

struct File {
  std::string path;
  PackageBody top; // `package x;` (if any) and the top-level items
  std::vector<PackageBody> nested;
};

} // namespace wasmcap::wit::ast
