// The three ways the API tests run a module when a behaviour must hold on every tier: the
// interpreter, the JIT, and code loaded from a .cwasm (AOT). The parameter of their TEST_P
// suites, with the names gtest prints.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace test_ways {

enum class Way { Interp, Jit, Aot };

inline std::string way_name(const testing::TestParamInfo<Way>& info) {
  switch (info.param) {
  case Way::Interp: return "Interp";
  case Way::Jit: return "Jit";
  case Way::Aot: return "Aot";
  }
  return "";
}

} // namespace test_ways
