// Small readers shared by the section decoders: value/reference types, limits, table, memory
// and global types, and constant expressions (whose extent is found with CodeReader).
#pragma once

#include "ir/module.h"
#include "support/byte_reader.h"
#include "support/result.h"

namespace wasmcap::binary::detail {

// A vector's element count. Unlike ByteReader::read_count it does not compare the count with
// the bytes left: the spec tests expect running out of a section to say "unexpected end". Callers
// append element by element, so a huge count cannot allocate before the input runs out.
support::Result<uint32_t> read_vec_count(support::ByteReader& r);
support::Result<ir::ValType> read_valtype(support::ByteReader& r);
support::Result<ir::ValType> read_reftype(support::ByteReader& r);
// `memory64` accepts the i64 address type's limit flags (4, 5: 64-bit limits, WebAssembly 3.0);
// off, they are 2.0's "integer too large". `address64` (optional) receives that flag.
// `shared` (memories only) accepts the threads proposal's shared flag (bit 1) and receives it;
// without it that bit is malformed, as for tables.
support::Result<ir::Limits> read_limits(support::ByteReader& r, bool memory64 = true,
                                        bool* address64 = nullptr, bool* shared = nullptr);
support::Result<ir::TableType> read_table_type(support::ByteReader& r, bool memory64 = true);
// `shared_ok`: the shared flag is read (DecodeOptions::shared_memory), else malformed.
support::Result<ir::MemoryType> read_memory_type(support::ByteReader& r, bool memory64 = true,
                                                 bool shared_ok = true);
support::Result<ir::GlobalType> read_global_type(support::ByteReader& r);
// Reads instructions up to and including the `end` that closes the expression; the returned
// range covers exactly those bytes (absolute offsets, as the reader's base offset is).
// `exceptions` false: an exception opcode is 2.0's "illegal opcode" (DecodeOptions::exceptions).
support::Result<ir::ConstExpr> read_const_expr(support::ByteReader& r, bool exceptions = true);

} // namespace wasmcap::binary::detail
