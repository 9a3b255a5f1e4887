"""Opens a nanomix report in headless Chromium (Debian's chromium) and checks that it renders.

- Every section named on the command line is in the rendered DOM and holds content (a plot, an
  image or a table).
- No console errors: a copy of the page gets a small script that reports, as console errors, any
  image that failed to decode and any SVG that did not lay out; Chromium's log is searched for them.
- The page loads nothing from the network (it is self-contained).
- The movie player (when the page has one) changes frame on a click of its "next" button: the
  frame counter moves and every panel's image changes; its overlay toggles draw marks.
- With NANOMIX_SCREENSHOTS=DIR, a PNG of each named section is written to DIR/<section>.png.
usage: report_chromium.py REPORT.html SECTION_ID [SECTION_ID …]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

report, sections = sys.argv[1], sys.argv[2:]
chromium = shutil.which("chromium") or "/usr/bin/chromium"

CHECK = """<script>
window.addEventListener('load', () => {
  let bad = 0;
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) { console.error('image failed: ' + img.alt); bad++; }
  }
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBBox();
    if (!(box.width > 0 && box.height > 0)) { console.error('empty svg'); bad++; }
  }
  let player = 'none';
  const players = Array.from(document.querySelectorAll('div.player'));
  players.forEach((root, p) => {
    const imgs = Array.from(root.querySelectorAll('img.frame'));
    const before = imgs.map(i => i.src), frame0 = root.dataset.frame;
    root.querySelector('button.next').click();
    const single = root.querySelector('input.slider').max === '0';
    const moved = single ? 'single' : root.dataset.frame === '1' && frame0 === '0' && imgs.every((img, k) => img.src !== before[k]);
    if (!moved) { console.error('player ' + p + ' did not change frame on a click'); bad++; }
    const box = root.querySelector('input.show-atoms'), cols = root.querySelector('input.show-columns');
    box.click(); cols.click();
    const marks = root.querySelectorAll('g.marks circle').length;
    const slider = root.querySelector('input.slider');
    slider.value = slider.max; slider.dispatchEvent(new Event('input'));
    const last = root.dataset.frame === slider.max;
    if (!last) { console.error('player ' + p + ' slider did not move to the last frame'); bad++; }
    player = (p ? player + ';' : '') + 'frames=' + (parseInt(slider.max, 10) + 1) + ',click=' + moved + ',marks=' + marks;
  });
  console.log('nanomix-check images=' + document.images.length + ' svgs=' +
              document.querySelectorAll('svg').length + ' player=' + player + ' bad=' + bad);
});
</script>"""

with open(report, encoding="utf-8") as f:
    html = f.read()
assert not re.search(r'(src|href)="(https?:)?//', html), "the report refers to the network"

with tempfile.TemporaryDirectory() as tmp:
    page = os.path.join(tmp, "report.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", CHECK + "</body>"))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp}/profile", "--enable-logging=stderr", "--v=0",
             "--virtual-time-budget=5000"]
    run = subprocess.run([chromium, *flags, "--dump-dom", "file://" + page],
                         capture_output=True, text=True, timeout=120)
    dom, log = run.stdout, run.stderr
    assert run.returncode == 0, f"chromium failed: {log[-2000:]}"
    console = [l for l in log.splitlines() if "CONSOLE" in l]
    errors = [l for l in console if "image failed" in l or "empty svg" in l or "Uncaught" in l or "player" in l and "did not" in l
              or ":ERROR:" in l and "CONSOLE" in l]
    assert not errors, "console errors:\n" + "\n".join(errors)
    summary = [l for l in console if "nanomix-check" in l]
    assert summary, "the check script did not run:\n" + log[-3000:]
    print(summary[0].split('"')[1] if '"' in summary[0] else summary[0])
    for p in range(html.count('<div class="player">')):
        one = summary[0].split("player=")[1].split(" ")[0].split(";")
        assert len(one) > p and ("click=true" in one[p] or "click=single" in one[p]), "player %d did not respond to a click: %s" % (p, summary[0])

    shots = os.environ.get("NANOMIX_SCREENSHOTS")
    if shots:
        os.makedirs(shots, exist_ok=True)
        for sec in sections:
            only = os.path.join(tmp, f"only_{sec}.html")
            css = f"<style>nav, h1, section:not(#{sec}) {{display:none}} body{{margin-top:0}}</style>"
            with open(only, "w", encoding="utf-8") as f:
                # the player's overlays on, so the screenshot shows them
                on = ("<script>window.addEventListener('load', () => document.querySelectorAll("
                      "'div.player input[type=checkbox]').forEach(b => b.click()));</script>")
                f.write(html.replace("</head>", css + "</head>").replace("</body>", on + "</body>"))
            out = os.path.abspath(os.path.join(shots, f"{sec}.png"))
            # the comparison section is long (up to three tests, then the power plots): a taller page
            height = 3600 if sec == "compare" else 2000
            subprocess.run([chromium, *flags, "--hide-scrollbars", f"--window-size=1150,{height}",
                            f"--screenshot={out}", "file://" + only], capture_output=True, text=True, timeout=120)
            assert os.path.exists(out), f"no screenshot of {sec}"
            print("screenshot:", out)

class Sections(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.content = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.stack.append(attrs.get("id"))
            self.content[attrs.get("id")] = 0
        elif self.stack and tag in ("svg", "img", "table"):
            self.content[self.stack[-1]] += 1

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()

parser = Sections()
parser.feed(dom)
for s in sections:
    assert s in parser.content, f"section {s} is missing from the rendered page ({list(parser.content)})"
    assert parser.content[s] > 0, f"section {s} rendered with no plot, image or table"
print("report renders in Chromium:", ", ".join(f"{s} ({parser.content[s]} items)" for s in sections))
