// The CLI's compile progress bar (Config::compile_progress): `wasmcap compile`, and any wait for
// compiled code (`--tier jit`, a code cache miss), draw one on stderr once the compile has run
// for a second, and only when stderr is a terminal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace wasmcap::cli {

// A callback for Config::compile_progress that draws the bar, or an empty one when stderr is
// not a terminal (or TERM is "dumb"), so nothing is drawn into files and pipes.
std::function<void(double done, uint64_t functions)> terminal_progress_bar();

// One line of the bar for `done` (0 to 1) of `functions` after `seconds`, `width` characters of
// bar: "compiling [#####.....]  52%  2600/5000 functions  1234/s" (tested directly).
std::string progress_line(double done, uint64_t functions, double seconds, int width = 24);

} // namespace wasmcap::cli
