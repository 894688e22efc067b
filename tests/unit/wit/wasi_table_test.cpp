// The generated WASI 0.2.12 function table (wit/wasi_table.h): known entries, lookups, sorted
// order, and every named type a signature mentions being described.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "wit/wasi_table.h"

namespace wasmcap::wit::table {
namespace {

std::vector<std::string> param_types(const Function& f) {
  std::vector<std::string> out;
  for (const Param& p : f.parameters())
    out.emplace_back(p.type);
  return out;
}

TEST(WitTable, MonotonicClockNow) {
  const Function* f = find_function("wasi:clocks/monotonic-clock@0.2.12", "now");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, FunctionKind::Freestanding);
  EXPECT_STREQ(f->version, "0.2.12");
  EXPECT_EQ(f->param_count, 0u);
  EXPECT_STREQ(f->result, "u64"); // `instant` is an alias of u64
  EXPECT_STREQ(f->gates.since, "0.2.0");
  const Function* sub = find_function("wasi:clocks/monotonic-clock@0.2.12", "subscribe-duration");
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(param_types(*sub), std::vector<std::string>{"u64"});
  EXPECT_STREQ(sub->result, "own<wasi:io/poll@0.2.12.pollable>");
}

TEST(WitTable, DescriptorReadViaStream) {
  const Function* f =
      find_function("wasi:filesystem/types@0.2.12", "[method]descriptor.read-via-stream");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, FunctionKind::Method);
  EXPECT_STREQ(f->resource, "wasi:filesystem/types@0.2.12.descriptor");
  EXPECT_EQ(param_types(*f),
            (std::vector<std::string>{"borrow<wasi:filesystem/types@0.2.12.descriptor>", "u64"}));
  EXPECT_STREQ(f->params[0].name, "self");
  EXPECT_STREQ(f->params[1].name, "offset");
  EXPECT_STREQ(f->result, "result<own<wasi:io/streams@0.2.12.input-stream>,"
                          "wasi:filesystem/types@0.2.12.error-code>");
}

TEST(WitTable, OutputStreamWrite) {
  const Function* f = find_function("wasi:io/streams@0.2.12", "[method]output-stream.write");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(param_types(*f),
            (std::vector<std::string>{"borrow<wasi:io/streams@0.2.12.output-stream>", "list<u8>"}));
  EXPECT_STREQ(f->result, "result<_,wasi:io/streams@0.2.12.stream-error>");
  const TypeDef* err = find_type("wasi:io/streams@0.2.12.stream-error");
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->kind, TypeDefKind::Variant);
  ASSERT_EQ(err->member_count, 2u);
  EXPECT_STREQ(err->members[0].name, "last-operation-failed");
  EXPECT_STREQ(err->members[0].type, "own<wasi:io/error@0.2.12.error>");
  EXPECT_STREQ(err->members[1].name, "closed");
  EXPECT_STREQ(err->members[1].type, "");
}

TEST(WitTable, ConstructorsStaticsAndGates) {
  const Function* ctor = find_function("wasi:http/types@0.2.12", "[constructor]fields");
  ASSERT_NE(ctor, nullptr);
  EXPECT_EQ(ctor->kind, FunctionKind::Constructor);
  EXPECT_STREQ(ctor->result, "own<wasi:http/types@0.2.12.fields>");
  const Function* from = find_function("wasi:http/types@0.2.12", "[static]fields.from-list");
  ASSERT_NE(from, nullptr);
  EXPECT_EQ(from->kind, FunctionKind::Static);
  EXPECT_EQ(param_types(*from),
            std::vector<std::string>{"list<tuple<string,list<u8>>>"}); // field-name, field-value
  const Interface* tz = find_interface("wasi:clocks/timezone@0.2.12");
  ASSERT_NE(tz, nullptr);
  EXPECT_STREQ(tz->gates.unstable, "clocks-timezone");
  const Function* display = find_function("wasi:clocks/timezone@0.2.12", "display");
  ASSERT_NE(display, nullptr);
  EXPECT_STREQ(display->gates.unstable, "clocks-timezone");
  EXPECT_EQ(find_function("wasi:clocks/monotonic-clock@0.2.12", "never"), nullptr);
  EXPECT_EQ(find_function("wasi:clocks/monotonic-clock@0.2.11", "now"), nullptr);
}

TEST(WitTable, CommandWorldListsItsInterfaces) {
  const World* command = find_world("wasi:cli/command@0.2.12");
  ASSERT_NE(command, nullptr);
  std::vector<std::string_view> imports(command->import_names().begin(),
                                        command->import_names().end());
  EXPECT_NE(std::find(imports.begin(), imports.end(), "wasi:io/poll@0.2.12"), imports.end());
  EXPECT_NE(std::find(imports.begin(), imports.end(), "wasi:filesystem/preopens@0.2.12"),
            imports.end());
  ASSERT_EQ(command->export_count, 1u);
  EXPECT_STREQ(command->exports[0], "wasi:cli/run@0.2.12");
  // Every import of every world is an interface of the table.
  for (const World& w : worlds())
    for (const char* name : w.import_names())
      EXPECT_NE(find_interface(name), nullptr) << name;
}

TEST(WitTable, SortedAndComplete) {
  auto fs = functions();
  EXPECT_EQ(fs.size(), 181u); // as counted in wit/wasi-0.2.12
  EXPECT_TRUE(std::is_sorted(fs.begin(), fs.end(), [](const Function& a, const Function& b) {
    return std::pair<std::string_view, std::string_view>(a.interface, a.name) <
           std::pair<std::string_view, std::string_view>(b.interface, b.name);
  }));
  EXPECT_EQ(interfaces().size(), 32u);
  // Every qualified name in a signature is a described type.
  for (const Function& f : fs) {
    std::vector<std::string> sigs = param_types(f);
    sigs.emplace_back(f.result);
    for (const std::string& s : sigs) {
      for (size_t at = s.find("wasi:"); at != std::string::npos; at = s.find("wasi:", at + 1)) {
        size_t end = s.find_first_of(",<>", at);
        std::string name = s.substr(at, end == std::string::npos ? std::string::npos : end - at);
        EXPECT_NE(find_type(name), nullptr) << name << " in " << f.interface << " " << f.name;
      }
    }
  }
}

} // namespace
} // namespace wasmcap::wit::table
