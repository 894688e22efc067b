// The WIT parser: recursive descent over the lexer's tokens, one function per grammar rule of
// WIT.md. It checks syntax only; names, duplicates and gates' consistency are the resolver's.
#include "wit/parser.h"

#include "wit/lexer.h"

namespace wasmcap::wit {

using support::ErrorKind;
using support::Result;
using support::Status;

bool is_valid_semver(std::string_view text) {
  auto numeric = [](std::string_view part) {
    if (part.empty()) return false;
    for (char c : part)
      if (c < '0' || c > '9') return false;
    return part.size() == 1 || part[0] != '0';
  };
  auto idents = [&](std::string_view s, bool check_zeros) {
    size_t start = 0;
    while (true) {
      size_t dot = s.find('.', start);
      std::string_view id = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
      if (id.empty()) return false;
      bool all_digits = true;
      for (char c : id) {
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && c != '-') return false;
        all_digits &= c >= '0' && c <= '9';
      }
      if (check_zeros && all_digits && !numeric(id)) return false;
      if (dot == std::string_view::npos) return true;
      start = dot + 1;
    }
  };
  size_t plus = text.find('+');
  std::string_view core = text.substr(0, plus);
  if (plus != std::string_view::npos && !idents(text.substr(plus + 1), false)) return false;
  size_t dash = core.find('-');
  if (dash != std::string_view::npos && !idents(core.substr(dash + 1), true)) return false;
  core = core.substr(0, dash);
  size_t d1 = core.find('.');
  if (d1 == std::string_view::npos) return false;
  size_t d2 = core.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  return numeric(core.substr(0, d1)) && numeric(core.substr(d1 + 1, d2 - d1 - 1)) &&
         numeric(core.substr(d2 + 1));
}

namespace {

class Parser {
public:
  Parser(std::string_view path, std::vector<Token> tokens)
      : path_(path), toks_(std::move(tokens)) {}

  Result<ast::File> file() {
    ast::File f;
    f.path = std::string(path_);
    if (is_word("package")) {
      ast::Pos pos = here();
      next();
      WASMCAP_ASSIGN(ast::PackageName name, package_name(pos));
      if (at(TokenKind::LBrace)) {
        WASMCAP_ASSIGN(ast::PackageBody body, nested_body(std::move(name)));
        f.nested.push_back(std::move(body));
      } else {
        WASMCAP_TRY(expect(TokenKind::Semicolon, "`;`"));
        f.top.name = std::move(name);
      }
    }
    while (!at(TokenKind::Eof)) {
      if (is_word("package")) {
        ast::Pos pos = here();
        next();
        WASMCAP_ASSIGN(ast::PackageName name, package_name(pos));
        if (!at(TokenKind::LBrace))
          return fail("a package declaration must come first in a file, or be followed by `{`");
        WASMCAP_ASSIGN(ast::PackageBody body, nested_body(std::move(name)));
        f.nested.push_back(std::move(body));
        continue;
      }
      WASMCAP_TRY(package_item(f.top));
    }
    return f;
  }

private:
  // ---- tokens ----
  const Token& cur() const { return toks_[pos_]; }
  const Token& peek(size_t n) const {
    return toks_[pos_ + n < toks_.size() ? pos_ + n : toks_.size() - 1];
  }
  bool at(TokenKind k) const { return cur().kind == k; }
  bool is_word(std::string_view w) const { return at(TokenKind::Id) && cur().text == w; }
  void next() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }
  ast::Pos here() const { return {cur().line, cur().column}; }
  support::Error fail_at(ast::Pos p, std::string message) const {
    return error_at(ErrorKind::Malformed, path_, p.line, p.column, std::move(message));
  }
  support::Error fail(std::string message) const { return fail_at(here(), std::move(message)); }
  support::Error unexpected(std::string_view wanted) const {
    return fail("expected " + std::string(wanted) + ", found " + describe(cur()));
  }
  Status expect(TokenKind k, std::string_view wanted) {
    if (!at(k)) return unexpected(wanted);
    next();
    return support::ok();
  }
  Status expect_word(std::string_view w) {
    if (!is_word(w)) return unexpected("`" + std::string(w) + "`");
    next();
    return support::ok();
  }
  bool accept(TokenKind k) {
    if (!at(k)) return false;
    next();
    return true;
  }

  // An identifier: a non-keyword word, or any `%`-escaped one.
  Result<std::string> id() {
    if (at(TokenKind::ExplicitId) || (at(TokenKind::Id) && !is_keyword(cur().text))) {
      std::string s(cur().text);
      next();
      return s;
    }
    if (at(TokenKind::Id))
      return fail("expected an identifier, found keyword `" + std::string(cur().text) +
                  "` (write `%" + std::string(cur().text) + "` to use it as a name)");
    return unexpected("an identifier");
  }

  Result<std::string> version() {
    if (!at(TokenKind::Integer)) return unexpected("a version");
    std::string v(cur().text);
    if (!is_valid_semver(v)) return fail("bad version `" + v + "` (expected semver x.y.z)");
    next();
    return v;
  }

  // ---- packages and top level ----
  Result<ast::PackageName> package_name(ast::Pos pos) {
    ast::PackageName n;
    n.pos = pos;
    WASMCAP_ASSIGN(n.ns, id());
    WASMCAP_TRY(expect(TokenKind::Colon, "`:`"));
    WASMCAP_ASSIGN(n.name, id());
    if (at(TokenKind::Colon) || at(TokenKind::Slash))
      return fail("nested namespaces and packages are not supported");
    if (accept(TokenKind::At)) {
      WASMCAP_ASSIGN(n.version, version());
    }
    return n;
  }

  Result<ast::PackageBody> nested_body(ast::PackageName name) {
    ast::PackageBody body;
    body.name = std::move(name);
    WASMCAP_TRY(expect(TokenKind::LBrace, "`{`"));
    while (!accept(TokenKind::RBrace)) {
      if (at(TokenKind::Eof)) return unexpected("`}`");
      WASMCAP_TRY(package_item(body));
    }
    return body;
  }

  Status package_item(ast::PackageBody& body) {
    WASMCAP_ASSIGN(Gate g, gate());
    if (is_word("use")) {
      if (!g.empty()) return fail("a top-level `use` cannot be gated");
      ast::TopUse u;
      u.pos = here();
      next();
      WASMCAP_ASSIGN(u.path, use_path());
      u.as = u.path.name;
      if (is_word("as")) {
        next();
        WASMCAP_ASSIGN(u.as, id());
      }
      WASMCAP_TRY(expect(TokenKind::Semicolon, "`;`"));
      body.uses.push_back(std::move(u));
      return support::ok();
    }
    if (is_word("interface")) {
      ast::Interface i;
      i.pos = here();
      i.gate = std::move(g);
      next();
      WASMCAP_ASSIGN(i.name, id());
      WASMCAP_TRY(interface_body(i));
      body.interfaces.push_back(std::move(i));
      return support::ok();
    }
    if (is_word("world")) {
      ast::World w;
      w.pos = here();
      w.gate = std::move(g);
      next();
      WASMCAP_ASSIGN(w.name, id());
      WASMCAP_TRY(world_body(w));
      body.worlds.push_back(std::move(w));
      return support::ok();
    }
    return unexpected("`interface`, `world`, `use` or `package`");
  }

  // `@since(version = x.y.z)`, `@unstable(feature = id)`, `@deprecated(version = x.y.z)`;
  // `@external-id("...")` is accepted and dropped.
  Result<Gate> gate() {
    Gate g;
    while (at(TokenKind::At)) {
      ast::Pos pos = here();
      next();
      if (!at(TokenKind::Id)) return unexpected("a gate name");
      std::string which(cur().text);
      next();
      WASMCAP_TRY(expect(TokenKind::LParen, "`(`"));
      if (which == "external-id") {
        WASMCAP_TRY(expect(TokenKind::String, "a string"));
      } else if (which == "since" || which == "deprecated") {
        std::string& slot = which == "since" ? g.since : g.deprecated;
        if (!slot.empty()) return fail_at(pos, "duplicate `@" + which + "`");
        WASMCAP_TRY(expect_word("version"));
        WASMCAP_TRY(expect(TokenKind::Equals, "`=`"));
        WASMCAP_ASSIGN(slot, version());
        // Older WIT wrote `@since(version = x, feature = f)`; the feature is kept as unstable's.
        if (accept(TokenKind::Comma)) {
          WASMCAP_TRY(expect_word("feature"));
          WASMCAP_TRY(expect(TokenKind::Equals, "`=`"));
          WASMCAP_ASSIGN(std::string ignored, id());
          (void)ignored;
        }
      } else if (which == "unstable") {
        if (!g.unstable.empty()) return fail_at(pos, "duplicate `@unstable`");
        WASMCAP_TRY(expect_word("feature"));
        WASMCAP_TRY(expect(TokenKind::Equals, "`=`"));
        WASMCAP_ASSIGN(g.unstable, id());
      } else {
        return fail_at(pos, "unknown gate `@" + which + "`");
      }
      WASMCAP_TRY(expect(TokenKind::RParen, "`)`"));
    }
    if (!g.since.empty() && !g.unstable.empty())
      return fail("an item cannot be both `@since` and `@unstable`");
    return g;
  }

  Result<ast::UsePath> use_path() {
    ast::UsePath p;
    p.pos = here();
    WASMCAP_ASSIGN(std::string first, id());
    if (!accept(TokenKind::Colon)) {
      p.name = std::move(first);
      return p;
    }
    p.qualified = true;
    p.ns = std::move(first);
    WASMCAP_ASSIGN(p.pkg, id());
    if (at(TokenKind::Colon)) return fail("nested namespaces are not supported");
    WASMCAP_TRY(expect(TokenKind::Slash, "`/`"));
    WASMCAP_ASSIGN(p.name, id());
    if (at(TokenKind::Slash)) return fail("nested packages are not supported");
    if (accept(TokenKind::At)) {
      WASMCAP_ASSIGN(p.version, version());
    }
    return p;
  }

  // ---- interfaces ----
  Status interface_body(ast::Interface& i) {
    WASMCAP_TRY(expect(TokenKind::LBrace, "`{`"));
    while (!accept(TokenKind::RBrace)) {
      if (at(TokenKind::Eof)) return unexpected("`}`");
      WASMCAP_ASSIGN(Gate g, gate());
      if (is_word("use")) {
        WASMCAP_ASSIGN(ast::UseDecl u, use_decl(std::move(g)));
        i.uses.push_back(std::move(u));
      } else if (is_typedef_start()) {
        WASMCAP_ASSIGN(ast::TypeDecl t, type_decl(std::move(g)));
        i.types.push_back(std::move(t));
      } else {
        ast::Func f;
        f.pos = here();
        f.gate = std::move(g);
        WASMCAP_ASSIGN(f.name, id());
        WASMCAP_TRY(expect(TokenKind::Colon, "`:`"));
        WASMCAP_TRY(func_type(f));
        WASMCAP_TRY(expect(TokenKind::Semicolon, "`;`"));
        i.funcs.push_back(std::move(f));
      }
    }
    return support::ok();
  }

  Result<ast::UseDecl> use_decl(Gate g) {
    ast::UseDecl u;
    u.pos = here();
    u.gate = std::move(g);
    next(); // `use`
    WASMCAP_ASSIGN(u.path, use_path());
    WASMCAP_TRY(expect(TokenKind::Dot, "`.`"));
    WASMCAP_TRY(expect(TokenKind::LBrace, "`{`"));
    do {
      if (at(TokenKind::RBrace) && !u.names.empty()) break; // trailing comma
      ast::UseName n;
      n.pos = here();
      WASMCAP_ASSIGN(n.name, id());
      n.as = n.name;
      if (is_word("as")) {
        next();
        WASMCAP_ASSIGN(n.as, id());
      }
      u.names.push_back(std::move(n));
    } while (accept(TokenKind::Comma));
    WASMCAP_TRY(expect(TokenKind::RBrace, "`}` or `,`"));
    WASMCAP_TRY(expect(TokenKind::Semicolon, "`;`"));
    return u;
  }

  // `record r {` starts a type; `record: func()` is a function named by a keyword, which id()
  // then reports with its fix.
  bool is_typedef_start() const {
    if (peek(1).kind == TokenKind::Colon) return false;
    for (std::string_view w : {"type", "record", "variant", "enum", "flags", "resource"})
      if (is_word(w)) return true;
    return false;
  }

  Result<ast::TypeDecl> type_decl(Gate g) {
    ast::TypeDecl t;
    t.pos = here();
    t.gate = std::move(g);
    std::string word(cur().text);
    next();
    WASMCAP_ASSIGN(t.name, id());
    if (word == "type") {
      t.kind = TypeDefKind::Alias;
      WASMCAP_TRY(expect(TokenKind::Equals, "`=`"));
      WASMCAP_ASSIGN(t.alias, type_expr());
      WASMCAP_TRY(expect(TokenKind::Semicolon, "`;`"));
      return t;
    }
    if (word == "resource") {
      t.kind = TypeDefKind::Resource;
      if (accept(TokenKind::Semicolon)) return t;
      WASMCAP_TRY(expect(TokenKind::LBrace, "`{` or `;`"));
      while (!accept(TokenKind::RBrace)) {
        if (at(TokenKind::Eof)) return unexpected("`}`");
        WASMCAP_ASSIGN(Gate fg, gate());
        ast::Func f;
        f.pos = here();
        f.gate = std::move(fg);
        if (is_word("constructor")) {
          next();
          f.kind = FunctionKind::Constructor;
          WASMCAP_TRY(params_and_result(f));
        } else {
          WASMCAP_ASSIGN(f.name, id());
          WASMCAP_TRY(expect(TokenKind::Colon, "`:`"));
          f.kind = FunctionKind::Method;
          if (is_word("static")) {
            next();
            f.kind = FunctionKind::Static;
          }
          WASMCAP_TRY(func_type(f));
        }
        WASMCAP_TRY(expect(TokenKind::Semicolon, "`;`"));
        t.funcs.push_back(std::move(f));
      }
      accept(TokenKind::Semicolon); // tolerated after the block
      return t;
    }
    t.kind = word == "record"    ? TypeDefKind::Record
             : word == "variant" ? TypeDefKind::Variant
             : word == "enum"    ? TypeDefKind::Enum
                                 : TypeDefKind::Flags;
    bool typed = t.kind == TypeDefKind::Record;
    bool maybe_typed = t.kind == TypeDefKind::Variant;
    WASMCAP_TRY(expect(TokenKind::LBrace, "`{`"));
    while (!at(TokenKind::RBrace)) {
      ast::Case c;
      c.pos = here();
      WASMCAP_ASSIGN(c.name, id());
      if (typed) {
        WASMCAP_TRY(expect(TokenKind::Colon, "`:`"));
        WASMCAP_ASSIGN(c.type, type_expr());
      } else if (maybe_typed && accept(TokenKind::LParen)) {
        WASMCAP_ASSIGN(c.type, type_expr());
        WASMCAP_TRY(expect(TokenKind::RParen, "`)`"));
      }
      t.fields.push_back(std::move(c));
      if (!accept(TokenKind::Comma)) break;
    }
    WASMCAP_TRY(expect(TokenKind::RBrace, "`}` or `,`"));
    if (t.fields.empty() && t.kind != TypeDefKind::Record && t.kind != TypeDefKind::Flags)
      return fail_at(t.pos, "`" + word + " " + t.name + "` needs at least one case");
    return t;
  }

  // `async`? `func` `(` params `)` (`->` type)?
  Status func_type(ast::Func& f) {
    if (is_word("async")) {
      next();
      f.is_async = true;
    }
    WASMCAP_TRY(expect_word("func"));
    return params_and_result(f);
  }

  Status params_and_result(ast::Func& f) {
    WASMCAP_TRY(expect(TokenKind::LParen, "`(`"));
    while (!at(TokenKind::RParen)) {
      ast::NamedType p;
      p.pos = here();
      WASMCAP_ASSIGN(p.name, id());
      WASMCAP_TRY(expect(TokenKind::Colon, "`:`"));
      WASMCAP_ASSIGN(p.type, type_expr());
      f.params.push_back(std::move(p));
      if (!accept(TokenKind::Comma)) break;
    }
    WASMCAP_TRY(expect(TokenKind::RParen, "`)` or `,`"));
    if (accept(TokenKind::Arrow)) {
      if (at(TokenKind::LParen)) return fail("named or multiple results are not WIT any more");
      WASMCAP_ASSIGN(f.result, type_expr());
    }
    return support::ok();
  }

  // ---- types ----
  // Types nest (`list<option<..>>`) and every later pass recurses over them, so the depth is
  // bounded here, where a hostile file would otherwise exhaust the native stack.
  static constexpr int kMaxTypeDepth = 100;

  Result<ast::TypeExpr> type_expr() {
    if (depth_ >= kMaxTypeDepth) return fail("type nested too deeply");
    ++depth_;
    Result<ast::TypeExpr> t = type_expr_inner();
    --depth_;
    return t;
  }

  Result<ast::TypeExpr> type_expr_inner() {
    ast::TypeExpr t;
    t.pos = here();
    if (at(TokenKind::ExplicitId)) {
      t.kind = TypeKind::Named;
      t.name = std::string(cur().text);
      next();
      return t;
    }
    if (!at(TokenKind::Id)) return unexpected("a type");
    std::string_view w = cur().text;
    static constexpr std::pair<std::string_view, TypeKind> kPrims[] = {
        {"bool", TypeKind::Bool},    {"s8", TypeKind::S8},   {"u8", TypeKind::U8},
        {"s16", TypeKind::S16},      {"u16", TypeKind::U16}, {"s32", TypeKind::S32},
        {"u32", TypeKind::U32},      {"s64", TypeKind::S64}, {"u64", TypeKind::U64},
        {"f32", TypeKind::F32},      {"f64", TypeKind::F64}, {"char", TypeKind::Char},
        {"string", TypeKind::String}};
    for (auto [name, kind] : kPrims) {
      if (w == name) {
        t.kind = kind;
        next();
        return t;
      }
    }
    if (w == "list" || w == "option") {
      t.kind = w == "list" ? TypeKind::List : TypeKind::Option;
      next();
      WASMCAP_TRY(expect(TokenKind::Less, "`<`"));
      WASMCAP_ASSIGN(ast::TypeExpr elem, type_expr());
      t.args.push_back(std::move(elem));
      if (t.kind == TypeKind::List && accept(TokenKind::Comma)) {
        if (!at(TokenKind::Integer)) return unexpected("a list length");
        std::string_view n = cur().text;
        uint64_t v = 0;
        for (char c : n) {
          if (c < '0' || c > '9' || v > 0xFFFFFFFFu) return fail("bad list length");
          v = v * 10 + static_cast<uint64_t>(c - '0');
        }
        if (v == 0 || v > 0xFFFFFFFFu) return fail("bad list length");
        t.length = static_cast<uint32_t>(v);
        next();
      }
      WASMCAP_TRY(expect(TokenKind::Greater, "`>`"));
      return t;
    }
    if (w == "result") {
      t.kind = TypeKind::Result;
      next();
      if (!accept(TokenKind::Less)) return t;
      if (accept(TokenKind::Underscore)) {
        WASMCAP_TRY(expect(TokenKind::Comma, "`,`"));
      } else {
        WASMCAP_ASSIGN(ast::TypeExpr ok, type_expr());
        t.args.push_back(std::move(ok));
        t.has_ok = true;
        if (!accept(TokenKind::Comma)) {
          WASMCAP_TRY(expect(TokenKind::Greater, "`>` or `,`"));
          return t;
        }
      }
      WASMCAP_ASSIGN(ast::TypeExpr err, type_expr());
      t.args.push_back(std::move(err));
      t.has_err = true;
      WASMCAP_TRY(expect(TokenKind::Greater, "`>`"));
      return t;
    }
    if (w == "tuple" || w == "map") {
      t.kind = w == "tuple" ? TypeKind::Tuple : TypeKind::Map;
      next();
      WASMCAP_TRY(expect(TokenKind::Less, "`<`"));
      do {
        if (at(TokenKind::Greater) && !t.args.empty()) break;
        WASMCAP_ASSIGN(ast::TypeExpr elem, type_expr());
        t.args.push_back(std::move(elem));
      } while (accept(TokenKind::Comma));
      WASMCAP_TRY(expect(TokenKind::Greater, "`>` or `,`"));
      if (t.kind == TypeKind::Map && t.args.size() != 2)
        return fail_at(t.pos, "`map` takes a key and a value type");
      return t;
    }
    if (w == "future" || w == "stream") {
      t.kind = w == "future" ? TypeKind::Future : TypeKind::Stream;
      next();
      if (accept(TokenKind::Less)) {
        WASMCAP_ASSIGN(ast::TypeExpr elem, type_expr());
        t.args.push_back(std::move(elem));
        WASMCAP_TRY(expect(TokenKind::Greater, "`>`"));
      }
      return t;
    }
    if (w == "own" || w == "borrow") {
      t.kind = w == "own" ? TypeKind::Own : TypeKind::Borrow;
      next();
      WASMCAP_TRY(expect(TokenKind::Less, "`<`"));
      WASMCAP_ASSIGN(t.name, id());
      WASMCAP_TRY(expect(TokenKind::Greater, "`>`"));
      return t;
    }
    t.kind = TypeKind::Named;
    WASMCAP_ASSIGN(t.name, id());
    return t;
  }

  // ---- worlds ----
  Status world_body(ast::World& w) {
    WASMCAP_TRY(expect(TokenKind::LBrace, "`{`"));
    while (!accept(TokenKind::RBrace)) {
      if (at(TokenKind::Eof)) return unexpected("`}`");
      WASMCAP_ASSIGN(Gate g, gate());
      if (is_word("use")) {
        WASMCAP_ASSIGN(ast::UseDecl u, use_decl(std::move(g)));
        w.uses.push_back(std::move(u));
      } else if (is_typedef_start()) {
        WASMCAP_ASSIGN(ast::TypeDecl t, type_decl(std::move(g)));
        w.types.push_back(std::move(t));
      } else if (is_word("include")) {
        ast::WorldItem item;
        item.kind = ast::WorldItem::Include;
        item.pos = here();
        item.gate = std::move(g);
        next();
        WASMCAP_ASSIGN(item.path, use_path());
        if (is_word("with")) {
          next();
          WASMCAP_TRY(expect(TokenKind::LBrace, "`{`"));
          do {
            if (at(TokenKind::RBrace) && !item.with.empty()) break;
            ast::UseName n;
            n.pos = here();
            WASMCAP_ASSIGN(n.name, id());
            WASMCAP_TRY(expect_word("as"));
            WASMCAP_ASSIGN(n.as, id());
            item.with.push_back(std::move(n));
          } while (accept(TokenKind::Comma));
          WASMCAP_TRY(expect(TokenKind::RBrace, "`}` or `,`"));
          accept(TokenKind::Semicolon);
        } else {
          WASMCAP_TRY(expect(TokenKind::Semicolon, "`;`"));
        }
        w.items.push_back(std::move(item));
      } else if (is_word("import") || is_word("export")) {
        ast::WorldItem item;
        item.is_export = is_word("export");
        item.pos = here();
        item.gate = std::move(g);
        next();
        WASMCAP_TRY(extern_item(item));
        w.items.push_back(std::move(item));
      } else {
        return unexpected("`import`, `export`, `include`, `use` or a type definition");
      }
    }
    return support::ok();
  }

  // After `import`/`export`: `path;`, `name: path;`, `name: interface {..}`, `name: func..;`.
  // `a:b/c` is a path while `a: b;` and `a: b:c/d;` name one, told apart by looking ahead.
  Status extern_item(ast::WorldItem& item) {
    bool named = (at(TokenKind::Id) || at(TokenKind::ExplicitId)) &&
                 peek(1).kind == TokenKind::Colon &&
                 !((peek(2).kind == TokenKind::Id || peek(2).kind == TokenKind::ExplicitId) &&
                   peek(3).kind == TokenKind::Slash);
    if (!named) {
      item.kind = ast::WorldItem::Path;
      WASMCAP_ASSIGN(item.path, use_path());
      return expect(TokenKind::Semicolon, "`;`");
    }
    WASMCAP_ASSIGN(item.name, id());
    next(); // `:`
    if (is_word("func") || is_word("async")) {
      item.kind = ast::WorldItem::Function;
      item.func.pos = item.pos;
      item.func.name = item.name;
      WASMCAP_TRY(func_type(item.func));
      return expect(TokenKind::Semicolon, "`;`");
    }
    if (is_word("interface")) {
      item.kind = ast::WorldItem::InlineInterface;
      item.inline_interface.pos = here();
      next();
      return interface_body(item.inline_interface);
    }
    item.kind = ast::WorldItem::NamedPath;
    WASMCAP_ASSIGN(item.path, use_path());
    return expect(TokenKind::Semicolon, "`;`");
  }

  std::string_view path_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
};

} // namespace

Result<ast::File> parse_file(std::string_view path, std::string_view text) {
  WASMCAP_ASSIGN(std::vector<Token> tokens, tokenize(path, text));
  return Parser(path, std::move(tokens)).file();
}

} // namespace wasmcap::wit
