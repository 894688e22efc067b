// Which host pages of an address range this process holds its own copy of, read from Linux's
// /proc/self/pagemap. A memory started from a copy-on-write image (memory_image.h) is reset for
// the next instance by rewriting exactly those pages (memory.cpp), so they stay resident and
// mapped: no page-table change, hence no TLB flush on the other cores and no page fault when the
// next instance writes them again (docs/serve.md, "A fresh instance per request, cheaply").
#pragma once

#include <cstdint>
#include <vector>

namespace wasmcap::runtime {

// One entry per host page of [base, base + bytes) (`base` page-aligned) into `out`: true for a
// page this process has its own copy of, an anonymous page (written at some time, by
// copy-on-write or zero-fill; or the shared zero page; or swapped out), which may differ from
// the initial contents; false for one not mapped yet (it reads the file or zeros) or mapping
// the file's own page. False when the pagemap cannot be read (no /proc, another OS): the caller
// resets some other way.
bool private_pages(const uint8_t* base, uint64_t bytes, std::vector<bool>& out);

// The host page size.
uint64_t host_page_size();

} // namespace wasmcap::runtime
