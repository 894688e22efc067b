// FunctionValidator: hand-assembled bodies for the typing rules, and the stack queries an
// observer sees through validate_function.
#include <gtest/gtest.h>

#include "binary/decoder.h"
#include "validate/module_validator.h"
#include "validate/validate_function.h"

namespace {

using wasmcap::support::ErrorKind;
using wasmcap::support::Status;
namespace validate = wasmcap::validate;

// A module with one type `params -> results`, one function of that type whose body is `code`
// (no locals; the final `end` must be included), a memory, and a funcref table.
std::vector<uint8_t> module_with_body(std::vector<uint8_t> params, std::vector<uint8_t> results,
                                      std::vector<uint8_t> code) {
  std::vector<uint8_t> type = {0x01, 0x60, static_cast<uint8_t>(params.size())};
  type.insert(type.end(), params.begin(), params.end());
  type.push_back(static_cast<uint8_t>(results.size()));
  type.insert(type.end(), results.begin(), results.end());
  std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  out.push_back(0x01);
  out.push_back(static_cast<uint8_t>(type.size()));
  out.insert(out.end(), type.begin(), type.end());
  out.insert(out.end(), {0x03, 0x02, 0x01, 0x00});             // function 0: type 0
  out.insert(out.end(), {0x04, 0x04, 0x01, 0x70, 0x00, 0x01}); // table funcref 1
  out.insert(out.end(), {0x05, 0x03, 0x01, 0x00, 0x01});       // memory 1
  std::vector<uint8_t> body = {0x00};                          // no locals
  body.insert(body.end(), code.begin(), code.end());
  out.push_back(0x0A);
  out.push_back(static_cast<uint8_t>(body.size() + 2));
  out.push_back(0x01);
  out.push_back(static_cast<uint8_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Status check(std::vector<uint8_t> params, std::vector<uint8_t> results, std::vector<uint8_t> code) {
  auto m = wasmcap::binary::decode_module(module_with_body(params, results, code));
  if (!m) return m.error();
  return validate::validate_module(*m, validate::Features{});
}

std::string error_of(const Status& st) {
  return st ? "ok" : st.error().message;
}

constexpr uint8_t I32 = 0x7F, I64 = 0x7E;

TEST(FunctionValidator, AcceptsSimpleArithmetic) {
  EXPECT_TRUE(check({I32, I32}, {I32}, {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B}));
}

TEST(FunctionValidator, TypeMismatchOnWrongOperand) {
  const Status st = check({I64}, {I32}, {0x20, 0x00, 0x45, 0x0B}); // i32.eqz (i64)
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(st.error().message, "type mismatch: expected i32, got i64");
  EXPECT_EQ(st.error().where.function, 0);
}

TEST(FunctionValidator, UnreachableMakesStackPolymorphic) {
  EXPECT_TRUE(check({}, {I32}, {0x00, 0x6A, 0x0B}));              // unreachable; i32.add
  EXPECT_FALSE(check({}, {I32}, {0x00, 0x42, 0x00, 0x6A, 0x0B})); // ... but i64 is still wrong
}

TEST(FunctionValidator, MissingResultIsTypeMismatch) {
  EXPECT_EQ(error_of(check({}, {I32}, {0x0B})), "type mismatch: expected i32, got nothing");
}

TEST(FunctionValidator, UnknownLocalAndLabel) {
  EXPECT_EQ(error_of(check({}, {}, {0x20, 0x03, 0x1A, 0x0B})), "unknown local 3");
  EXPECT_EQ(error_of(check({}, {}, {0x0C, 0x01, 0x0B})), "unknown label 1");
}

TEST(FunctionValidator, AlignmentMustNotExceedNatural) {
  EXPECT_TRUE(check({}, {I32}, {0x41, 0x00, 0x28, 0x02, 0x00, 0x0B}));
  EXPECT_EQ(error_of(check({}, {I32}, {0x41, 0x00, 0x28, 0x03, 0x00, 0x0B})),
            "alignment must not be larger than natural");
}

TEST(FunctionValidator, BrTableArityMustAgree) {
  // block (result i32) ; i32.const 0 ; i32.const 0 ; br_table 0 1 ; end ; end  (1: func frame)
  EXPECT_TRUE(
      check({}, {I32}, {0x02, 0x7F, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x0B}));
  // block (no result) ; ... br_table 0 1 with func frame returning i32: arity 0 vs 1
  EXPECT_EQ(error_of(check(
                {}, {I32},
                {0x02, 0x40, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x00, 0x0B})),
            "type mismatch");
}

TEST(FunctionValidator, IfWithoutElseMustPassParamsThrough) {
  EXPECT_EQ(error_of(check({}, {I32}, {0x41, 0x00, 0x04, 0x7F, 0x41, 0x00, 0x0B, 0x0B})),
            "type mismatch");
}

TEST(FunctionValidator, RefFuncNeedsDeclaration) {
  EXPECT_EQ(error_of(check({}, {}, {0xD2, 0x00, 0x1A, 0x0B})), "undeclared function reference");
}

// Records the operand height the validator reports before each instruction.
struct HeightRecorder {
  std::vector<size_t> heights;
  Status before(const wasmcap::ir::Instr&, const validate::FunctionValidator& v) {
    heights.push_back(v.operand_height());
    return wasmcap::support::ok();
  }
  Status after(const wasmcap::ir::Instr&, const validate::FunctionValidator&) {
    return wasmcap::support::ok();
  }
};

TEST(ValidateFunction, ObserverSeesStackBeforeEachInstruction) {
  auto m = wasmcap::binary::decode_module(
      module_with_body({I32, I32}, {I32}, {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B}));
  ASSERT_TRUE(m);
  HeightRecorder rec;
  ASSERT_TRUE(validate::validate_function(*m, 0, validate::Features{}, rec));
  EXPECT_EQ(rec.heights, (std::vector<size_t>{0, 1, 2, 1}));
}

TEST(ValidateFunction, RejectsImportedOrOutOfRangeIndex) {
  auto m = wasmcap::binary::decode_module(module_with_body({}, {}, {0x0B}));
  ASSERT_TRUE(m);
  validate::NoObserver none;
  EXPECT_FALSE(validate::validate_function(*m, 1, validate::Features{}, none));
}

// WebAssembly 3.0: the module of module_with_body has function 0 (the body itself), table 0
// (funcref) and memory 0.
Status check_with(const validate::Features& features, std::vector<uint8_t> params,
                  std::vector<uint8_t> results, std::vector<uint8_t> code) {
  auto m = wasmcap::binary::decode_module(module_with_body(params, results, code));
  if (!m) return m.error();
  return validate::validate_module(*m, features);
}

TEST(FunctionValidator, ReturnCallEndsTheFrame) {
  // return_call 0 with the argument: the results are the caller's; code after it is dead.
  EXPECT_TRUE(check({I32}, {I32}, {0x20, 0x00, 0x12, 0x00, 0x0B}));
  EXPECT_TRUE(check({I32}, {I32}, {0x20, 0x00, 0x12, 0x00, 0x6A, 0x0B}));
  EXPECT_FALSE(check({I32}, {I32}, {0x20, 0x00, 0x12, 0x00, 0x42, 0x00, 0x0B})); // i64 left
  EXPECT_EQ(error_of(check({I32}, {I32}, {0x12, 0x00, 0x0B})),
            "type mismatch: expected i32, got nothing");
  EXPECT_EQ(error_of(check({I32}, {I32}, {0x20, 0x00, 0x12, 0x05, 0x0B})), "unknown function 5");
  // return_call_indirect (type 0) through table 0, index on top.
  EXPECT_TRUE(check({I32}, {I32}, {0x20, 0x00, 0x20, 0x00, 0x13, 0x00, 0x00, 0x0B}));
  EXPECT_EQ(error_of(check({I32}, {I32}, {0x20, 0x00, 0x13, 0x00, 0x00, 0x0B})),
            "type mismatch: expected i32, got nothing");
}

TEST(FunctionValidator, ReturnCallNeedsTheCallersResults) {
  // A module whose only function returns i32 tail-calling itself from a block of type i64
  // is fine (the block does not matter), but the result types must be the function's.
  EXPECT_TRUE(check({I32}, {I32}, {0x02, 0x7E, 0x20, 0x00, 0x12, 0x00, 0x0B, 0x1A, 0x00, 0x0B}));
}

TEST(FunctionValidator, TailCallsCanBeSwitchedOff) {
  validate::Features off;
  off.tail_call = false;
  EXPECT_EQ(error_of(check_with(off, {I32}, {I32}, {0x20, 0x00, 0x12, 0x00, 0x0B})),
            "disabled feature: return_call");
}

TEST(FunctionValidator, MemoryIndexImmediates) {
  // Memory 1 does not exist: a memarg with bit 6 and memory.size 1 name it.
  EXPECT_EQ(error_of(check({}, {I32}, {0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x0B})),
            "unknown memory 1");
  EXPECT_EQ(error_of(check({}, {I32}, {0x3F, 0x01, 0x0B})), "unknown memory 1");
  // A two-byte index 0 is fine in 3.0; with multiple memories off it is 2.0's malformed byte.
  EXPECT_TRUE(check({}, {I32}, {0x3F, 0x80, 0x00, 0x0B}));
  validate::Features v2;
  v2.multi_memory = false;
  const Status st = check_with(v2, {}, {I32}, {0x3F, 0x80, 0x00, 0x0B});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(st.error().message, "zero byte expected");
  EXPECT_EQ(error_of(check_with(v2, {}, {I32}, {0x41, 0x00, 0x28, 0x22, 0x00, 0x0B})),
            "malformed memop flags");
  // 3.0: flags 32..63 are an alignment (too large), 128 and up are malformed.
  EXPECT_EQ(error_of(check({}, {I32}, {0x41, 0x00, 0x28, 0x22, 0x00, 0x0B})),
            "alignment must not be larger than natural");
  auto m = wasmcap::binary::decode_module(
      module_with_body({}, {I32}, {0x41, 0x00, 0x28, 0x80, 0x01, 0x00, 0x0B}));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, "malformed memop flags");
}

// Exception handling without tags: try_table's clauses must match their labels, rethrow must
// name a legacy catch block, and with the feature off the opcodes are 2.0's illegal ones.
TEST(FunctionValidator, ExceptionHandlingRules) {
  constexpr uint8_t kExnRef = 0x69;
  // (try_table (catch_all_ref 0)) in a function returning nothing: the label takes no exnref.
  EXPECT_EQ(error_of(check({}, {}, {0x1F, 0x40, 0x01, 0x03, 0x00, 0x0B, 0x0B})), "type mismatch");
  // The same in a function returning exnref is valid.
  EXPECT_TRUE(check({}, {kExnRef}, {0x1F, 0x40, 0x01, 0x03, 0x00, 0x0B, 0x00, 0x0B}));
  // throw_ref takes an exnref.
  EXPECT_EQ(error_of(check({}, {}, {0x41, 0x00, 0x0A, 0x0B})),
            "type mismatch: expected exnref, got i32");
  // rethrow 0 in a block, and in a legacy catch_all.
  EXPECT_EQ(error_of(check({}, {}, {0x02, 0x40, 0x09, 0x00, 0x0B, 0x0B})), "invalid rethrow label");
  EXPECT_TRUE(check({}, {}, {0x06, 0x40, 0x19, 0x09, 0x00, 0x0B, 0x0B}));
  // A tag that does not exist.
  EXPECT_EQ(error_of(check({}, {}, {0x08, 0x00, 0x0B})), "unknown tag 0");
  validate::Features off;
  off.exceptions = false;
  const Status st = check_with(off, {}, {}, {0x1F, 0x40, 0x00, 0x0B, 0x0B});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(st.error().message, "illegal opcode");
}

} // namespace
