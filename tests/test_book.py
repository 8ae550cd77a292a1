"""The website of the series (``python tools/build_book.py``), built once into a temporary folder.

Every expectation is read from the stored notebooks themselves: each notebook has a page with its
title, its stored figures (the same PNG bytes), its printed outputs, its maths, its launch badges and
its collapsed solutions; the pages link to each other in the series' order, every link on the site
resolves, nothing is loaded from the web but the badge images, and the zip holds every notebook.

Needs the website's requirements (``pip install -r book/requirements.txt``) and MathJax (npm, once).
Without them these tests skip and say why, unless ``RMSPROP_REQUIRE_BOOK=1`` (then they fail).
"""
import base64
import functools
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SPEC = importlib.util.spec_from_file_location("build_book", ROOT / "tools" / "build_book.py")
build_book = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(build_book)


def _missing(reason):
    if os.environ.get("RMSPROP_REQUIRE_BOOK") == "1":
        pytest.fail(f"RMSPROP_REQUIRE_BOOK=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason} (pip install -r book/requirements.txt; set RMSPROP_REQUIRE_BOOK=1 to make this a failure)")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def text(value):
    return "".join(value) if isinstance(value, list) else value


def stored(path):
    """What the stored notebook says the page must show."""
    nb = load(path)
    first_md = next(text(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    title = re.search(r"^# (.+)$", first_md, re.MULTILINE).group(1).strip()
    badges = re.findall(r"\[!\[[^\]]*\]\(([^)]+)\)\]\(([^)]+)\)", first_md)   # (image, link) pairs
    pngs, streams, hidden = [], [], 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        hidden += bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                pngs.append(base64.b64decode(text(out["data"]["image/png"])))
            if out["output_type"] == "stream":
                streams.append(text(out["text"]))
    has_math = any(re.search(r"\$[^$]+\$", text(c["source"])) for c in nb["cells"] if c["cell_type"] == "markdown")
    return {"title": title, "badges": badges, "pngs": pngs, "streams": streams, "hidden": hidden,
            "has_math": has_math}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built website: (folder, seconds the build took)."""
    try:
        import bs4  # noqa: F401 (nbconvert's dependency, used to read the pages)
        import myst_nb  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError as err:
        _missing(f"the website's requirements are not installed ({err.name})")
    try:
        build_book.find_mathjax()
    except build_book.BuildError as err:
        _missing(str(err))
    out = tmp_path_factory.mktemp("book") / "html"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, f"the build failed:\n{done.stdout}\n{done.stderr}"
    assert f"in {out}" in done.stdout, done.stdout
    return out, seconds


@functools.lru_cache(maxsize=None)
def parse(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")


def page(site, path):
    html = site[0] / "notebooks" / f"{path.stem}.html"
    assert html.is_file(), f"no page for {path.name}"
    return html, parse(html)


def local_target(html, ref):
    """The file a relative href/src of ``html`` points at, or None for a web address."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    return (html.parent / unquote(parts.path)).resolve() if parts.path else html


def test_build_is_quick_and_complete(site):
    out, seconds = site
    pages = sorted(p.stem for p in (out / "notebooks").glob("*.html"))
    assert pages == [p.stem for p in NOTEBOOKS]
    assert (out / build_book.MARKER).is_file()
    assert seconds < 120, f"the website took {seconds:.0f} s to build"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_page_shows_the_stored_notebook(site, path):
    html, soup = page(site, path)
    expected = stored(path)
    assert soup.find("h1").get_text(" ", strip=True).rstrip("#").strip() == expected["title"]

    # The figures are the stored ones, byte for byte, and every image of the site's own exists.
    shown = []
    for img in soup.find_all("img"):
        target = local_target(html, img["src"])
        if target is None:
            continue
        assert target.is_file(), f"{path.stem}: missing image {img['src']}"
        shown.append(target.read_bytes())
    for png in expected["pngs"]:
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert png in shown, f"{path.stem}: a stored figure is not on the page"

    # Printed outputs are shown as stored (nothing was re-executed).
    body = soup.get_text()
    for stream in expected["streams"]:
        for line in stream.strip().splitlines()[:3]:
            assert line.strip() in body, f"{path.stem}: stored output line {line!r} not on the page"

    # Launch badges: the stored links, with the stored images.
    for image, link in expected["badges"]:
        anchor = soup.find("a", href=link)
        assert anchor is not None and anchor.find("img", src=image) is not None, f"{path.stem}: badge {link}"

    # Maths is left to MathJax (served by the site itself) and collapsed solutions stay collapsed.
    if expected["has_math"]:
        assert soup.select(".math"), f"{path.stem}: no maths on the page"
        scripts = [s["src"] for s in soup.find_all("script", src=True) if "mathjax" in s["src"].lower()]
        targets = [local_target(html, src.split("?")[0]) for src in scripts]
        assert len(targets) == 1 and targets[0] is not None and targets[0].is_file(), \
            f"{path.stem}: MathJax must be one file of the site itself, got {scripts}"
    solutions = soup.select("details.hide.above-input")
    assert len(solutions) == expected["hidden"]
    assert all(not d.has_attr("open") for d in solutions)


def test_navigation_follows_the_series(site):
    """Previous/next at the foot of each page, and the sidebar, go through the notebooks in order."""
    names = [p.stem for p in NOTEBOOKS]
    for i, path in enumerate(NOTEBOOKS):
        html, soup = page(site, path)
        prev, nxt = soup.select_one(".prev-next-area a.left-prev"), soup.select_one(".prev-next-area a.right-next")
        assert (prev["href"] if prev else None) == (f"{names[i - 1]}.html" if i > 0 else None), path.stem
        assert (nxt["href"] if nxt else None) == (f"{names[i + 1]}.html" if i + 1 < len(names) else None), path.stem
        sidebar = [local_target(html, a["href"]) for a in soup.select(".bd-sidebar-primary nav a.reference")]
        assert [t.stem for t in sidebar if t.suffix == ".html"] == names, path.stem
    index = (site[0] / "index.html").read_text(encoding="utf-8")
    assert 'url=notebooks/00_start_here.html"' in index


def test_every_link_and_asset_of_the_site_resolves(site):
    """Each relative href/src points at a file (and an existing id); only the badges come from the web."""
    out = site[0]
    badge_images = {img for p in NOTEBOOKS for img, _ in stored(p)["badges"]}
    ids = {}
    checked = 0
    for html in sorted(p for p in out.rglob("*.html") if "_static" not in p.relative_to(out).parts):
        soup = parse(html)
        for tag, attr in (("a", "href"), ("img", "src"), ("script", "src"), ("link", "href")):
            for node in soup.find_all(tag, **{attr: True}):
                ref = node[attr]
                target = local_target(html, ref)
                if target is None:
                    if tag != "a":
                        assert ref in badge_images, f"{html.name} loads {ref} from the web"
                    continue
                assert target.exists(), f"{html.relative_to(out)}: {attr}={ref!r} points at nothing"
                fragment = urlsplit(ref).fragment
                if tag == "a" and fragment and target.suffix == ".html":
                    if target not in ids:
                        ids[target] = {n["id"] for n in parse(target).find_all(id=True)}
                    assert fragment in ids[target], f"{html.relative_to(out)}: no #{fragment} in {target.name}"
                checked += 1
    assert checked > 100


def test_zip_holds_every_notebook(site):
    out = site[0]
    name = build_book.notebooks_zip_name()
    folder = name.removesuffix(".zip")
    with zipfile.ZipFile(out / name) as archive:
        assert archive.testzip() is None
        names = sorted(archive.namelist())
        assert names == [f"{folder}/{p.name}" for p in NOTEBOOKS]
        for p in NOTEBOOKS:
            assert archive.read(f"{folder}/{p.name}") == p.read_bytes(), f"{p.name} differs in the zip"
    # Every page links to it.
    for path in NOTEBOOKS:
        html, soup = page(site, path)
        link = soup.select_one(".sidebar-download-zip a[download]")
        assert link is not None and local_target(html, link["href"]) == (out / name).resolve(), path.stem


def test_zip_is_reproducible(tmp_path):
    snapshot = {p.name: p.read_bytes() for p in NOTEBOOKS}
    build_book.write_zip(tmp_path / "a.zip", snapshot, "series")
    build_book.write_zip(tmp_path / "b.zip", dict(reversed(list(snapshot.items()))), "series")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO((tmp_path / "a.zip").read_bytes())) as archive:
        assert archive.namelist() == [f"series/{n}" for n in sorted(snapshot)]
        # No clock and no file-system metadata in it: the same notebooks give the same file on any day.
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("make_out, message", [
    (lambda tmp: "", "out must be a folder"),
    (lambda tmp: "   ", "out must be a folder"),
    (lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt", "is a file"),
    (lambda tmp: (tmp / "mine").mkdir() or (tmp / "mine" / "notes.txt").write_text("keep") and tmp / "mine",
     "has other files"),
    (lambda tmp: ROOT, "must not be the checkout"),
    (lambda tmp: ROOT / "notebooks", "must not be the checkout"),
])
def test_build_refuses_an_output_folder_it_would_damage(tmp_path, capsys, make_out, message):
    out = make_out(tmp_path)
    before = sorted(p.name for p in Path(out).iterdir()) if str(out).strip() and Path(out).is_dir() else None
    assert build_book.main(["--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.startswith("build_book: "), err
    if before is not None:
        assert sorted(p.name for p in Path(out).iterdir()) == before


def test_build_refuses_a_mathjax_folder_without_mathjax(tmp_path):
    with pytest.raises(ValueError, match="mathjax must be a folder where 'npm install"):
        build_book.find_mathjax(tmp_path)
    with pytest.raises(ValueError, match="mathjax must be a folder"):
        build_book.find_mathjax("")
    es5 = tmp_path / "node_modules" / "mathjax" / "es5"
    es5.mkdir(parents=True)
    (es5 / "tex-chtml.js").write_text("")
    (es5.parent / "package.json").write_text('{"version": "2.7.9"}')
    with pytest.raises(ValueError, match="mathjax must hold MathJax 3.*has version 2.7.9"):
        build_book.find_mathjax(tmp_path)
    (es5.parent / "package.json").write_text('{"version": "3.2.2"}')
    assert build_book.find_mathjax(tmp_path) == es5


def test_build_without_npm_or_mathjax_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(build_book.BuildError, match="install npm, or run 'npm install --prefix DIR mathjax@"):
        build_book.find_mathjax()


def test_build_refuses_a_broken_notebook(tmp_path):
    (tmp_path / "00_start_here.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(build_book.BuildError, match=r"notebooks/00_start_here.ipynb is not a valid notebook"):
        build_book._snapshot_notebooks(tmp_path)
    with pytest.raises(build_book.BuildError, match="no notebooks"):
        build_book._snapshot_notebooks(tmp_path / "nothing")
