"""The website of the series in a real (headless) Chromium, served from 127.0.0.1.

The site is built once (``tools/build_book.py``) into a temporary folder and served by a small
local HTTP server; every request to any other address is refused and recorded, so the pages must
work without internet (only the launch badges' images come from the web, and show as their text).
For each notebook's page: it renders with its title, every maths element is typeset by MathJax
(no TeX errors), every figure loads (naturalWidth > 0), collapsed solutions open on a click, no
script error. Then the previous/next links are followed through the whole series and back, the
sidebar's table of contents and a title cell's own links are clicked, and the zip is downloaded.

    RMSPROP_REQUIRE_BROWSER=1 pytest tests/browser/test_book_browser.py

Without Playwright, a Chromium or the website's requirements (book/requirements.txt) the tests
skip and say why, unless RMSPROP_REQUIRE_BROWSER=1 (then they fail). A screenshot of each page
goes to $RMSPROP_BOOK_SCREENSHOTS (default: a temporary folder, named in the output of ``-s``).
"""
import functools
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SPEC = importlib.util.spec_from_file_location("build_book", ROOT / "tools" / "build_book.py")
build_book = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(build_book)


def _missing(reason):
    if os.environ.get("RMSPROP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"RMSPROP_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason} (set RMSPROP_REQUIRE_BROWSER=1 to make this a failure)")


def stored(path):
    """Title, number of stored figures, collapsed solutions and badge images of a stored notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    src = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]
    first_md = next(s for s, c in zip(src, nb["cells"]) if c["cell_type"] == "markdown")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return {
        "title": re.search(r"^# (.+)$", first_md, re.MULTILINE).group(1).strip(),
        "figures": sum("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", [])),
        "solutions": sum(bool(c.get("metadata", {}).get("jupyter", {}).get("source_hidden")) for c in code),
        "badges": re.findall(r"\[!\[[^\]]*\]\(([^)]+)\)\]\(", first_md),
        "math": any(re.search(r"\$[^$]+\$", s) for s, c in zip(src, nb["cells"]) if c["cell_type"] == "markdown"),
    }


@pytest.fixture(scope="module")
def book_chromium():
    """A Playwright browser on the system Chromium (a fresh profile each run)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is not installed")
    executable = os.environ.get("RMSPROP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(executable, os.X_OK):
        _missing(f"no Chromium at {executable}")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    except Exception as err:  # a browser that does not start is a missing browser
        playwright.stop()
        _missing(f"Chromium at {executable} did not start: {str(err).splitlines()[0]}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="module")
def book_site(book_chromium, tmp_path_factory):
    """The website, built and served on 127.0.0.1: its folder and address."""
    try:
        import myst_nb  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError as err:
        _missing(f"the website's requirements are not installed ({err.name}; pip install -r book/requirements.txt)")
    out = tmp_path_factory.mktemp("book-browser") / "html"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"the website did not build:\n{done.stdout}\n{done.stderr}"

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def screenshots():
    folder = os.environ.get("RMSPROP_BOOK_SCREENSHOTS") or tempfile.mkdtemp(prefix="rmsprop-book-screenshots-")
    Path(folder).mkdir(parents=True, exist_ok=True)
    print(f"\nwebsite screenshots: {folder}")
    return Path(folder)


@pytest.fixture
def book_page(book_chromium, book_site):
    """A fresh tab that may only reach the local server; ``tab.outside`` lists what else it asked for."""
    context = book_chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    base = book_site[1]
    tab.outside, tab.errors = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base + "/"):
            request_route.continue_()
        else:
            tab.outside.append(url)
            request_route.abort()

    tab.route("**/*", route)
    tab.on("pageerror", lambda err: tab.errors.append(str(err)))
    tab.on("console", lambda msg: msg.type == "error" and "net::ERR_FAILED" not in msg.text
           and tab.errors.append(msg.text))
    yield tab
    context.close()


# Runs in the page once MathJax has finished: what it typeset, and the figures.
PAGE_STATE = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const local = [...document.querySelectorAll('article img')].filter(i => i.src.startsWith(location.origin));
  await Promise.all(local.map(i => i.decode().catch(() => null)));
  const math = [...document.querySelectorAll('article .math')];
  return {
    h1: document.querySelector('article h1').innerText.replace(/#$/, '').trim(),
    mathjax: !!(window.MathJax && MathJax.version),
    math: math.length,
    typeset: math.filter(m => m.querySelector('mjx-container')).length,
    texErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent),
    images: local.map(i => [i.getAttribute('src'), i.naturalWidth]),
    solutions: [...document.querySelectorAll('details.hide.above-input')].map(d => d.open),
  };
}"""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_page_renders_maths_and_figures(book_site, book_page, screenshots, path):
    expected = stored(path)
    book_page.goto(f"{book_site[1]}/notebooks/{path.stem}.html")
    state = book_page.evaluate(PAGE_STATE)
    book_page.screenshot(path=str(screenshots / f"{path.stem}.png"))

    assert state["h1"] == expected["title"]
    if expected["math"]:
        assert state["mathjax"], "MathJax did not load"
        assert state["math"] > 0 and state["typeset"] == state["math"], state
        assert not state["texErrors"], state["texErrors"]
    assert len(state["images"]) >= expected["figures"]
    broken = [src for src, width in state["images"] if width == 0]
    assert not broken, f"figures that did not load: {broken}"
    assert state["solutions"] == [False] * expected["solutions"]
    if expected["solutions"]:
        # A click on the summary shows the solution's code.
        details = book_page.locator("details.hide.above-input").first
        details.locator("summary").click()
        assert details.evaluate("d => d.open") and details.locator("pre").first.is_visible()
    # The only requests for other addresses are the badge images (shown as their text offline).
    assert sorted(set(book_page.outside)) == sorted(set(expected["badges"])), book_page.outside
    assert not book_page.errors, book_page.errors


def test_previous_and_next_walk_the_series(book_site, book_page, screenshots):
    titles = [stored(p)["title"] for p in NOTEBOOKS]
    book_page.goto(f"{book_site[1]}/index.html")          # the site's address opens notebook 00
    book_page.wait_for_url(f"**/notebooks/{NOTEBOOKS[0].stem}.html")

    def title():
        return book_page.locator("article h1").inner_text().rstrip("#").strip()

    assert title() == titles[0]
    assert book_page.locator(".prev-next-area a.left-prev").count() == 0
    for path, expected in zip(NOTEBOOKS[1:], titles[1:]):
        book_page.locator(".prev-next-area a.right-next").click()
        book_page.wait_for_url(f"**/notebooks/{path.stem}.html", wait_until="domcontentloaded")
        assert title() == expected
    assert book_page.locator(".prev-next-area a.right-next").count() == 0
    book_page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    book_page.screenshot(path=str(screenshots / "last-page-bottom.png"))
    for path, expected in zip(NOTEBOOKS[-2::-1], titles[-2::-1]):
        book_page.locator(".prev-next-area a.left-prev").click()
        book_page.wait_for_url(f"**/notebooks/{path.stem}.html", wait_until="domcontentloaded")
        assert title() == expected
    assert not book_page.errors, book_page.errors


def test_table_of_contents_and_title_links(book_site, book_page):
    """The sidebar lists the series in order and each entry opens its page; so do a title cell's links."""
    titles = [stored(p)["title"] for p in NOTEBOOKS]
    book_page.goto(f"{book_site[1]}/notebooks/{NOTEBOOKS[0].stem}.html")
    entries = book_page.locator(".bd-sidebar-primary nav.bd-links a.reference")
    assert [e.strip() for e in entries.all_inner_texts()] == titles
    last = NOTEBOOKS[-1]
    entries.nth(len(NOTEBOOKS) - 1).click()
    book_page.wait_for_url(f"**/notebooks/{last.stem}.html")
    # The title cell's own "previous" link (from the stored notebook) leads to the notebook before.
    book_page.locator("article a", has_text="previous").first.click()
    book_page.wait_for_url(f"**/notebooks/{NOTEBOOKS[-2].stem}.html")
    book_page.locator("article a", has_text="Series map").first.click()
    book_page.wait_for_url(f"**/notebooks/{NOTEBOOKS[0].stem}.html")


def test_download_all_notebooks_as_one_zip(book_site, book_page, tmp_path):
    book_page.goto(f"{book_site[1]}/notebooks/{NOTEBOOKS[3].stem}.html")
    with book_page.expect_download() as info:
        book_page.locator(".sidebar-download-zip a").click()
    download = info.value
    assert download.suggested_filename == build_book.notebooks_zip_name()
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = sorted(Path(n).name for n in archive.namelist())
    assert names == [p.name for p in NOTEBOOKS]
