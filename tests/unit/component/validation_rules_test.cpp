// Component validation rules on small components written in the text format: outer aliases
// across component boundaries, alias declarators in types, core module types and core
// instantiation by core subtyping, resource locality and identity, export ascriptions, and
// names. Each invalid component names the rule in its message, at the offset of the definition.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "component/decoder.h"
#include "component/validate.h"
#include "text/wat_parser.h"

#include "validate_text.h"

namespace wasmcap::component {
namespace {

// `wat` is invalid with a message containing `words`, at byte offset `offset`.
void expect_invalid(const std::string& wat, std::string_view words, uint64_t offset) {
  auto e = validation_error(wat);
  ASSERT_TRUE(e) << "valid: " << wat;
  EXPECT_EQ(e->kind, ErrorKind::Invalid);
  EXPECT_NE(e->message.find(words), std::string::npos) << e->message;
  EXPECT_EQ(e->where.offset, offset) << e->message;
}

void expect_valid(const std::string& wat) {
  auto e = validation_error(wat);
  EXPECT_FALSE(e) << e->to_string();
}

TEST(ComponentValidationRules, OuterAliasOfAResourceMayNotCrossAComponent) {
  expect_invalid(R"((component $C
      (type $R (resource (rep i32)))
      (type $L (list (own $R)))
      (component (alias outer $C $L (type $a)))))",
                 "transitively refers to resources", 31);
  // A component type is no boundary; a resource-free type crosses anything.
  expect_valid(R"((component $C
      (type $R (resource (rep i32)))
      (type (component (alias outer $C $R (type $r))))
      (type $T (record (field "x" u32)))
      (component (alias outer $C $T (type $t)))))");
}

TEST(ComponentValidationRules, AliasesInTypesOnlyOfTypesAndInstances) {
  expect_invalid(R"((component $C
      (component $D)
      (type (instance (alias outer $C $D (component $a))))))",
                 "may only refer to types or instances", 45);
}

TEST(ComponentValidationRules, ModuleImportsMatchByCoreSubtyping) {
  const char* missing_import = R"((component
      (core module $m (import "" "extra" (global i32)))
      (component $c (import "m" (core module)))
      (instance (instantiate $c (with "m" (core module $m))))))";
  expect_invalid(missing_import, "missing expected import `::extra`", 90);
  const char* wrong_export = R"((component
      (core module $m (func (export "g")))
      (component $c (import "m" (core module (export "g" (global i32)))))
      (instance (instantiate $c (with "m" (core module $m))))))";
  expect_invalid(wrong_export, "type mismatch in export `g`: expected global, found func", 106);
  // Limits: covariant on exports, contravariant on imports.
  expect_valid(R"((component
      (core module $m (import "" "t" (table 1 funcref)) (table (export "x") 2 funcref))
      (component $c (import "m" (core module
        (import "" "t" (table 2 funcref)) (export "x" (table 1 funcref)))))
      (instance (instantiate $c (with "m" (core module $m))))))");
}

TEST(ComponentValidationRules, CoreInstantiationChecksEverySort) {
  expect_invalid(R"((component
      (core module $m1 (import "" "g" (global i32)))
      (core module $m2 (global (export "g") i64 (i64.const 0)))
      (core instance $i (instantiate $m2))
      (core instance (instantiate $m1 (with "" (instance $i))))))",
                 "expected global type i32, found i64", 82);
  expect_invalid(R"((component
      (core module $m1 (import "" "t" (table 1 2 funcref)))
      (core module $m2 (table (export "t") 2 funcref))
      (core instance $i (instantiate $m2))
      (core instance (instantiate $m1 (with "" (instance $i))))))",
                 "mismatch in table limits", 82);
  expect_invalid(R"((component
      (core module $m1 (import "" "m" (memory 1)))
      (core module $m2 (memory (export "m") 0))
      (core instance $i (instantiate $m2))
      (core instance (instantiate $m1 (with "" (instance $i))))))",
                 "mismatch in memory limits", 79);
}

TEST(ComponentValidationRules, TwoLevelImportNamesAreUnique) {
  expect_invalid(R"((component (core module (import "" "a" (func)) (import "" "a" (func)))))",
                 "duplicate import name `:a`", 0x0a);
}

TEST(ComponentValidationRules, ResourceRepNeedsALocalResource) {
  expect_invalid(R"((component
      (component $C (type $R (resource (rep i32))) (export "r" (type $R)))
      (instance $c (instantiate $C))
      (alias export $c "r" (type $R))
      (core func (canon resource.rep $R))))",
                 "not a local resource", 78);
}

TEST(ComponentValidationRules, EachImportOfAnInstanceTypeHasItsOwnResources) {
  expect_invalid(R"((component
      (type $I (instance
        (export "r" (type $r (sub resource)))
        (export "f" (func (result (own $r))))))
      (import "i1" (instance $i1 (type $I)))
      (import "i2" (instance $i2 (type $I)))
      (component $C
        (import "r" (type $r (sub resource)))
        (import "f" (func (result (own $r)))))
      (instance (instantiate $C (with "r" (type $i1 "r")) (with "f" (func $i2 "f"))))))",
                 "resource types are not the same", 127);
}

TEST(ComponentValidationRules, ExportAscriptionsAreSupertypes) {
  expect_invalid(R"((component
      (import "f" (instance $i))
      (export "f2" (instance $i) (instance (export "f" (func))))))",
                 "ascribed type of export `f2` is not compatible", 40);
}

TEST(ComponentValidationRules, ImplementsOnABagOfExports) {
  expect_invalid(R"((component (instance) (instance (export "x" (implements "a") (instance 0)))))",
                 "is not a valid extern name", 15);
}

TEST(ComponentValidationRules, ExportedMethodsNeedAnExportedResource) {
  expect_invalid(R"((component
      (import "b" (type $T (sub resource)))
      (import "f" (func $f (param "self" (borrow $T))))
      (export "[method]b.foo" (func $f))))",
                 "function does not match expected resource name `b`", 42);
}

TEST(ComponentValidationRules, ImportsMentionOnlyTypesImportsNamed) {
  expect_invalid(R"((component
      (type $R (resource (rep i32)))
      (export $R' "r" (type $R))
      (import "f" (func (result (own $R'))))))",
                 "func not valid to be used as import", 35);
}

TEST(ComponentValidationRules, OnlyExternalInstancesConferNames) {
  const char* local_bag = R"((component
      (core module $m (func (export "f") (param i32)))
      (core instance $i (instantiate $m))
      (type $Rec (record (field "x" u32)))
      (instance $bag (export "t" (type $Rec)))
      (alias export $bag "t" (type $Rec'))
      (func $f (param "r" $Rec') (canon lift (core func $i "f")))
      (export "f" (func $f))))";
  expect_invalid(local_bag, "func not valid to be used as export", 115);
  expect_valid(R"((component
      (core module $m (func (export "f") (param i32)))
      (core instance $i (instantiate $m))
      (type $Rec (record (field "x" u32)))
      (instance $bag (export "t" (type $Rec)))
      (export $bag' "i" (instance $bag))
      (alias export $bag' "t" (type $Rec'))
      (func $f (param "r" $Rec') (canon lift (core func $i "f")))
      (export "f" (func $f))))");
}

TEST(ComponentValidationRules, InstancesAreCheckedWhereTheyAreUsed) {
  const char* type = R"((type $I (instance
        (type $Rec (record (field "x" u32)))
        (type $Rec2 (record (field "r" $Rec)))
        (export "t" (type (eq $Rec2))))))";
  expect_valid(std::string("(component ") + type + ")");
  expect_invalid(std::string("(component ") + type + R"( (import "i" (instance (type $I)))))",
                 "instance not valid to be used as import", 35);
}

} // namespace
} // namespace wasmcap::component
