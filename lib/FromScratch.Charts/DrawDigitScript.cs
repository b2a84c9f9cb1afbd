namespace FromScratch.Charts;

/// <summary>
/// The page side of <see cref="DrawDigit"/>: pointer input, MNIST-style preprocessing and the two-layer forward pass,
/// in plain JavaScript with no library. It defines <c>window.FromScratchDigit</c> once per page; every pad calls
/// <c>attach</c>. Each attached element gets <c>el.fromScratchDigit</c> = { predict, preprocess, clear, input } (used by tests).
/// </summary>
internal static class DrawDigitScript
{
    public const string Source = """
        (function () {
          if (window.FromScratchDigit) { return; }
          function decode(b64) {
            var s = atob(b64), bytes = new Uint8Array(s.length);
            for (var i = 0; i < s.length; i++) { bytes[i] = s.charCodeAt(i); }
            return new Float32Array(bytes.buffer);
          }
          function sigmoid(a) { return 1 / (1 + Math.exp(-a)); }
          // y = softmax(sigmoid(x·W1 + b1)·W2 + b2), as TwoLayerNet.Predict; W row-major (in, out)
          function forward(net, x) {
            var I = net.input, H = net.hidden, O = net.output, z1 = new Float64Array(H), a2 = new Float64Array(O), i, j, k;
            for (j = 0; j < H; j++) { z1[j] = net.b1[j]; }
            for (i = 0; i < I; i++) {
              var xi = x[i];
              if (xi === 0) { continue; }
              for (j = 0; j < H; j++) { z1[j] += xi * net.W1[i * H + j]; }
            }
            for (j = 0; j < H; j++) { z1[j] = sigmoid(z1[j]); }
            for (k = 0; k < O; k++) { a2[k] = net.b2[k]; }
            for (j = 0; j < H; j++) { for (k = 0; k < O; k++) { a2[k] += z1[j] * net.W2[j * O + k]; } }
            var max = -Infinity, sum = 0;
            for (k = 0; k < O; k++) { max = Math.max(max, a2[k]); }
            for (k = 0; k < O; k++) { a2[k] = Math.exp(a2[k] - max); sum += a2[k]; }
            for (k = 0; k < O; k++) { a2[k] /= sum; }
            return a2;
          }
          // ink (w×h, values 0..1) → 784 values: bounding box into 20×20 keeping the aspect ratio (area-averaged grey),
          // then into 28×28 with the centre of mass at the centre (14, 14). null when there is no ink.
          function preprocess(ink, w, h) {
            var minX = w, minY = h, maxX = -1, maxY = -1, x, y, u, v;
            for (y = 0; y < h; y++) { for (x = 0; x < w; x++) {
              if (ink[y * w + x] > 0) { if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y; }
            } }
            if (maxX < 0) { return null; }
            var bw = maxX - minX + 1, bh = maxY - minY + 1, scale = 20 / Math.max(bw, bh);
            var tw = Math.max(1, Math.min(20, Math.round(bw * scale))), th = Math.max(1, Math.min(20, Math.round(bh * scale)));
            var sx = bw / tw, sy = bh / th, small = new Float64Array(tw * th), mass = 0, cx = 0, cy = 0;
            for (v = 0; v < th; v++) {
              var y0 = minY + v * sy, y1 = y0 + sy;
              for (u = 0; u < tw; u++) {
                var x0 = minX + u * sx, x1 = x0 + sx, sum = 0;
                for (y = Math.floor(y0); y < y1; y++) {
                  var wy = Math.min(y + 1, y1) - Math.max(y, y0);
                  if (wy <= 0) { continue; }
                  for (x = Math.floor(x0); x < x1; x++) {
                    var wx = Math.min(x + 1, x1) - Math.max(x, x0);
                    if (wx > 0) { sum += wx * wy * ink[y * w + x]; }
                  }
                }
                var value = Math.min(1, sum / (sx * sy));
                small[v * tw + u] = value;
                mass += value; cx += (u + 0.5) * value; cy += (v + 0.5) * value;
              }
            }
            var ox = Math.round(14 - cx / mass), oy = Math.round(14 - cy / mass), out = new Float64Array(784);
            ox = Math.max(0, Math.min(28 - tw, ox)); oy = Math.max(0, Math.min(28 - th, oy));
            for (v = 0; v < th; v++) { for (u = 0; u < tw; u++) { out[(oy + v) * 28 + ox + u] = small[v * tw + u]; } }
            return out;
          }
          function attach(el, config) {
            if (!el || el.fromScratchDigit) { return; }
            var n = config.network;
            var net = { input: n.input, hidden: n.hidden, output: n.output, W1: decode(n.W1), b1: decode(n.b1), W2: decode(n.W2), b2: decode(n.b2) };
            var pad = el.querySelector(".fs-pad"), seen = el.querySelector(".fs-seen"), ctx = pad.getContext("2d", { willReadFrequently: true });
            var rows = el.querySelectorAll(".fs-row"), answer = el.querySelector(".fs-answer"), last = null, pending = false, input = null;
            function pen() { ctx.lineWidth = 20; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000"; ctx.fillStyle = "#000"; }
            function point(e) { var r = pad.getBoundingClientRect(); return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height }; }
            function ink() {
              var data = ctx.getImageData(0, 0, pad.width, pad.height).data, a = new Float64Array(pad.width * pad.height);
              for (var i = 0; i < a.length; i++) { a[i] = data[i * 4 + 3] / 255; }
              return a;
            }
            function show(probabilities) {
              var best = -1;
              for (var k = 0; k < rows.length; k++) { if (probabilities && (best < 0 || probabilities[k] > probabilities[best])) { best = k; } }
              for (k = 0; k < rows.length; k++) {
                var p = probabilities ? probabilities[k] : 0;
                rows[k].querySelector(".fs-bar").style.width = (100 * p).toFixed(1) + "%";
                rows[k].querySelector(".fs-value").textContent = probabilities ? p.toFixed(3) : "–";
                rows[k].classList.toggle("winner", k === best);
              }
              el.setAttribute("data-prediction", best < 0 ? "" : String(best));
              el.setAttribute("data-state", probabilities ? "drawn" : "empty");
              answer.textContent = best < 0 ? "draw in the box" : "the network reads: " + config.classes[best] + " (" + (100 * probabilities[best]).toFixed(1) + "%)";
            }
            function showInput(x) {
              var s = seen.getContext("2d"), image = s.createImageData(28, 28);
              for (var i = 0; i < 784; i++) { var g = Math.round(255 * (x ? x[i] : 0)); image.data[i * 4] = image.data[i * 4 + 1] = image.data[i * 4 + 2] = g; image.data[i * 4 + 3] = 255; }
              s.putImageData(image, 0, 0);
            }
            function update() {
              pending = false;
              input = preprocess(ink(), pad.width, pad.height);
              showInput(input);
              show(input ? forward(net, input) : null);
            }
            function later() { if (!pending) { pending = true; if (window.requestAnimationFrame) { window.requestAnimationFrame(update); } else { setTimeout(update, 0); } } }
            function clear() { ctx.clearRect(0, 0, pad.width, pad.height); update(); }
            pad.addEventListener("pointerdown", function (e) {
              e.preventDefault();
              try { pad.setPointerCapture(e.pointerId); } catch (err) { /* synthetic events have no capturable pointer */ }
              last = point(e); pen(); ctx.beginPath(); ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, 2 * Math.PI); ctx.fill(); later();
            });
            pad.addEventListener("pointermove", function (e) {
              if (!last) { return; }
              e.preventDefault();
              var p = point(e); pen(); ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke(); last = p; later();
            });
            function end() { if (last) { last = null; update(); } }
            pad.addEventListener("pointerup", end);
            pad.addEventListener("pointercancel", end);
            el.querySelector(".fs-clear").addEventListener("click", clear);
            el.fromScratchDigit = { predict: function (x) { return Array.from(forward(net, x)); }, preprocess: preprocess, clear: clear, input: function () { return input; } };
            update();
            el.setAttribute("data-ready", "true");
          }
          window.FromScratchDigit = { attach: attach, forward: forward, preprocess: preprocess, decode: decode };
        })();
        """;
}
