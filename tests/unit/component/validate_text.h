// Test helper for the component unit tests: validates a component written in the text format
// and returns its validation error, if any (a text or decoding error fails the test instead).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

#include "component/decoder.h"
#include "component/validate.h"
#include "text/wat_parser.h"

namespace wasmcap::component {

inline std::optional<support::Error> validation_error(std::string_view wat) {
  auto bytes = text::parse_wat(wat);
  EXPECT_TRUE(bytes) << bytes.error().to_string();
  if (!bytes) return std::nullopt;
  auto c = decode_component(*bytes);
  EXPECT_TRUE(c) << c.error().to_string();
  if (!c) return std::nullopt;
  auto info = validate_component(*c, *bytes);
  if (info) return std::nullopt;
  return info.error();
}

} // namespace wasmcap::component
