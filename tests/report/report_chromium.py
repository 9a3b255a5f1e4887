"""Opens a nanomix report in headless Chromium (Debian's chromium) and checks that it renders.

- Every section named on the command line is in the rendered DOM and holds content (a plot, an
  image or a table).
- No console errors: a copy of the page gets a small script that reports, as console errors, any
  image that failed to decode and any SVG that did not lay out; Chromium's log is searched for them.
- The page loads nothing from the network (it is self-contained).
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
  console.log('nanomix-check images=' + document.images.length + ' svgs=' +
              document.querySelectorAll('svg').length + ' bad=' + bad);
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
    errors = [l for l in console if "image failed" in l or "empty svg" in l or "Uncaught" in l]
    assert not errors, "console errors:\n" + "\n".join(errors)
    summary = [l for l in console if "nanomix-check" in l]
    assert summary, "the check script did not run:\n" + log[-3000:]
    print(summary[0].split('"')[1] if '"' in summary[0] else summary[0])

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
