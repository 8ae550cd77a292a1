"""Slide metadata in every notebook, and the reveal.js decks exported from them."""
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rmsprop_lib import slides

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def text(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def slide_type(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def heading_level(cell):
    """2 for a markdown cell that starts with '## ', 3 for '### ', else None."""
    if cell["cell_type"] != "markdown":
        return None
    m = re.match(r"(#{1,6}) ", text(cell).lstrip())
    return len(m.group(1)) if m else None


def is_solution(cell):
    return cell.get("metadata", {}).get("jupyter", {}).get("source_hidden") is True


def expected_skip(cells):
    """Indices of the cells the rule says to skip: setup, and every exercise cell of 'Your turn'."""
    skip = set()
    section = None
    for i, cell in enumerate(cells):
        if heading_level(cell) == 2:
            section = text(cell).lstrip()[3:].strip().lower()
            continue
        if cell["cell_type"] == "code" and "google.colab" in text(cell):
            skip.add(i)
        if is_solution(cell) or (cell["cell_type"] == "code" and "raise NotImplementedError" in text(cell)):
            skip.add(i)
        if section is not None and section.startswith("your turn"):
            if cell["cell_type"] == "code" or text(cell).lstrip().lower().startswith("solution"):
                skip.add(i)
    return skip


def rule_violations(nb):
    """Cells whose slide metadata breaks CONTRIBUTING.md's rule, as readable strings."""
    cells = nb["cells"]
    problems = []
    skip = expected_skip(cells)
    for i, cell in enumerate(cells):
        kind = slide_type(cell)
        first = text(cell).strip().splitlines()[0][:50] if text(cell).strip() else ""
        where = f"cell {i} ({first!r})"
        if kind is None:
            problems.append(f"{where}: no slideshow.slide_type")
            continue
        if kind not in {"slide", "subslide", "fragment", "skip", "notes", "-"}:
            problems.append(f"{where}: unknown slide_type {kind!r}")
        if i == 0:
            want = "slide"
        elif heading_level(cell) == 2:
            want = "slide"
        elif heading_level(cell) == 3:
            want = "subslide"
        elif i in skip:
            want = "skip"
        elif kind in {"slide", "subslide"}:
            problems.append(f"{where}: {kind} on a cell that is not a ## or ### heading")
            continue
        else:
            continue
        if kind != want:
            problems.append(f"{where}: slide_type {kind!r}, the rule says {want!r}")
    return problems


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_cell_carries_slide_metadata_by_the_rule(path):
    problems = rule_violations(load(path))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_the_rule_checker_catches_each_kind_of_mistake():
    def cell(kind, source, slide, **meta):
        md = {"slideshow": {"slide_type": slide}} if slide else {}
        md.update(meta)
        return {"cell_type": kind, "metadata": md, "source": source}

    good = [cell("markdown", "# 1. Title", "slide"), cell("markdown", "## What you will learn", "slide"),
            cell("code", 'import sys\nif "google.colab" in sys.modules:\n    pass', "skip"),
            cell("markdown", "### Detail", "subslide"), cell("code", "plt.show()", "fragment"),
            cell("markdown", "## Your turn", "slide"), cell("markdown", "Write the step.", "-"),
            cell("code", "raise NotImplementedError", "skip"), cell("code", "check(step)", "skip"),
            cell("markdown", "Solution (click the cell to expand)", "skip"),
            cell("code", "def step(): ...", "skip", jupyter={"source_hidden": True}),
            cell("markdown", "## Quiz", "slide")]
    assert rule_violations({"cells": good}) == []
    for index, wrong in [(1, "-"), (2, "-"), (3, "slide"), (4, "slide"), (8, "-"), (9, "fragment"), (10, "-")]:
        cells = [dict(c, metadata=json.loads(json.dumps(c["metadata"]))) for c in good]
        cells[index]["metadata"]["slideshow"]["slide_type"] = wrong
        assert any(p.startswith(f"cell {index} ") for p in rule_violations({"cells": cells})), (index, wrong)
    cells = [dict(c) for c in good]
    cells[6] = cell("markdown", "Write the step.", None)
    assert rule_violations({"cells": cells}) == ["cell 6 ('Write the step.'): no slideshow.slide_type"]


class _Text(HTMLParser):
    """The visible text of a deck (what is inside <script> and <style> is left out)."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html):
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def code_lines(cell):
    """Distinctive lines of a code cell (long enough that they cannot appear by chance)."""
    return [line.strip() for line in text(cell).splitlines() if len(line.strip()) >= 25 and not line.strip().startswith("#")]


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    result = subprocess.run([sys.executable, "-m", "rmsprop_lib.slides", "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_the_command_exports_one_deck_per_notebook(decks):
    out, stdout = decks
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.stem}.slides.html" for p in NOTEBOOKS)
    assert f"{len(NOTEBOOKS)} deck(s) in" in stdout
    for i, path in enumerate(NOTEBOOKS, 1):
        assert f"[{i}/{len(NOTEBOOKS)}] {path.stem}.slides.html (" in stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_deck_has_a_sensible_number_of_slides_and_no_solutions(decks, path):
    out, _ = decks
    html = (out / f"{path.stem}.slides.html").read_text(encoding="utf-8")
    cells = load(path)["cells"]
    sections = sum(heading_level(c) == 2 for c in cells)
    shown = [c for c in cells if slide_type(c) not in ("skip", "notes")]
    count = slides.count_slides(html)
    assert count == sum(slide_type(c) == "slide" for c in cells) or (count == 1 and sections == 0)
    assert sections + 1 <= count <= len(shown), (count, sections, len(shown))
    assert html.count('class="fragment"') == sum(slide_type(c) == "fragment" for c in cells)
    assert "reveal.js" in html and "Reveal.initialize" in html
    # The title slide comes first.
    title = re.search(r"^# (.+)$", text(cells[0]), re.MULTILINE).group(1).strip()
    body = visible_text(html)
    assert title in body[: body.find("What you will learn")] if "What you will learn" in body else title in body
    # Exercise solutions (and stubs, checkers) are skipped; a visible code cell is there.
    skipped = [c for c in cells if c["cell_type"] == "code" and slide_type(c) == "skip"]
    for cell in skipped:
        if is_solution(cell):
            for line in code_lines(cell):
                assert line not in body, f"solution line in the deck: {line!r}"
    visible_code = [line for c in cells if c["cell_type"] == "code" and slide_type(c) not in ("skip", "notes")
                    for line in code_lines(c)]
    if visible_code:
        assert visible_code[0] in body
    # Figures travel inside the deck.
    stored_images = sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", [])
                        if slide_type(c) not in ("skip", "notes"))
    assert html.count('src="data:image/png;base64,') >= stored_images


def test_count_slides_counts_only_top_level_sections():
    html = "<div class='slides'><section><section>a</section><section>b</section></section><section>c</section></div>"
    assert slides.count_slides(html) == 2


def test_offline_export_copies_the_assets_and_loads_nothing_from_a_cdn(tmp_path):
    assets = tmp_path / "assets" / "node_modules"
    for src, _ in slides._ASSET_FILES:
        p = assets / src
        if "." in p.name and not p.name.startswith("reveal"):
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("// stand-in\n")
        else:
            p.mkdir(parents=True, exist_ok=True)
            (p / "stand-in.js").write_text("// stand-in\n")
    out = tmp_path / "decks"
    result = subprocess.run([sys.executable, "-m", "rmsprop_lib.slides", "--out", str(out), "--offline",
                             "--assets", str(tmp_path / "assets"), NOTEBOOKS[0].stem],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (out / "_assets" / "reveal.js" / "dist" / "stand-in.js").is_file()
    assert (out / "_assets" / "require.js").is_file() and (out / "_assets" / "mermaid-stub.mjs").is_file()
    html = (out / f"{NOTEBOOKS[0].stem}.slides.html").read_text(encoding="utf-8")
    loaded = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"from '([^']+)'", html) \
        + re.findall(r'"([^"]*reveal[^"]*\.js)"', html)
    remote = [u for u in loaded if u.startswith(("http://", "https://", "//")) and not u.startswith(
        ("https://colab.research.google.com", "https://mybinder.org", "https://github.com"))]
    remote = [u for u in remote if not re.search(r"\.(svg|png)$|badge", u)]  # badge images are links, not code
    assert not [u for u in remote if re.search(r"\.(js|css|mjs)(\?|$)", u)], remote
    assert '"_assets/reveal.js/dist/reveal.js"' in html


def test_offline_export_with_incomplete_assets_is_refused(tmp_path):
    (tmp_path / "assets" / "node_modules" / "reveal.js").mkdir(parents=True)
    result = subprocess.run([sys.executable, "-m", "rmsprop_lib.slides", "--out", str(tmp_path / "o"), "--offline",
                             "--assets", str(tmp_path / "assets")], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert "assets must hold the npm packages" in result.stderr and "reveal.js/dist" in result.stderr
