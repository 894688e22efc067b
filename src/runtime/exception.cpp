// The uncaught-exception error and the payload of an exception as values.
#include "runtime/exception.h"

#include <cstring>

namespace wasmcap::runtime {

std::vector<Value> exception_payload(const Exception& exception) {
  std::vector<Value> out;
  const uint64_t* p = exception.payload.data();
  for (ir::ValType t : exception.tag->type.params) {
    switch (t) {
    case ir::ValType::I32: out.push_back(Value::make_i32(static_cast<uint32_t>(*p))); break;
    case ir::ValType::I64: out.push_back(Value::make_i64(*p)); break;
    case ir::ValType::F32: out.push_back(Value::make_f32_bits(static_cast<uint32_t>(*p))); break;
    case ir::ValType::F64: out.push_back(Value::make_f64_bits(*p)); break;
    case ir::ValType::V128: {
      V128 v;
      std::memcpy(v.bytes.data(), p, 16);
      out.push_back(Value::make_v128(v));
      ++p;
      break;
    }
    case ir::ValType::FuncRef:
    case ir::ValType::ExternRef:
    case ir::ValType::ExnRef:
    WASMCAP_CASE_OTHER_REFS:
      out.push_back(Value::make_ref(t, reinterpret_cast<void*>(*p)));
      break;
    }
    ++p;
  }
  return out;
}

support::Error uncaught_exception_error(const Exception& exception,
                                        std::shared_ptr<Exception> owner) {
  std::string message = "uncaught exception";
  std::string payload;
  for (const Value& v : exception_payload(exception))
    payload += (payload.empty() ? "" : ", ") + value_to_string(v);
  if (!payload.empty()) message += " (payload " + payload + ")";
  support::Error e = support::make_error(support::ErrorKind::Exception, std::move(message));
  e.exception = std::move(owner);
  return e;
}

Exception* exception_of(const support::Error& error) {
  if (error.kind != support::ErrorKind::Exception || !error.exception) return nullptr;
  return const_cast<Exception*>(static_cast<const Exception*>(error.exception.get()));
}

} // namespace wasmcap::runtime
