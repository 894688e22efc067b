// The one out-of-line piece of TypedFunc (include/wasmcap/typed_func.h): its mismatch error.
#include "wasmcap/typed_func.h"

namespace wasmcap {

Error typed_func_mismatch(std::string_view what, const FuncType& expected, const FuncType& actual) {
  return make_error(ErrorKind::Usage, std::string(what) + " has type " +
                                          functype_to_string(actual) + ", expected " +
                                          functype_to_string(expected));
}

} // namespace wasmcap
