// Parsing the `producers` custom section: vec(field name, vec(value name, version)).
#include "wasmcap/producers.h"

#include "support/byte_reader.h"

namespace wasmcap {

Result<std::vector<ProducerField>> parse_producers(std::span<const uint8_t> payload) {
  support::ByteReader r(payload);
  auto fields = r.read_count();
  if (!fields) return fields.error();
  std::vector<ProducerField> out;
  for (uint32_t i = 0; i < *fields; ++i) {
    ProducerField f;
    auto name = r.read_name();
    if (!name) return name.error();
    f.name = std::move(*name);
    auto values = r.read_count();
    if (!values) return values.error();
    for (uint32_t j = 0; j < *values; ++j) {
      auto value = r.read_name();
      if (!value) return value.error();
      auto version = r.read_name();
      if (!version) return version.error();
      f.values.push_back({std::move(*value), std::move(*version)});
    }
    out.push_back(std::move(f));
  }
  if (!r.at_end()) return r.error("producers section: bytes after the last field");
  return out;
}

} // namespace wasmcap
