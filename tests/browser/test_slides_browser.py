"""Every slide of every deck, projected at 1280x720 in a real (headless) Chromium: nothing overflows.

The decks are built with ``--offline`` (reveal.js, MathJax etc. from npm, fetched once into the
cache folder ``python -m course.slides --offline`` uses, then copied next to the decks) and
opened from disk, as a lecturer opens them; nothing may be fetched from the network. Once a deck
is laid out (MathJax typeset, type fitted), every slide is visited with reveal.js's API and
checked: its content, and every element in it, lies inside the slide and the window, no box clips
or scrolls its content, images loaded and MathJax reported no error.

    RMSPROP_REQUIRE_BROWSER=1 pytest tests/browser/test_slides_browser.py
    RMSPROP_SLIDE_SCREENSHOTS=shots pytest tests/browser/test_slides_browser.py   # keep a PNG of every slide

Without Playwright, Chromium or the npm assets (npm and the network once) the tests skip, unless
``RMSPROP_REQUIRE_BROWSER=1``.
"""
import os
import time
from pathlib import Path

import pytest

from course import slides

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
VIEWPORT = {"width": 1280, "height": 720}
TIMINGS = {}

# Runs in the page: what is wrong with the current slide (an empty list when nothing is).
CHECK_SLIDE = """function checkSlide(W, H) {
  const slide = Reveal.getCurrentSlide();
  const area = document.querySelector('.reveal .slides').getBoundingClientRect();  // the scaled slide
  const scale = Reveal.getScale();
  const problems = [];
  const describe = el => `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string'
      ? ' class="' + el.className.split(' ')[0] + '"' : ''}> "${(el.textContent || el.alt || '').trim().slice(0, 40)}"`;
  if (!slide.classList.contains('present')) problems.push('the slide is not shown');
  if (Math.abs(area.width - W * scale) > 2 || Math.abs(area.height - H * scale) > 2)
    problems.push(`the slide area is ${area.width}x${area.height}, expected ${W}x${H} scaled by ${scale}`);
  if (slide.scrollHeight > H + 1) problems.push(`content ${slide.scrollHeight}px high, the slide is ${H}px`);
  if (slide.scrollWidth > W + 1) problems.push(`content ${slide.scrollWidth}px wide, the slide is ${W}px`);
  const limits = {left: Math.max(area.left, 0), top: Math.max(area.top, 0),
                  right: Math.min(area.right, innerWidth), bottom: Math.min(area.bottom, innerHeight)};
  for (const el of slide.querySelectorAll('*')) {
    // Speaker notes are not shown; MathJax's copy for screen readers is clipped to nothing on purpose.
    if (el.closest('aside.notes, script, style, .MJX_Assistive_MathML')) continue;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if ((r.width === 0 && r.height === 0) || style.visibility === 'hidden') continue;
    const out = Math.max(limits.left - r.left, r.right - limits.right, limits.top - r.top, r.bottom - limits.bottom);
    if (out > 1) problems.push(`${describe(el)} sticks out of the slide by ${out.toFixed(0)}px`);
    if ((style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) ||
        (style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1))
      problems.push(`${describe(el)} clips or scrolls its content`);
  }
  for (const img of slide.querySelectorAll('img'))
    if (!img.closest('aside.notes') && (!img.complete || img.naturalWidth === 0))
      problems.push(`${describe(img)} did not load`);
  for (const err of slide.querySelectorAll('.MathJax_Error, .mjx-error, merror'))
    problems.push(`MathJax error: ${err.textContent.slice(0, 80)}`);
  if (!slide.textContent.trim() && !slide.querySelector('img')) problems.push('the slide is empty');
  return {problems, fit: slide.getAttribute('data-rs-fit')};
}"""

# Runs in the page: go to every slide in turn with reveal.js's API and check each one.
WALK = "([W, H]) => {\n" + CHECK_SLIDE + """
  return Reveal.getSlides().map(s => {
    const index = Reveal.getIndices(s);
    Reveal.slide(index.h, index.v || 0);
    return Object.assign({index}, checkSlide(W, H));
  });
}"""

# Runs in the page: check the current slide only.
CHECK_CURRENT = "([W, H]) => {\n" + CHECK_SLIDE + "\nreturn checkSlide(W, H); }"


def _missing(reason):
    if os.environ.get("RMSPROP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"RMSPROP_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """Every deck, built offline into a temporary folder (the npm assets are fetched once, then cached)."""
    try:
        assets = slides.fetch_assets()
    except RuntimeError as err:
        _missing(f"the slide assets are not available: {err}")
    out = tmp_path_factory.mktemp("decks")
    start = time.perf_counter()
    slides.export_all(out, offline=True, assets=assets)
    TIMINGS["build every deck"] = time.perf_counter() - start
    return out


@pytest.fixture
def projector(chromium):
    """A tab the size of a 1280x720 projector."""
    tab = chromium.new_page()
    tab.set_viewport_size(VIEWPORT)
    yield tab
    tab.close()


def screenshots_dir():
    wanted = os.environ.get("RMSPROP_SLIDE_SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        return Path(wanted)
    return None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_slide_fits_a_1280x720_projector(decks, projector, tmp_path, path):
    start = time.perf_counter()
    deck = decks / f"{path.stem}.slides.html"
    errors, remote = [], []
    projector.on("pageerror", lambda err: errors.append(str(err)))
    projector.on("request", lambda request: remote.append(request.url) if request.url.startswith("http") else None)
    projector.goto(deck.as_uri())
    projector.wait_for_function("() => document.documentElement.getAttribute('data-deck-ready') === 'true'",
                                timeout=60_000)
    results = projector.evaluate(WALK, [slides.WIDTH, slides.HEIGHT])
    expected = slides.count_slides(deck.read_text(encoding="utf-8"), vertical=True)
    assert projector.evaluate("() => Reveal.getTotalSlides()") == len(results) == expected
    keep = screenshots_dir()
    problems, shrunk = [], []
    for number, result in enumerate(results, 1):
        name = f"{path.stem}-{number:02d}.png"
        if result["problems"] or keep:
            projector.evaluate("([h, v]) => Reveal.slide(h, v)", [result["index"]["h"], result["index"].get("v") or 0])
        if result["problems"]:
            shot = tmp_path / name
            projector.screenshot(path=str(shot))
            problems.append(f"slide {number} ({shot}):\n    " + "\n    ".join(result["problems"][:6]))
        if keep:
            projector.screenshot(path=str(keep / name))
        if result["fit"] not in (None, "1.00"):
            shrunk.append(f"{number} ({result['fit']})")
    TIMINGS[path.stem] = time.perf_counter() - start
    print(f"{path.stem}: {len(results)} slides in {TIMINGS[path.stem]:.1f} s (deck build, all decks: "
          f"{TIMINGS['build every deck']:.1f} s); type shrunk to fit on slide(s) {', '.join(shrunk) or 'none'}")
    assert not errors, f"script errors in {deck.name}: {errors}"
    assert not remote, f"an offline deck fetched from the network: {remote[:5]}"
    assert not problems, f"{deck.name}: {len(problems)} of {len(results)} slides do not fit 1280x720:\n" \
        + "\n".join(problems)


def test_a_slide_that_overflows_is_reported(projector, decks, tmp_path):
    """The check above finds content larger than the slide (a deck whose figure is made too tall)."""
    deck = decks / f"{NOTEBOOKS[0].stem}.slides.html"
    broken = decks / "overflowing.slides.html"
    html = deck.read_text(encoding="utf-8")
    style = "<style>.reveal img.rs-figure { height: 1400px !important; width: auto !important; }</style></head>"
    broken.write_text(html.replace("</head>", style, 1), encoding="utf-8")
    projector.goto(broken.as_uri())
    projector.wait_for_function("() => document.documentElement.getAttribute('data-deck-ready') === 'true'",
                                timeout=60_000)
    figure = projector.evaluate("""() => { const s = document.querySelector('section[data-rs-layout="figure"]');
                                           return s && Reveal.getIndices(s); }""")
    assert figure is not None, "the first deck has no figure slide"
    projector.evaluate("([h, v]) => Reveal.slide(h, v)", [figure["h"], figure.get("v") or 0])
    result = projector.evaluate(CHECK_CURRENT, [slides.WIDTH, slides.HEIGHT])
    assert any("sticks out of the slide" in p for p in result["problems"]), result
    assert any(p.startswith("content ") and "high" in p for p in result["problems"]), result
    broken.unlink()
