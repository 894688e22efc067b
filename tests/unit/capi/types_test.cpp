// wasm.h vectors, names and type descriptions: construction, views, copies, ownership.
#include "capi_helpers.h"

namespace capi_test {
namespace {

TEST(CApiVec, ByteVectorsAndNames) {
  wasm_name_t name;
  wasm_name_new_from_string(&name, "hello");
  EXPECT_EQ(name_of(&name), "hello");
  wasm_name_t copy;
  wasm_name_copy(&copy, &name);
  EXPECT_EQ(name_of(&copy), "hello");
  EXPECT_NE(copy.data, name.data);
  wasm_name_t nt;
  wasm_name_new_from_string_nt(&nt, "x");
  EXPECT_EQ(nt.size, 2u);
  EXPECT_EQ(nt.data[1], '\0');
  wasm_byte_vec_t empty;
  wasm_byte_vec_new_empty(&empty);
  EXPECT_EQ(empty.size, 0u);
  EXPECT_EQ(empty.data, nullptr);
  wasm_byte_vec_t raw;
  wasm_byte_vec_new_uninitialized(&raw, 3);
  EXPECT_EQ(raw.size, 3u);
  for (auto* v : {&name, &copy, &nt, &empty, &raw})
    wasm_byte_vec_delete(v);
}

TEST(CApiVec, PointerVectorsOwnTheirElements) {
  wasm_valtype_t* ts[2] = {wasm_valtype_new_i32(), wasm_valtype_new_f64()};
  wasm_valtype_vec_t v;
  wasm_valtype_vec_new(&v, 2, ts);
  wasm_valtype_vec_t c;
  wasm_valtype_vec_copy(&c, &v);
  ASSERT_EQ(c.size, 2u);
  EXPECT_NE(c.data[0], v.data[0]); // deep copy
  EXPECT_EQ(wasm_valtype_kind(c.data[1]), WASM_F64);
  wasm_valtype_vec_delete(&v);
  wasm_valtype_vec_delete(&c);
  wasm_valtype_vec_t u;
  wasm_valtype_vec_new_uninitialized(&u, 4); // null elements are safe to delete
  wasm_valtype_vec_delete(&u);
}

TEST(CApiTypes, ValueTypes) {
  for (wasm_valkind_t k : {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF, WASM_FUNCREF}) {
    wasm_valtype_t* t = wasm_valtype_new(k);
    EXPECT_EQ(wasm_valtype_kind(t), k);
    EXPECT_EQ(wasm_valtype_is_num(t), k < WASM_EXTERNREF);
    EXPECT_EQ(wasm_valtype_is_ref(t), k >= WASM_EXTERNREF);
    wasm_valtype_t* c = wasm_valtype_copy(t);
    EXPECT_EQ(wasm_valtype_kind(c), k);
    wasm_valtype_delete(t);
    wasm_valtype_delete(c);
  }
}

TEST(CApiTypes, FunctionTypes) {
  wasm_functype_t* f =
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32());
  ASSERT_EQ(wasm_functype_params(f)->size, 2u);
  EXPECT_EQ(wasm_valtype_kind(wasm_functype_params(f)->data[1]), WASM_I64);
  ASSERT_EQ(wasm_functype_results(f)->size, 1u);
  wasm_functype_t* c = wasm_functype_copy(f);
  EXPECT_EQ(wasm_valtype_kind(wasm_functype_results(c)->data[0]), WASM_F32);
  wasm_externtype_t* e = wasm_functype_as_externtype(c);
  EXPECT_EQ(wasm_externtype_kind(e), WASM_EXTERN_FUNC);
  EXPECT_EQ(wasm_externtype_as_functype(e), c);
  EXPECT_EQ(wasm_externtype_as_globaltype(e), nullptr);
  wasm_functype_delete(f);
  wasm_functype_delete(c);
  wasm_functype_t* z = wasm_functype_new_0_0();
  EXPECT_EQ(wasm_functype_params(z)->size, 0u);
  wasm_functype_delete(z);
}

TEST(CApiTypes, GlobalTableMemoryTypes) {
  wasm_globaltype_t* g = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  EXPECT_EQ(wasm_valtype_kind(wasm_globaltype_content(g)), WASM_I64);
  EXPECT_EQ(wasm_globaltype_mutability(g), WASM_VAR);
  wasm_externtype_t* ge = wasm_externtype_copy(wasm_globaltype_as_externtype_const(g));
  EXPECT_EQ(wasm_externtype_kind(ge), WASM_EXTERN_GLOBAL);
  EXPECT_EQ(wasm_globaltype_mutability(wasm_externtype_as_globaltype_const(ge)), WASM_VAR);

  const wasm_limits_t tl = {1, wasm_limits_max_default};
  wasm_tabletype_t* t = wasm_tabletype_new(wasm_valtype_new_funcref(), &tl);
  EXPECT_EQ(wasm_valtype_kind(wasm_tabletype_element(t)), WASM_FUNCREF);
  EXPECT_EQ(wasm_tabletype_limits(t)->max, wasm_limits_max_default);
  wasm_tabletype_t* tc = wasm_tabletype_copy(t);
  EXPECT_EQ(wasm_tabletype_limits(tc)->min, 1u);

  const wasm_limits_t ml = {2, 5};
  wasm_memorytype_t* m = wasm_memorytype_new(&ml);
  EXPECT_EQ(wasm_memorytype_limits(m)->max, 5u);
  EXPECT_EQ(wasm_externtype_kind(wasm_memorytype_as_externtype(m)), WASM_EXTERN_MEMORY);
  EXPECT_EQ(wasm_externtype_as_memorytype(wasm_tabletype_as_externtype(t)), nullptr);

  wasm_globaltype_delete(g);
  wasm_externtype_delete(ge);
  wasm_tabletype_delete(t);
  wasm_tabletype_delete(tc);
  wasm_memorytype_delete(m);
}

TEST(CApiTypes, ImportAndExportTypes) {
  wasm_name_t mod, name, ename;
  wasm_name_new_from_string(&mod, "env");
  wasm_name_new_from_string(&name, "f");
  wasm_name_new_from_string(&ename, "g");
  wasm_importtype_t* i =
      wasm_importtype_new(&mod, &name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
  EXPECT_EQ(name_of(wasm_importtype_module(i)), "env");
  EXPECT_EQ(name_of(wasm_importtype_name(i)), "f");
  EXPECT_EQ(wasm_externtype_kind(wasm_importtype_type(i)), WASM_EXTERN_FUNC);
  wasm_importtype_t* ic = wasm_importtype_copy(i);
  EXPECT_EQ(name_of(wasm_importtype_name(ic)), "f");
  const wasm_limits_t l = {0, 1};
  wasm_exporttype_t* e =
      wasm_exporttype_new(&ename, wasm_memorytype_as_externtype(wasm_memorytype_new(&l)));
  EXPECT_EQ(name_of(wasm_exporttype_name(e)), "g");
  wasm_exporttype_t* ec = wasm_exporttype_copy(e);
  EXPECT_EQ(wasm_externtype_kind(wasm_exporttype_type(ec)), WASM_EXTERN_MEMORY);
  wasm_importtype_delete(i);
  wasm_importtype_delete(ic);
  wasm_exporttype_delete(e);
  wasm_exporttype_delete(ec);
}

} // namespace
} // namespace capi_test
