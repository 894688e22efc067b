// -W FEATURE=y|n: see feature_options.h.
#include "feature_options.h"

namespace wasmcap::cli {

std::optional<Status> apply_feature_option(const std::string& key, const std::string& value,
                                           Config& config) {
  bool* flag = nullptr;
  if (key == "tail-call")
    flag = &config.tail_call;
  else if (key == "extended-const")
    flag = &config.extended_const;
  else if (key == "multi-memory")
    flag = &config.multi_memory;
  else if (key == "simd")
    flag = &config.simd;
  else if (key == "exceptions")
    flag = &config.exceptions;
  else if (key == "relaxed-simd")
    flag = &config.relaxed_simd;
  else if (key == "memory64")
    flag = &config.memory64;
  else if (key == "gc")
    flag = &config.gc;
  if (flag == nullptr) return std::nullopt;
  if (value == "y" || value == "yes" || value == "true") {
    *flag = true;
  } else if (value == "n" || value == "no" || value == "false") {
    *flag = false;
  } else {
    Status bad = make_error(ErrorKind::Usage, "-W " + key + "=" + value + ": expected y or n");
    return bad;
  }
  return ok();
}

} // namespace wasmcap::cli
