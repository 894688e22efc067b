// validate_function: runs CodeReader over one function body with a FunctionValidator, letting an
// observer (e.g. the interpreter's lowering) look at each instruction before and after the
// validator applies it, so both share one pass over the code.
#pragma once

#include <cstdint>

#include "binary/code_reader.h"
#include "ir/module.h"
#include "support/result.h"
#include "validate/features.h"
#include "validate/function_validator.h"
#include "validate/module_context.h"

namespace wasmcap::validate {

// An observer that does nothing: plain validation.
struct NoObserver {
  support::Status before(const ir::Instr&, const FunctionValidator&) { return support::ok(); }
  support::Status after(const ir::Instr&, const FunctionValidator&) { return support::ok(); }
};

namespace detail {

template <class Observer> struct ObservedValidator {
  FunctionValidator& validator;
  Observer& observer;
  support::Status operator()(const ir::Instr& instr) {
    WASMCAP_TRY(observer.before(instr, static_cast<const FunctionValidator&>(validator)));
    WASMCAP_TRY(validator(instr));
    return observer.after(instr, static_cast<const FunctionValidator&>(validator));
  }
};

// Errors from a body name the function and the code section.
inline support::Error in_function(support::Error e, uint32_t func_index) {
  if (e.where.function < 0) e.where.function = static_cast<int32_t>(func_index);
  if (e.where.section.empty()) e.where.section = "code";
  return e;
}

template <class Observer>
support::Status run(const ir::Module& module, uint32_t func_index, FunctionValidator& validator,
                    Observer& observer) {
  const ir::Function& fn = module.functions[func_index - module.num_imported_funcs];
  ObservedValidator<Observer> visitor{validator, observer};
  binary::CodeReader<ObservedValidator<Observer>> reader(module.range_bytes(fn.body),
                                                         fn.body.offset, visitor);
  support::Status st = reader.read_expression();
  if (st) st = validator.finish();
  if (!st) return in_function(std::move(st).error(), func_index);
  return support::ok();
}

inline support::Status check_defined(const ir::Module& module, uint32_t func_index) {
  if (func_index < module.num_imported_funcs || func_index >= module.func_type_indices.size() ||
      module.func_type_indices[func_index] >= module.types.size()) {
    return support::make_error(support::ErrorKind::Usage,
                               "not a defined function with a valid type: " +
                                   std::to_string(func_index));
  }
  return support::ok();
}

} // namespace detail

// Validates the body of function `func_index` (module-wide index of a defined function),
// calling observer.before(instr, validator) before the validator applies each instruction and
// observer.after(instr, validator) after it; both return support::Status. The module must have
// passed validate_module_without_bodies.
template <class Observer>
support::Status validate_function(const ir::Module& module, uint32_t func_index,
                                  const Features& features, Observer& observer) {
  WASMCAP_TRY(detail::check_defined(module, func_index));
  FunctionValidator validator(module, func_index, features);
  return detail::run(module, func_index, validator, observer);
}

// The same with module facts computed once (compute_module_context) for many functions.
template <class Observer>
support::Status validate_function(const ir::Module& module, uint32_t func_index,
                                  const Features& features, const ModuleContext& context,
                                  Observer& observer) {
  WASMCAP_TRY(detail::check_defined(module, func_index));
  FunctionValidator validator(module, func_index, features, context);
  return detail::run(module, func_index, validator, observer);
}

} // namespace wasmcap::validate
