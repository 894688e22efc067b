// src/profile: samples become a call tree, the Firefox Profiler's JSON and a flame-graph SVG.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

#include "profile/profile.h"

namespace {

using wasmcap::profile::Profile;

void add(Profile& p, std::initializer_list<std::string_view> innermost_first, double t) {
  p.add_sample(std::span<const std::string_view>(innermost_first.begin(), innermost_first.size()),
               t);
}

size_t count(const std::string& s, std::string_view what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
    ++n;
  return n;
}

TEST(Profile, SamplesMergeIntoACallTree) {
  Profile p("wasm", 1.0, 0);
  add(p, {"hot", "warm", "main"}, 1);
  add(p, {"hot", "warm", "main"}, 2);
  add(p, {"cold", "main"}, 3);
  add(p, {"main"}, 4);
  EXPECT_EQ(p.sample_count(), 4u);
  EXPECT_EQ(p.samples_under("main"), 4u);
  EXPECT_EQ(p.samples_under("warm"), 2u);
  EXPECT_EQ(p.samples_in("hot"), 2u);
  EXPECT_EQ(p.samples_in("main"), 1u);
  // root, main, warm, hot, cold: equal stacks share a node.
  ASSERT_EQ(p.nodes().size(), 5u);
  EXPECT_EQ(p.nodes()[0].total, 4u);
  EXPECT_EQ(p.frames().size(), 4u);
}

TEST(Profile, RecursionIsOneFramePerLevel) {
  Profile p("wasm", 1.0, 0);
  add(p, {"fib", "fib", "fib", "main"}, 1);
  EXPECT_EQ(p.samples_under("fib"), 1u); // once per sample, however deep
  EXPECT_EQ(p.nodes().size(), 5u);
}

TEST(Profile, FirefoxJsonHasTheGeckoTables) {
  Profile p("my \"thread\"", 1.0, 1700000000000.0);
  add(p, {"hot", "main"}, 1.5);
  add(p, {"cold", "main"}, 2.5);
  const std::string json = p.firefox_json();
  EXPECT_NE(json.find("\"version\":29"), std::string::npos);
  EXPECT_NE(json.find("\"name\":\"my \\\"thread\\\"\""), std::string::npos) << json;
  // Stacks: main (root, no prefix), hot under main, cold under main.
  EXPECT_NE(json.find("\"stackTable\":{\"schema\":{\"prefix\":0,\"frame\":1},\"data\":[[null,0],"
                      "[0,1],[0,2]]}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"data\":[[1,1.500,0],[2,2.500,0]]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"stringTable\":[\"main\",\"hot\",\"cold\"]"), std::string::npos) << json;
}

TEST(Profile, JsonStringsEscapeControlCharacters) {
  EXPECT_EQ(wasmcap::profile::json_string("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\u000a\\u0001\"");
}

TEST(Profile, FlameGraphHasABoxPerStackAndEscapesNames) {
  Profile p("wasm", 1.0, 0);
  add(p, {"a<b>&c", "main"}, 1);
  add(p, {"other", "main"}, 2);
  add(p, {"other", "main"}, 3);
  const std::string svg = p.flame_svg("t & t");
  EXPECT_EQ(count(svg, "<g class=\"f\""), 4u); // all, main, a<b>&c, other
  EXPECT_NE(svg.find("data-name=\"a&lt;b&gt;&amp;c\""), std::string::npos);
  EXPECT_EQ(svg.find("a<b>"), std::string::npos);
  EXPECT_NE(svg.find("t &amp; t (3 samples"), std::string::npos);
  // main spans everything (the whole 1200 px less a half-pixel gap); other has two thirds.
  EXPECT_NE(svg.find("data-name=\"main\" data-x=\"0.000000\" data-w=\"1.000000\""),
            std::string::npos);
  EXPECT_NE(svg.find("data-name=\"other\" data-x=\"0.333333\" data-w=\"0.666667\""),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find("<script><![CDATA["), std::string::npos);
}

TEST(Profile, EmptyProfileStillDraws) {
  Profile p("wasm", 1.0, 0);
  const std::string svg = p.flame_svg("nothing");
  EXPECT_NE(svg.find("(0 samples"), std::string::npos);
  EXPECT_NE(
      p.firefox_json().find("\"samples\":{\"schema\":{\"stack\":0,\"time\":1,\"eventDelay\":2},"
                            "\"data\":[]}"),
      std::string::npos);
}

} // namespace
