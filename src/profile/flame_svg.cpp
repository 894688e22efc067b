// Profile::flame_svg (profile.h): the call tree drawn as a flame graph, one self-contained SVG
// file with no external resources. A box is a stack: its width is the share of samples at or
// above it, its callers are below it, its callees above. The embedded script zooms: clicking a
// box widens it to the full width (its callers stay as full-width bars beneath, everything beside
// it hides), clicking the bottom "all" box or "Reset zoom" undoes it. A URL fragment drives the
// same code without a mouse (`#zoom=n7`, `#click=n7`), which is how tests/cli check it in a
// headless browser; after each zoom the root element's `data-zoomed` names the box.
#include <algorithm>
#include <cstdio>
#include <functional>

#include "profile/profile.h"

namespace wasmcap::profile {

namespace {

constexpr double kWidth = 1200;  // drawing width in px, without margins
constexpr double kMargin = 10;   // left and right
constexpr double kRow = 18;      // one stack level
constexpr double kTop = 40;      // title and controls
constexpr double kCharWidth = 7; // monospace 12px, for fitting labels

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

// A warm colour per name (the flame graph convention), the same name always the same colour.
std::string color_of(std::string_view name) {
  uint32_t h = 2166136261u;
  for (char c : name)
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  char buf[32];
  std::snprintf(buf, sizeof buf, "hsl(%u,%u%%,%u%%)", h % 50, 70 + (h >> 8) % 25,
                55 + (h >> 16) % 12);
  return buf;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// The label that fits `px`, or "" when not even two characters and an ellipsis do.
std::string fit(std::string_view name, double px) {
  const auto chars = static_cast<size_t>(std::max(0.0, (px - 6) / kCharWidth));
  if (chars >= name.size()) return std::string(name);
  if (chars < 3) return "";
  return std::string(name.substr(0, chars - 2)) + "..";
}

// Zooming is computed in the browser from each box's data-x/data-w (fractions of the whole) and
// data-d (depth); the server side only draws the unzoomed picture.
constexpr const char* kScript = R"JS(
var W = %WIDTH%, M = %MARGIN%, CW = %CHARW%;
function boxes() { return document.querySelectorAll('g.f'); }
function fitLabel(name, px) {
  var n = Math.floor((px - 6) / CW);
  if (n >= name.length) return name;
  return n < 3 ? '' : name.substring(0, n - 2) + '..';
}
function zoom(id) {
  var z = document.getElementById(id);
  var zx = parseFloat(z.getAttribute('data-x')), zw = parseFloat(z.getAttribute('data-w'));
  var zd = parseInt(z.getAttribute('data-d'));
  boxes().forEach(function (g) {
    var x = parseFloat(g.getAttribute('data-x')), w = parseFloat(g.getAttribute('data-w'));
    var d = parseInt(g.getAttribute('data-d'));
    var inside = x >= zx - 1e-9 && x + w <= zx + zw + 1e-9 && d >= zd;
    var below = d < zd && x <= zx + 1e-9 && x + w >= zx + zw - 1e-9;
    if (!inside && !below) { g.style.display = 'none'; return; }
    g.style.display = '';
    var nx = below ? 0 : (x - zx) / zw * W, nw = below ? W : w / zw * W;
    var r = g.querySelector('rect'), t = g.querySelector('text');
    r.setAttribute('x', (M + nx).toFixed(2));
    r.setAttribute('width', Math.max(nw - 0.5, 0.1).toFixed(2));
    r.setAttribute('fill-opacity', below && d != 0 ? '0.5' : '1');
    t.setAttribute('x', (M + nx + 3).toFixed(2));
    t.textContent = fitLabel(g.getAttribute('data-name'), nw);
  });
  document.documentElement.setAttribute('data-zoomed', id);
  document.getElementById('reset').style.display = id == 'n0' ? 'none' : '';
}
boxes().forEach(function (g) {
  g.addEventListener('click', function () { zoom(g.id); });
});
document.getElementById('reset').addEventListener('click', function () { zoom('n0'); });
(function () {
  var m = /^#(zoom|click)=(n[0-9]+)$/.exec(location.hash);
  if (!m || !document.getElementById(m[2])) return;
  if (m[1] == 'zoom') zoom(m[2]);
  else document.getElementById(m[2]).dispatchEvent(new MouseEvent('click', {bubbles: true}));
})();
document.documentElement.setAttribute('data-ready', 'yes');
)JS";

std::string script() {
  std::string s = kScript;
  auto put = [&s](std::string_view key, const std::string& value) {
    s.replace(s.find(key), key.size(), value);
  };
  put("%WIDTH%", fmt(kWidth));
  put("%MARGIN%", fmt(kMargin));
  put("%CHARW%", fmt(kCharWidth));
  return s;
}

} // namespace

std::string Profile::flame_svg(std::string_view title) const {
  // Depth of every node and the x of each box, children ordered by name so the picture does not
  // depend on the order samples came in.
  std::vector<uint32_t> depth(nodes_.size(), 0);
  std::vector<double> x(nodes_.size(), 0);
  uint32_t max_depth = 0;
  const double total = std::max<double>(1, static_cast<double>(nodes_[0].total));
  std::vector<uint32_t> order; // pre-order
  std::function<void(uint32_t)> place = [&](uint32_t n) {
    order.push_back(n);
    std::vector<uint32_t> kids = nodes_[n].children;
    std::sort(kids.begin(), kids.end(), [&](uint32_t a, uint32_t b) {
      return frames_[nodes_[a].frame] < frames_[nodes_[b].frame];
    });
    double at = x[n];
    for (uint32_t k : kids) {
      depth[k] = depth[n] + 1;
      max_depth = std::max(max_depth, depth[k]);
      x[k] = at;
      at += static_cast<double>(nodes_[k].total) / total;
      place(k);
    }
  };
  place(0);

  const double height = kTop + (max_depth + 1) * kRow + 10;
  std::string out;
  out += "<?xml version=\"1.0\" standalone=\"no\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
         fmt(kWidth + 2 * kMargin) + "\" height=\"" + fmt(height) + "\" viewBox=\"0 0 " +
         fmt(kWidth + 2 * kMargin) + " " + fmt(height) + "\" data-samples=\"" +
         std::to_string(nodes_[0].total) + "\">\n";
  out += "<style>text{font-family:monospace;font-size:12px;fill:#000}"
         "g.f{cursor:pointer}g.f:hover rect{stroke:#000;stroke-width:0.5}"
         "#reset{cursor:pointer;fill:#06c}</style>\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#fdfdf6\"/>\n";
  out += "<text x=\"" + fmt(kMargin) + "\" y=\"20\" style=\"font-size:16px\">" + xml_escape(title) +
         " (" + std::to_string(nodes_[0].total) + " samples; click a box to zoom)</text>\n";
  out += "<text id=\"reset\" x=\"" + fmt(kMargin + kWidth - 90) +
         "\" y=\"20\" style=\"display:none\">Reset zoom</text>\n";
  for (uint32_t n : order) {
    const Node& node = nodes_[n];
    const std::string name = n == 0 ? std::string("all") : frames_[node.frame];
    const double w = static_cast<double>(node.total) / total;
    const double px = w * kWidth;
    const double y = height - 10 - (depth[n] + 1) * kRow;
    const double pct = 100.0 * static_cast<double>(node.total) / total;
    out += "<g class=\"f\" id=\"n" + std::to_string(n) + "\" data-name=\"" + xml_escape(name) +
           "\" data-x=\"" + std::to_string(x[n]) + "\" data-w=\"" + std::to_string(w) +
           "\" data-d=\"" + std::to_string(depth[n]) + "\"><title>" + xml_escape(name) + " (" +
           std::to_string(node.total) + " samples, " + fmt(pct) + "%; " +
           std::to_string(node.self) + " in itself)</title>";
    out += "<rect x=\"" + fmt(kMargin + x[n] * kWidth) + "\" y=\"" + fmt(y) + "\" width=\"" +
           fmt(std::max(px - 0.5, 0.1)) + "\" height=\"" + fmt(kRow - 1) + "\" rx=\"2\" fill=\"" +
           (n == 0 ? std::string("hsl(0,0%,80%)") : color_of(name)) + "\"/>";
    out += "<text x=\"" + fmt(kMargin + x[n] * kWidth + 3) + "\" y=\"" + fmt(y + kRow - 5) + "\">" +
           xml_escape(fit(name, px)) + "</text></g>\n";
  }
  out += "<script><![CDATA[" + script() + "]]></script>\n</svg>\n";
  return out;
}

} // namespace wasmcap::profile
