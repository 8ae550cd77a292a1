"""Slide metadata in every notebook, the reveal.js decks laid out from them, and the command line."""
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from course import slides
from course.slides import assets as slide_assets, text as slide_text

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
    """Cells whose slide metadata breaks the rule the decks rely on, as readable strings.

    The deck builder lays the slides out from the headings and outputs; from the metadata it takes
    only what to leave out. So: the setup cell and every exercise cell (stub, checker, solution) are
    ``skip``; the title and the headings are not hidden (``skip`` or ``notes``); every slide type is
    one nbconvert knows.
    """
    cells = nb["cells"]
    problems = []
    skip = expected_skip(cells)
    for i, cell in enumerate(cells):
        kind = slide_type(cell)
        first = text(cell).strip().splitlines()[0][:50] if text(cell).strip() else ""
        where = f"cell {i} ({first!r})"
        if kind not in {None, "slide", "subslide", "fragment", "skip", "notes", "-"}:
            problems.append(f"{where}: unknown slide_type {kind!r}")
        if i in skip and kind != "skip":
            problems.append(f"{where}: slide_type {kind!r}, but the setup cell and exercise cells are 'skip'")
        if (i == 0 or heading_level(cell) in (1, 2, 3)) and kind in ("skip", "notes"):
            problems.append(f"{where}: slide_type {kind!r} would hide a title or heading from the deck")
    return problems


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_slide_metadata_leaves_out_the_exercises_and_hides_no_heading(path):
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
    for index, wrong in [(0, "skip"), (1, "notes"), (2, "-"), (3, "skip"), (7, "fragment"), (8, "-"),
                         (9, "fragment"), (10, "-"), (4, "bogus")]:
        cells = [dict(c, metadata=json.loads(json.dumps(c["metadata"]))) for c in good]
        cells[index]["metadata"]["slideshow"]["slide_type"] = wrong
        assert [p for p in rule_violations({"cells": cells}) if p.startswith(f"cell {index} ")], (index, wrong)
    # The layout comes from the headings: other slide types, or none, are fine.
    cells = [dict(c, metadata=json.loads(json.dumps(c["metadata"]))) for c in good]
    for index in (1, 3, 4, 6):
        cells[index]["metadata"] = {}
    assert rule_violations({"cells": cells}) == []


# ---------------------------------------------------------------------------------------------
# The decks
# ---------------------------------------------------------------------------------------------

class Deck(HTMLParser):
    """A deck read back: for each slide shown (a section holding no other section) its layout, the
    text on it and in its speaker notes, its headings, paragraphs, images and printouts."""

    def __init__(self, html):
        super().__init__()
        self.slides, self._open, self._hidden, self._notes, self._capture = [], [], 0, 0, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            if self._open:
                self._open[-1]["stack"] = True
            self._open.append({"layout": attrs.get("data-rs-layout"), "text": [], "notes": [], "headings": [],
                               "paragraphs": [], "images": [], "printouts": [], "stack": False})
        elif tag in ("script", "style"):
            self._hidden += 1
        elif tag == "aside" and "notes" in (attrs.get("class") or ""):
            self._notes += 1
        elif self._open and not self._notes and not self._hidden:
            if tag == "img":
                self._open[-1]["images"].append(attrs.get("src", ""))
            elif tag in ("h1", "h2", "h3", "h4", "p") or (tag == "pre" and "rs-" in (attrs.get("class") or "")):
                self._capture.append([tag, []])

    def handle_endtag(self, tag):
        if tag == "section":
            slide = self._open.pop()
            if not slide["stack"]:
                for key in ("text", "notes"):
                    slide[key] = " ".join("".join(slide[key]).split())
                self.slides.append(slide)
        elif tag in ("script", "style"):
            self._hidden -= 1
        elif tag == "aside" and self._notes:
            self._notes -= 1
        elif self._capture and self._capture[-1][0] == tag:
            kind, parts = self._capture.pop()
            text = "".join(parts)
            if kind == "pre":
                self._open[-1]["printouts"].append(text)
            else:
                text = " ".join(text.replace("¶", "").split())
                self._open[-1]["paragraphs" if kind == "p" else "headings"].append((kind, text))

    def handle_data(self, data):
        if self._hidden or not self._open:
            return
        self._open[-1]["notes" if self._notes else "text"].append(data)
        for capture in self._capture:
            capture[1].append(data)

    def text(self):
        return " ".join(s["text"] for s in self.slides)

    def notes(self):
        return " ".join(s["notes"] for s in self.slides)


def plain(md):
    """Markdown as the text a reader sees (formulas kept as written: MathJax typesets them in the page)."""
    md = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", md)
    pieces = re.split(r"(`[^`]*`)", md)  # emphasis marks outside code spans; code as it is
    emphasis = r"\*\*|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])"
    return " ".join("".join(p[1:-1] if p.startswith("`") else re.sub(emphasis, "", p) for p in pieces).split())


def shown_cells(path):
    return [c for c in load(path)["cells"] if slide_type(c) != "skip"]


def headings(cells):
    """(level, text) of every markdown heading outside code fences, after the title cell."""
    found = []
    for cell in cells[1:]:
        if cell["cell_type"] != "markdown":
            continue
        fence = False
        for line in text(cell).splitlines():
            fence ^= line.strip().startswith("```")
            m = None if fence else re.match(r"(#{1,6}) (.+)$", line.strip())
            if m:
                found.append((len(m.group(1)), m.group(2).strip()))
    return found


def code_lines(cell):
    """Distinctive lines of a code cell (long enough that they cannot appear by chance)."""
    return [line.strip() for line in text(cell).splitlines()
            if len(line.strip()) >= 25 and not line.strip().startswith("#")]


def imports_only(cell):
    return all(re.match(r"\s*(#|$|import |from \S+ import )", line) for line in text(cell).splitlines())


def printed(cell):
    return "".join("".join(o["text"]) for o in cell.get("outputs", []) if o.get("output_type") == "stream"
                   and o.get("name") == "stdout")


def pngs(cell):
    return [("".join(o["data"]["image/png"]) if isinstance(o["data"]["image/png"], list) else o["data"]["image/png"])
            .replace("\n", "") for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


@pytest.fixture(scope="module")
def decks(tmp_path_factory, run_module):
    out = tmp_path_factory.mktemp("slides")
    result = run_module("course.slides", "--out", out, timeout=600)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def read_deck(decks, path):
    html = (decks[0] / f"{path.stem}.slides.html").read_text(encoding="utf-8")
    return html, Deck(html)


def test_the_command_exports_one_deck_per_notebook(decks):
    out, stdout = decks
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.stem}.slides.html" for p in NOTEBOOKS)
    assert f"{len(NOTEBOOKS)} deck(s) in" in stdout
    for i, path in enumerate(NOTEBOOKS, 1):
        assert f"[{i}/{len(NOTEBOOKS)}] {path.stem}.slides.html (" in stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_section_is_a_column_of_slides_under_its_heading(decks, path):
    html, deck = read_deck(decks, path)
    cells = shown_cells(path)
    found = headings(cells)
    # The title slide, then one column per # or ## heading.
    assert slides.count_slides(html) == 1 + sum(level <= 2 for level, _ in found)
    assert slides.count_slides(html, vertical=True) == len(deck.slides)
    assert deck.slides[0]["layout"] == "title"
    title = re.search(r"^# (.+)$", text(cells[0]), re.MULTILINE).group(1).strip()
    assert deck.slides[0]["headings"] == [("h1", plain(title))]
    # Every heading is on a slide, in the notebook's order (formulas compared up to their first $).
    on_slides = [h for s in deck.slides for tag, h in s["headings"] if tag in ("h2", "h3")]
    assert len(on_slides) == len(found)
    for (level, heading), shown in zip(found, on_slides):
        assert shown.startswith(plain(heading).split("$")[0].strip()), (heading, shown)
    assert "reveal.js" in html and "Reveal.initialize" in html and "width: W, height: H" in html


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_figure_gets_a_slide_of_its_own(decks, path):
    _, deck = read_deck(decks, path)
    cells = shown_cells(path)
    stored = sorted(p for c in cells for p in pngs(c))
    pictures = [m for c in cells[1:] if c["cell_type"] == "markdown"  # images in the text, not badge links
                for m in re.findall(r"(?<!\[)!\[[^\]]*\]\([^)]*\)(?!\]\()", text(c))]
    shown = [src.split("base64,", 1)[-1] for s in deck.slides if s["layout"] == "figure" for src in s["images"]]
    assert len(shown) == len(stored) + len(pictures)
    assert sorted(p for p in shown if p in stored) == stored
    for slide in deck.slides[1:]:
        assert len(slide["images"]) == (slide["layout"] == "figure"), slide["headings"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_printed_results_are_on_slides_and_code_in_the_notes(decks, path):
    _, deck = read_deck(decks, path)
    on_slides, notes = deck.text(), deck.notes()
    printouts = "\n".join(p for s in deck.slides for p in s["printouts"])
    for cell in shown_cells(path):
        if cell["cell_type"] != "code":
            continue
        out = printed(cell).strip("\n")
        if out:
            lines = out.splitlines()
            assert lines[0] in printouts
            assert lines[-1] in printouts
            hidden = [line for line in lines if line not in printouts]
            if hidden:  # a shortened printout is in full in the notes
                assert len(lines) > slide_text._OUTPUT_LINES
                assert all(" ".join(line.split()) in notes for line in hidden)
        for line in code_lines(cell):
            line = " ".join(line.split())
            assert line not in on_slides, f"code on a slide: {line!r}"
            assert imports_only(cell) or line in notes, f"code missing from the notes: {line!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_narrative_and_answers_go_to_the_notes_and_exercises_are_left_out(decks, path):
    _, deck = read_deck(decks, path)
    on_slides, notes = deck.text(), deck.notes()
    everything = on_slides + " " + notes
    for cell in load(path)["cells"]:
        if slide_type(cell) == "skip":
            for line in code_lines(cell):
                assert " ".join(line.split()) not in everything, f"an exercise cell is in the deck: {line!r}"
            continue
        if cell["cell_type"] != "markdown" or cell is load(path)["cells"][0]:
            continue
        for summary, answer in re.findall(r"<details><summary>(.*?)</summary>(.*?)</details>", text(cell), re.S):
            longest = max(plain(line) for line in answer.splitlines() if line.strip())[:60]
            assert longest in notes and longest not in on_slides, longest
        body = re.sub(r"<details>.*?</details>", "", text(cell), flags=re.S)
        if heading_level(cell) is None and "$$" not in body and "|" not in body and body.strip():
            paragraph = plain(body.strip().split("\n\n")[0])
            assert paragraph in notes, paragraph
            assert paragraph not in on_slides, paragraph
    # The text on a slide is a heading, formulas, short items: no paragraph longer than a lead sentence.
    for slide in deck.slides[1:]:
        for _, paragraph in slide["paragraphs"]:
            if not paragraph.startswith("$$"):  # a display formula is typeset inside a paragraph
                assert len(paragraph) <= slide_text._LEAD_CHARS + 40, paragraph


def test_links_between_notebooks_point_to_the_decks(decks):
    _, deck = read_deck(decks, NOTEBOOKS[1])
    html = (decks[0] / f"{NOTEBOOKS[1].stem}.slides.html").read_text(encoding="utf-8")
    assert f'href="{NOTEBOOKS[0].stem}.slides.html"' in html
    assert not re.search(r'href="\d\d_[\w-]+\.ipynb', html)


# ---------------------------------------------------------------------------------------------
# The layout rules, on small made-up notebooks
# ---------------------------------------------------------------------------------------------

def notebook(*cells):
    import nbformat

    made = []
    for kind, source, *rest in cells:
        meta = {"slideshow": {"slide_type": rest[0]}} if rest and rest[0] else {}
        cell = nbformat.v4.new_markdown_cell(source, metadata=meta) if kind == "md" else \
            nbformat.v4.new_code_cell(source, metadata=meta)
        if kind == "code" and len(rest) > 1:
            cell.outputs = rest[1]
        made.append(cell)
    return nbformat.v4.new_notebook(cells=made)


def stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def figure(width=800, height=400):
    import base64
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1) * height)) + chunk(b"IEND", b"")
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(png).decode(), "text/plain": "<Figure>"}}


def layout(nb):
    """(slide type, layout or None, source) of each cell of a deck notebook."""
    return [(c.metadata["slideshow"]["slide_type"], c.metadata["slideshow"].get("data", {}).get("rs_layout"),
             c.source) for c in slides.deck_notebook(nb).cells]


LONG = ("This sentence explains the idea at length, with several clauses, a formula $x^2$ and more words "
        "than a slide should carry, so that it is certainly longer than the limit for a list item on a slide.")


def test_a_section_shows_its_heading_lead_formula_and_items_and_notes_the_rest():
    nb = notebook(("md", "# 1. Title\n\n[next →](02_next.ipynb)", "slide"),
                  ("md", f"## A section\n\nThe lead sentence. {LONG}\n\n$$\nx_{{t+1}} = x_t - \\eta g_t\n$$\n\n"
                         f"Between paragraphs.\n\n- short item\n- {LONG} Second sentence.", "slide"))
    (t1, l1, title), (t2, l2, section), (t3, l3, notes) = layout(nb)
    assert (t1, l1, t2, l2, t3, l3) == ("slide", "title", "slide", "text", "notes", None)
    assert title == "# 1. Title\n\n[next →](02_next.slides.html)"
    assert section.startswith("## A section\n\nThe lead sentence.\n\n$$\nx_{t+1}")
    assert "- short item\n- This sentence explains" in section and "Second sentence" not in section
    assert "Between paragraphs" not in section and LONG not in section
    assert "Between paragraphs" in notes and "Second sentence" in notes


def test_a_code_cell_becomes_a_figure_slide_and_a_printout_slide_with_its_code_in_the_notes():
    printout = "".join(f"row {k:2d}   value {k * k:4d}\n" for k in range(40))
    nb = notebook(("md", "# T", "slide"), ("md", "## Section", "slide"),
                  ("code", "import numpy as np", "-", []),
                  ("code", "plot_it()\nprint_table()", "fragment", [stream(printout), figure()]),
                  ("md", "The figure shows the idea.", "-"),
                  ("code", "secret_solution()", "skip", [stream("hidden\n")]))
    cells = layout(nb)
    kinds = [(t, l) for t, l, _ in cells]
    assert kinds == [("slide", "title"), ("slide", "text"), ("subslide", "output"), ("notes", None),
                     ("subslide", "figure"), ("notes", None)]
    output, output_notes, fig, fig_notes = (c[2] for c in cells[2:])
    assert output.startswith("#### Section\n\n<pre class=\"rs-output\"")
    assert "row  0" in output and "row 15" in output and "row 16" not in output and "row 39" in output
    assert "⋯ (21 more lines) ⋯" in output
    assert "plot_it()" in output_notes and "row 20" in output_notes  # the code and the whole printout
    assert "import numpy" not in "".join(c[2] for c in cells)
    width, height = map(int, re.search(r"width: (\d+)px; height: (\d+)px", fig).groups())
    assert abs(width - 2 * height) <= 1  # the figure's shape is kept,
    assert width <= slides.WIDTH - 40 and height <= slides.HEIGHT - 80  # it fits under the slide's kicker
    assert width == slides.WIDTH - 40 or height == slides.HEIGHT - 80  # and is enlarged until it fills one way
    assert fig_notes == "The figure shows the idea."
    assert "hidden" not in "".join(c[2] for c in cells) and "secret" not in "".join(c[2] for c in cells)


def test_a_picture_in_the_text_gets_a_figure_slide_and_a_badge_does_not():
    import nbformat

    cell = nbformat.v4.new_markdown_cell("## Pic\n\nLook: ![a sketch](attachment:s.png)\n\n"
                                         "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org)")
    cell.attachments = {"s.png": {"image/png": figure()["data"]["image/png"]}}
    deck = slides.deck_notebook(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), cell]))
    figures = [c for c in deck.cells if c.metadata.get("slideshow", {}).get("data", {}).get("rs_layout") == "figure"]
    assert len(figures) == 1 and figures[0].source == "#### Pic\n\n![a sketch](attachment:s.png)"
    assert figures[0].attachments == cell.attachments


def test_a_notebook_without_a_title_cell_is_titled_by_its_name():
    deck = slides.deck_notebook(notebook(("code", "x = 1", "-", [stream("1\n")])), name="09_extra")
    assert deck.cells[0].source == "# 09_extra" and deck.cells[0].metadata["slideshow"]["slide_type"] == "slide"


def test_a_short_printout_is_the_caption_of_its_figure():
    nb = notebook(("md", "# T", "slide"), ("md", "## S", "slide"),
                  ("code", "run()", "-", [stream("final loss 0.01\n"), figure(1000, 500)]))
    (_, _, _), (_, _, _), (kind, name, fig), _ = layout(nb)
    assert (kind, name) == ("subslide", "figure")
    assert '<pre class="rs-caption">final loss 0.01</pre>' in fig


def test_a_printout_gets_the_largest_type_its_longest_line_fits():
    def size(text):
        nb = notebook(("md", "# T", "slide"), ("code", "x", "-", [stream(text)]))
        return float(re.search(r"font-size: ([\d.]+)em", layout(nb)[1][2]).group(1)) * 28

    assert size("short\n") == pytest.approx(30, abs=0.1)
    # A table of 80-character lines: 80 monospace characters of 26 px (0.6 em each) are wider than the
    # slide, of 22 px they fit.
    assert 80 * 0.6 * 26 > slides.WIDTH - 60 > 80 * 0.6 * 22
    assert size("".join(f"{k:3d}   {'y' * 74}\n" for k in range(3))) == pytest.approx(22, abs=0.1)
    assert size("".join(f"{k:3d}   {'y' * 110}\n" for k in range(3))) == pytest.approx(16, abs=0.1)  # never wrapped
    nb = notebook(("md", "# T", "slide"), ("code", "x", "-", [stream("word " * 60 + "\n")]))
    assert 'class="rs-output rs-wrap"' in layout(nb)[1][2]  # prose may wrap, in larger type


def test_a_long_list_continues_on_a_slide_below_and_quiz_answers_go_to_the_notes():
    items = "\n".join(f"{k}. Question number {k} asks something that takes a full line or more on a slide, "
                      f"doesn't it?" for k in range(1, 15))
    nb = notebook(("md", "# T", "slide"),
                  ("md", f"## Quiz\n\n{items}\n\n<details><summary>Answer</summary>\n\n1. Yes.\n</details>", "slide"))
    cells = layout(nb)
    quiz = [c for c in cells if c[1] == "text"]
    assert len(quiz) >= 2 and quiz[0][0] == "slide" and all(c[0] == "subslide" for c in quiz[1:])
    assert quiz[1][2].startswith("#### Quiz (continued)")
    shown = "\n".join(c[2] for c in quiz)
    assert all(f"Question number {k} " in shown for k in range(1, 15))  # quiz items are never cut
    second = re.search(r"^(\d+)\. ", quiz[1][2], re.MULTILINE).group(1)
    assert int(second) > 1  # the numbering goes on
    assert "Yes." not in shown and any("Yes." in c[2] for c in cells if c[0] == "notes")


def test_a_table_is_split_into_even_row_groups_and_a_wide_one_into_column_groups():
    def tables(rows):
        body = "\n".join(f"| r{k} | {k} |" for k in range(rows))
        nb = notebook(("md", "# T", "slide"), ("md", f"## Tall\n\n| name | value |\n|---|---|\n{body}", "slide"))
        return [c[2] for c in layout(nb) if "|" in c[2]]

    assert [t.count("| r") for t in tables(8)] == [8]
    split = [t.count("| r") for t in tables(40)]
    assert len(split) >= 2 and sum(split) == 40 and max(split) - min(split) <= 1
    wide = "| key | " + " | ".join(f"column {k} with a long header" for k in range(6)) + " |"
    body = "| row | " + " | ".join(f"value {k} that is long enough" for k in range(6)) + " |"
    nb = notebook(("md", "# T", "slide"), ("md", f"## Wide\n\n{wide}\n|{'---|' * 7}\n{body}", "slide"))
    shown = "\n".join(c[2] for c in layout(nb) if c[0] != "notes")
    tables = [t for t in shown.split("\n\n") if t.startswith("|")]
    assert len(tables) >= 2  # the columns are shared out over several tables,
    assert all(t.startswith("| key |") and "\n| row |" in t for t in tables)  # each led by the first column
    assert sorted(re.findall(r"column \d", shown)) == [f"column {k}" for k in range(6)]  # every column once


def test_a_display_formula_too_wide_for_a_slide_is_cut_at_its_quads():
    narrow = "$$\na = b, \\qquad c = d\n$$"
    assert slide_text._split_display(narrow) == narrow
    parts = [f"\\frac{{\\partial L}}{{\\partial w_{k}}} = \\sum_i x_{{i{k}}} (p_i - y_i)" for k in range(4)]
    wide = "$$\n" + ", \\quad\n".join(parts) + "\n$$"
    split = slide_text._split_display(wide)
    assert split.startswith("$$\n\\begin{gathered}\n") and split.endswith("\n\\end{gathered}\n$$")
    rows = split.split("\\\\\n")
    assert len(rows) >= 2
    assert all(p.split(" = ")[0] in split for p in parts)
    braced = "$$\n" + "x_{a \\quad b}" * 30 + "\n$$"  # a \quad inside braces is not a place to cut
    assert slide_text._split_display(braced) == braced


def test_shorten_keeps_whole_sentences_questions_and_formulas():
    assert slides.shorten("Short enough.") == "Short enough."
    text = "First sentence here. " + "Second sentence is much longer " * 8 + "and ends."
    assert slides.shorten(text) == "First sentence here."
    refs = "D. P. Kingma, J. Ba: Adam: A Method for Stochastic Optimization (2014). " + "More words " * 20
    assert slides.shorten(refs).startswith("D. P. Kingma, J. Ba: Adam: A Method for Stochastic Optimization (2014).")
    exercise = "**Try it.** " + "Change the learning rate and watch the plot. " * 2 + "What happens at 0.1?" \
        + " Hint." * 30
    assert slides.shorten(exercise).endswith("What happens at 0.1?")
    clause = "a long list of things without a full stop, " * 8 + "and $x = \\frac{1}{2}$ at the end"
    cut = slides.shorten(clause)
    assert cut.endswith(" …") and cut.count("$") % 2 == 0 and len(cut) < len(clause)


def test_count_slides_counts_top_level_sections_or_every_slide_shown():
    html = "<div class='slides'><section><section>a</section><section>b</section></section><section>c</section></div>"
    assert slides.count_slides(html) == 2
    assert slides.count_slides(html, vertical=True) == 3


# ---------------------------------------------------------------------------------------------
# Offline assets and the command line
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def run(run_module):
    """``run(*args, timeout=...)``: the command in a new process, from the checkout."""
    return lambda *args, timeout=300: run_module("course.slides", *args, timeout=timeout)


def test_offline_export_copies_the_assets_and_loads_nothing_from_a_cdn(tmp_path, run):
    assets = tmp_path / "assets" / "node_modules"
    for src, _ in slide_assets._ASSET_FILES:
        p = assets / src
        if "." in p.name and not p.name.startswith("reveal"):
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("// stand-in\n")
        else:
            p.mkdir(parents=True, exist_ok=True)
            (p / "stand-in.js").write_text("// stand-in\n")
    out = tmp_path / "decks"
    result = run("--out", out, "--offline", "--assets", tmp_path / "assets", NOTEBOOKS[0].stem)
    assert result.returncode == 0, result.stderr
    assert (out / "_assets" / "reveal.js" / "dist" / "stand-in.js").is_file()
    assert (out / "_assets" / "require.js").is_file()
    html = (out / f"{NOTEBOOKS[0].stem}.slides.html").read_text(encoding="utf-8")
    loaded = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"from '([^']+)'", html) \
        + re.findall(r'"([^"]*reveal[^"]*\.js)"', html)
    remote = [u for u in loaded if u.startswith(("http://", "https://", "//"))]
    assert not [u for u in remote if re.search(r"\.(js|css|mjs)(\?|$)", u)], remote
    assert '"_assets/reveal.js/dist/reveal.js"' in html and "mermaid" not in html


def test_offline_export_with_incomplete_assets_is_refused(tmp_path, run):
    (tmp_path / "assets" / "node_modules" / "reveal.js").mkdir(parents=True)
    result = run("--out", tmp_path / "o", "--offline", "--assets", tmp_path / "assets", timeout=120)
    assert result.returncode == 2
    assert "assets must hold the npm packages" in result.stderr and "reveal.js/dist" in result.stderr
    assert not (tmp_path / "o").exists()


def test_offline_export_without_npm_or_cached_assets_says_what_to_do(tmp_path, run_module):
    bin_dir = tmp_path / "bin"  # a PATH with Python but no npm
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {"PATH": str(bin_dir), "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    result = run_module("course.slides", "--out", tmp_path / "o", "--offline", NOTEBOOKS[0].stem, timeout=120, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "install npm" in result.stderr and "--assets DIR" in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("args, message", [
    (["--out", "{file}"], "--out must be a folder, but {file} is a file"),
    (["--out", "{file}/decks"], "--out must be a folder, but {file} is a file"),
    (["--out", ""], "--out must name a folder for the decks; got an empty string"),
    (["nope"], "unknown notebook name(s): nope; choose from " + ", ".join(p.stem for p in NOTEBOOKS)),
    (["--notebooks", "{missing}"], "--notebooks must be a folder of NN_name.ipynb notebooks; not found: {missing}"),
    (["--notebooks", "{tmp}"], "--notebooks holds no NN_name.ipynb notebooks: {tmp}"),
    (["--offline", "--assets", "{missing}"], "--assets must be a folder holding the npm packages"),
    (["--assets", "{tmp}"], "--assets only makes sense with --offline"),
], ids=["out-is-a-file", "out-under-a-file", "out-empty", "unknown-name", "notebooks-missing",
        "notebooks-empty", "assets-missing", "assets-without-offline"])
def test_bad_arguments_get_one_clear_line_and_exit_2(tmp_path, run, args, message):
    names = {"file": tmp_path / "a-file", "missing": tmp_path / "missing", "tmp": tmp_path / "empty"}
    names["file"].write_text("not a folder")
    names["tmp"].mkdir()
    result = run(*[a.format(**names) for a in args], timeout=120)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"python -m course.slides: error: {message.format(**names)}"), \
        result.stderr
    assert "Traceback" not in result.stderr and not result.stdout
    assert names["file"].read_text() == "not a folder" and list(names["tmp"].iterdir()) == []


def test_export_all_checks_its_arguments(tmp_path):
    with pytest.raises(TypeError, match="out must be a folder path"):
        slides.export_all(out=3)
    with pytest.raises(TypeError, match="names must be a list of notebook names"):
        slides.export_all(out=tmp_path, names="03_rmsprop")
    with pytest.raises(ValueError, match="unknown notebook name"):
        slides.export_all(out=tmp_path, names=["03_rmsprop", "3"])
    assert list(tmp_path.iterdir()) == []
