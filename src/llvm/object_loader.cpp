// The ELF64 x86-64 relocatable-object loader (object_loader.h). One pass checks the headers and
// plans the layout, a second applies relocations into a private read-write mapping, and the last
// step changes the protections (code R+X, constants and the GOT R, data R+W). Layout:
//   [executable sections][PLT stubs] | [read-only sections][GOT] | [writable sections, .bss]
// each part page-aligned, all in one mapping, so every PC-relative reference inside the object
// and to its stubs and GOT fits in 32 bits. Calls to host functions (anywhere in the address
// space) go through a stub `jmp *GOT[i](%rip)`.
#include "llvm/object_loader.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <limits>
#include <vector>

namespace wasmcap::llvm_tier {

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint32_t kStubSize = 8; // ff 25 <rel32>: jmp *disp(%rip), padded to 8

support::Error bad(const std::string& why) {
  return support::make_error(support::ErrorKind::Malformed, "bad object code: " + why);
}

uint64_t align_up(uint64_t v, uint64_t a) {
  return (v + a - 1) & ~(a - 1);
}

bool fits(uint64_t offset, uint64_t size, uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

template <typename T> T read_at(std::span<const uint8_t> bytes, uint64_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof(T));
  return v;
}

enum class Part { None, Code, ReadOnly, Writable };

struct SectionPlan {
  Part part = Part::None;
  uint64_t offset = 0; // within the mapping
};

} // namespace

// Does the work of load(); a class only so that it may fill LoadedObject's private fields.
class ObjectLinker {
public:
  ObjectLinker(std::span<const uint8_t> elf, const LoadedObject::Resolver& resolve,
               const LoadedObject::SymbolSink& defined)
      : elf_(elf), resolve_(resolve), defined_(defined) {}

  support::Result<std::unique_ptr<LoadedObject>> run();

private:
  support::Status read_headers();
  support::Status plan();
  support::Status resolve_symbols();
  support::Status relocate();
  support::Status relocate_section(const Elf64_Shdr& rela);
  support::Result<uint64_t> symbol_value(uint32_t index);
  const char* string_at(const Elf64_Shdr& strtab, uint64_t offset);

  std::span<const uint8_t> elf_;
  const LoadedObject::Resolver& resolve_;
  const LoadedObject::SymbolSink& defined_;
  std::vector<Elf64_Shdr> sections_;
  std::vector<SectionPlan> plans_;
  uint32_t symtab_ = 0;       // section index, 0 = none
  size_t unwind_section_ = 0; // the .eh_frame section's index, 0 = none
  std::vector<Elf64_Sym> symbols_;
  std::vector<uint64_t> symbol_addrs_; // resolved address per symbol; 0 = not yet
  std::vector<int64_t> got_slot_;      // per symbol: GOT index, -1 = none
  std::vector<int64_t> stub_slot_;     // per symbol: PLT stub index, -1 = none
  uint64_t got_count_ = 0, stub_count_ = 0;
  uint64_t stubs_offset_ = 0, got_offset_ = 0;
  uint64_t code_end_ = 0, ro_end_ = 0, total_ = 0;
  std::unique_ptr<LoadedObject> out_;
};

const char* ObjectLinker::string_at(const Elf64_Shdr& strtab, uint64_t offset) {
  if (offset >= strtab.sh_size) return nullptr;
  const char* s = reinterpret_cast<const char*>(elf_.data() + strtab.sh_offset + offset);
  // The name must end inside the table.
  if (std::memchr(s, '\0', strtab.sh_size - offset) == nullptr) return nullptr;
  return s;
}

support::Status ObjectLinker::read_headers() {
  if (elf_.size() < sizeof(Elf64_Ehdr)) return bad("shorter than an ELF header");
  const auto eh = read_at<Elf64_Ehdr>(elf_, 0);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return bad("not an ELF file");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
      eh.e_machine != EM_X86_64) {
    return bad("not a little-endian ELF64 x86-64 object");
  }
  if (eh.e_type != ET_REL) return bad("not a relocatable object");
  if (eh.e_shentsize != sizeof(Elf64_Shdr)) return bad("unexpected section header size");
  if (eh.e_shnum == 0 || !fits(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr), elf_.size()))
    return bad("section headers out of bounds");
  sections_.resize(eh.e_shnum);
  for (uint32_t i = 0; i < eh.e_shnum; ++i) {
    sections_[i] = read_at<Elf64_Shdr>(elf_, eh.e_shoff + uint64_t{i} * sizeof(Elf64_Shdr));
    const Elf64_Shdr& s = sections_[i];
    if (s.sh_type != SHT_NOBITS && s.sh_type != SHT_NULL &&
        !fits(s.sh_offset, s.sh_size, elf_.size()))
      return bad("section " + std::to_string(i) + " out of bounds");
    if (s.sh_type == SHT_NOBITS && s.sh_size > (uint64_t{1} << 31))
      return bad("section " + std::to_string(i) + " is too large");
    if (s.sh_addralign > kPage || (s.sh_addralign & (s.sh_addralign - 1)) != 0)
      return bad("section " + std::to_string(i) + " has an unsupported alignment");
    if (s.sh_type == SHT_SYMTAB) {
      if (symtab_ != 0) return bad("more than one symbol table");
      symtab_ = i;
    }
  }
  if (eh.e_shstrndx >= sections_.size() || sections_[eh.e_shstrndx].sh_type != SHT_STRTAB)
    return bad("no section name table");
  if (symtab_ == 0) return bad("no symbol table");
  const Elf64_Shdr& st = sections_[symtab_];
  if (st.sh_entsize != sizeof(Elf64_Sym) || st.sh_size % sizeof(Elf64_Sym) != 0)
    return bad("malformed symbol table");
  if (st.sh_link >= sections_.size() || sections_[st.sh_link].sh_type != SHT_STRTAB)
    return bad("symbol table without a string table");
  const size_t count = st.sh_size / sizeof(Elf64_Sym);
  symbols_.resize(count);
  for (size_t i = 0; i < count; ++i)
    symbols_[i] = read_at<Elf64_Sym>(elf_, st.sh_offset + i * sizeof(Elf64_Sym));
  symbol_addrs_.assign(count, 0);
  got_slot_.assign(count, -1);
  stub_slot_.assign(count, -1);
  plans_.resize(sections_.size());
  return support::ok();
}

support::Status ObjectLinker::plan() {
  // Which sections are loaded, and into which part. The unwind tables (.eh_frame) go with the
  // constants: nothing unwinds compiled code (traps longjmp), but backtraces walk it (the host
  // registers them, backtrace.h).
  for (size_t i = 0; i < sections_.size(); ++i) {
    const Elf64_Shdr& s = sections_[i];
    if ((s.sh_flags & SHF_ALLOC) == 0) continue;
    if (s.sh_type == SHT_X86_64_UNWIND) {
      if (unwind_section_ != 0) return bad("more than one unwind table section");
      if ((s.sh_flags & (SHF_WRITE | SHF_EXECINSTR)) != 0) return bad("a writable unwind table");
      unwind_section_ = i;
      plans_[i].part = Part::ReadOnly;
      continue;
    }
    if (s.sh_type != SHT_PROGBITS && s.sh_type != SHT_NOBITS && s.sh_type != SHT_INIT_ARRAY &&
        s.sh_type != SHT_FINI_ARRAY)
      return bad("unsupported allocated section type " + std::to_string(s.sh_type));
    if ((s.sh_flags & SHF_TLS) != 0) return bad("thread-local sections are not supported");
    if (s.sh_type == SHT_INIT_ARRAY || s.sh_type == SHT_FINI_ARRAY) {
      if (s.sh_size != 0) return bad("static constructors are not supported");
      continue;
    }
    plans_[i].part = (s.sh_flags & SHF_EXECINSTR) != 0 ? Part::Code
                     : (s.sh_flags & SHF_WRITE) != 0   ? Part::Writable
                                                       : Part::ReadOnly;
    if (plans_[i].part == Part::Code && (s.sh_flags & SHF_WRITE) != 0)
      return bad("a writable code section");
  }
  // GOT entries and stubs the relocations need (counted before the layout is fixed).
  for (const Elf64_Shdr& r : sections_) {
    if (r.sh_type == SHT_REL) return bad("REL relocations (x86-64 uses RELA)");
    if (r.sh_type != SHT_RELA) continue;
    if (r.sh_info >= sections_.size() || plans_[r.sh_info].part == Part::None) continue;
    if (r.sh_link != symtab_ || r.sh_entsize != sizeof(Elf64_Rela) ||
        r.sh_size % sizeof(Elf64_Rela) != 0)
      return bad("malformed relocation section");
    for (uint64_t off = 0; off < r.sh_size; off += sizeof(Elf64_Rela)) {
      const auto rel = read_at<Elf64_Rela>(elf_, r.sh_offset + off);
      const uint32_t sym = ELF64_R_SYM(rel.r_info), type = ELF64_R_TYPE(rel.r_info);
      if (sym >= symbols_.size()) return bad("relocation against a missing symbol");
      const bool undefined = symbols_[sym].st_shndx == SHN_UNDEF && sym != 0;
      if (type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
          type == R_X86_64_REX_GOTPCRELX || (type == R_X86_64_PLT32 && undefined)) {
        if (got_slot_[sym] < 0) got_slot_[sym] = static_cast<int64_t>(got_count_++);
      }
      if (type == R_X86_64_PLT32 && undefined && stub_slot_[sym] < 0)
        stub_slot_[sym] = static_cast<int64_t>(stub_count_++);
    }
  }
  uint64_t at = 0;
  auto place = [&](Part part) {
    for (size_t i = 0; i < sections_.size(); ++i) {
      if (plans_[i].part != part) continue;
      at = align_up(at, sections_[i].sh_addralign == 0 ? 1 : sections_[i].sh_addralign);
      plans_[i].offset = at;
      at += sections_[i].sh_size;
      // An object's .eh_frame has no terminator (the static linker adds one); the unwinder
      // reads entries until a zero length, and the mapping is zero-filled.
      if (i == unwind_section_) at += 4;
    }
  };
  place(Part::Code);
  stubs_offset_ = align_up(at, 8);
  at = stubs_offset_ + stub_count_ * kStubSize;
  code_end_ = at = align_up(at, kPage);
  place(Part::ReadOnly);
  got_offset_ = align_up(at, 8);
  at = got_offset_ + got_count_ * 8;
  ro_end_ = at = align_up(at, kPage);
  place(Part::Writable);
  total_ = align_up(at, kPage);
  // Everything must be reachable with a 32-bit displacement.
  if (total_ > (uint64_t{1} << 31)) return bad("the object is too large");
  return support::ok();
}

support::Result<uint64_t> ObjectLinker::symbol_value(uint32_t index) {
  if (index >= symbols_.size()) return bad("relocation against a missing symbol");
  if (symbol_addrs_[index] != 0) return symbol_addrs_[index];
  return bad("relocation against an unresolved symbol");
}

support::Status ObjectLinker::resolve_symbols() {
  const Elf64_Shdr& strtab = sections_[sections_[symtab_].sh_link];
  const auto base = reinterpret_cast<uint64_t>(out_->base_);
  for (size_t i = 1; i < symbols_.size(); ++i) {
    const Elf64_Sym& s = symbols_[i];
    const uint8_t type = ELF64_ST_TYPE(s.st_info);
    if (type == STT_FILE) continue;
    // Only undefined and global symbols need their names (a big module has tens of thousands
    // of local labels, which relocations never name).
    const bool named =
        s.st_shndx == SHN_UNDEF || (ELF64_ST_BIND(s.st_info) != STB_LOCAL && type != STT_SECTION);
    const char* name = named ? string_at(strtab, s.st_name) : "";
    if (name == nullptr) return bad("a symbol name out of bounds");
    if (s.st_shndx == SHN_UNDEF) {
      void* addr = resolve_(name);
      // Unresolved symbols are an error only when a relocation uses them (symbol_value()).
      symbol_addrs_[i] = reinterpret_cast<uint64_t>(addr);
      if (addr == nullptr && (got_slot_[i] >= 0 || stub_slot_[i] >= 0))
        return bad("undefined symbol " + std::string(name));
      continue;
    }
    if (s.st_shndx == SHN_ABS) {
      symbol_addrs_[i] = s.st_value;
      continue;
    }
    if (s.st_shndx >= sections_.size() || s.st_shndx >= SHN_LORESERVE) {
      if (s.st_shndx == SHN_COMMON) return bad("common symbols are not supported");
      continue; // refers to nothing we load; an error only if a relocation uses it
    }
    if (plans_[s.st_shndx].part == Part::None) continue;
    if (s.st_value > sections_[s.st_shndx].sh_size) return bad("a symbol outside its section");
    symbol_addrs_[i] = base + plans_[s.st_shndx].offset + s.st_value;
    if (named && *name != '\0') defined_(name, reinterpret_cast<void*>(symbol_addrs_[i]));
  }
  // The GOT holds every symbol's address, and each stub jumps through its symbol's entry.
  for (size_t i = 0; i < symbols_.size(); ++i) {
    if (got_slot_[i] >= 0) {
      if (symbol_addrs_[i] == 0) return bad("a GOT entry for an unresolved symbol");
      std::memcpy(out_->base_ + got_offset_ + 8 * got_slot_[i], &symbol_addrs_[i], 8);
    }
    if (stub_slot_[i] >= 0) {
      uint8_t* stub = out_->base_ + stubs_offset_ + kStubSize * stub_slot_[i];
      const uint64_t entry = got_offset_ + 8 * static_cast<uint64_t>(got_slot_[i]);
      const uint64_t next = stubs_offset_ + kStubSize * stub_slot_[i] + 6;
      const auto disp = static_cast<int32_t>(static_cast<int64_t>(entry - next));
      stub[0] = 0xff; // jmp *disp32(%rip)
      stub[1] = 0x25;
      std::memcpy(stub + 2, &disp, 4);
      stub[6] = 0xcc; // int3 padding
      stub[7] = 0xcc;
    }
  }
  return support::ok();
}

support::Status ObjectLinker::relocate_section(const Elf64_Shdr& r) {
  const Elf64_Shdr& target = sections_[r.sh_info];
  const auto base = reinterpret_cast<uint64_t>(out_->base_);
  const uint64_t target_at = base + plans_[r.sh_info].offset;
  if (target.sh_type == SHT_NOBITS) return bad("relocations in a section without contents");
  for (uint64_t off = 0; off < r.sh_size; off += sizeof(Elf64_Rela)) {
    const auto rel = read_at<Elf64_Rela>(elf_, r.sh_offset + off);
    const uint32_t sym = ELF64_R_SYM(rel.r_info), type = ELF64_R_TYPE(rel.r_info);
    const int64_t addend = rel.r_addend;
    const uint64_t width = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
    if (type == R_X86_64_NONE) continue;
    if (!fits(rel.r_offset, width, target.sh_size)) return bad("a relocation out of its section");
    const uint64_t place = target_at + rel.r_offset;
    auto* where = reinterpret_cast<uint8_t*>(place);
    auto store32 = [&](int64_t v, bool is_signed) -> support::Status {
      const bool ok = is_signed ? v >= std::numeric_limits<int32_t>::min() &&
                                      v <= std::numeric_limits<int32_t>::max()
                                : v >= 0 && v <= std::numeric_limits<uint32_t>::max();
      if (!ok) return bad("a relocation out of range (type " + std::to_string(type) + ")");
      const auto u = static_cast<uint32_t>(v);
      std::memcpy(where, &u, 4);
      return support::ok();
    };
    uint64_t s = 0;
    if (got_slot_[sym] >= 0 && (type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
                                type == R_X86_64_REX_GOTPCRELX)) {
      // No relaxation: the instruction keeps loading the address from the GOT.
      const uint64_t entry = base + got_offset_ + 8 * static_cast<uint64_t>(got_slot_[sym]);
      WASMCAP_TRY(store32(static_cast<int64_t>(entry + addend - place), true));
      continue;
    }
    if (type == R_X86_64_PLT32 && stub_slot_[sym] >= 0) {
      s = base + stubs_offset_ + kStubSize * static_cast<uint64_t>(stub_slot_[sym]);
    } else {
      auto v = symbol_value(sym);
      if (!v) return v.error();
      s = *v;
    }
    switch (type) {
    case R_X86_64_64: {
      const uint64_t v = s + addend;
      std::memcpy(where, &v, 8);
      break;
    }
    case R_X86_64_PC64: {
      const uint64_t v = s + addend - place;
      std::memcpy(where, &v, 8);
      break;
    }
    case R_X86_64_PC32:
    case R_X86_64_PLT32:
      WASMCAP_TRY(store32(static_cast<int64_t>(s + addend - place), true));
      break;
    case R_X86_64_32: WASMCAP_TRY(store32(static_cast<int64_t>(s + addend), false)); break;
    case R_X86_64_32S: WASMCAP_TRY(store32(static_cast<int64_t>(s + addend), true)); break;
    default: return bad("unsupported relocation type " + std::to_string(type));
    }
  }
  return support::ok();
}

support::Status ObjectLinker::relocate() {
  for (const Elf64_Shdr& r : sections_) {
    if (r.sh_type != SHT_RELA) continue;
    if (r.sh_info >= sections_.size() || plans_[r.sh_info].part == Part::None) continue;
    WASMCAP_TRY(relocate_section(r));
  }
  return support::ok();
}

support::Result<std::unique_ptr<LoadedObject>> ObjectLinker::run() {
  WASMCAP_TRY(read_headers());
  WASMCAP_TRY(plan());
  out_.reset(new LoadedObject());
  if (total_ > 0) {
    // MAP_POPULATE: every page is written below; one populate is cheaper than a fault per page.
    void* map = mmap(nullptr, total_, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (map == MAP_FAILED) {
      return support::make_error(support::ErrorKind::Exhaustion,
                                 "cannot map " + std::to_string(total_) + " bytes of code");
    }
    out_->base_ = static_cast<uint8_t*>(map);
    out_->size_ = total_;
    out_->code_size_ = code_end_;
    if (unwind_section_ != 0 && sections_[unwind_section_].sh_size != 0)
      out_->unwind_info_ = out_->base_ + plans_[unwind_section_].offset;
  }
  for (size_t i = 0; i < sections_.size(); ++i) {
    const Elf64_Shdr& s = sections_[i];
    if (plans_[i].part == Part::None || s.sh_type == SHT_NOBITS || s.sh_size == 0) continue;
    std::memcpy(out_->base_ + plans_[i].offset, elf_.data() + s.sh_offset, s.sh_size);
  }
  WASMCAP_TRY(resolve_symbols());
  WASMCAP_TRY(relocate());
  // W^X: the mapping was only ever writable, and now code becomes executable and read-only.
  if ((code_end_ > 0 && mprotect(out_->base_, code_end_, PROT_READ | PROT_EXEC) != 0) ||
      (ro_end_ > code_end_ &&
       mprotect(out_->base_ + code_end_, ro_end_ - code_end_, PROT_READ) != 0)) {
    return support::make_error(support::ErrorKind::Exhaustion, "cannot protect the code");
  }
  return std::move(out_);
}

support::Result<std::unique_ptr<LoadedObject>> LoadedObject::load(std::span<const uint8_t> elf,
                                                                  const Resolver& resolve,
                                                                  const SymbolSink& defined) {
  ObjectLinker linker(elf, resolve, defined);
  return linker.run();
}

LoadedObject::~LoadedObject() {
  if (base_ != nullptr) munmap(base_, size_);
}

} // namespace wasmcap::llvm_tier
