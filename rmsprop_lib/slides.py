"""Reveal.js slide decks of every notebook, for teaching.

::

    python -m rmsprop_lib.slides                      # decks in slides/, reveal.js etc. from CDNs
    python -m rmsprop_lib.slides --out decks --offline  # decks that work without a network

A deck is laid out for projecting (16:9, 1280x720), not copied from the notebook cell by cell. One
idea per slide; the notebook's narrative goes to the speaker notes (press S for the speaker view):

- each ``##`` section starts a new column of slides, each ``###`` heading a slide below it. Such a
  slide shows the heading, the section's lead sentence, its display formulas (a wide one cut at its
  ``\\quad``s into rows), its tables and its lists (long items cut to their first sentence; quiz
  questions and references kept whole); what does not fit goes on to a slide below;
- every figure a code cell draws gets a slide of its own, as large as the slide allows; printed
  results get one too, in the largest type their longest line fits (a printout of one to three
  lines under a single figure becomes its caption; a very long one is shortened on the slide);
- paragraphs, quiz answers (``<details>``), code and full printouts go to the speaker notes;
- cells with the slide type ``skip`` (the setup cell and the exercises) are left out.

Nothing is executed: the layout is decided from what the notebooks contain (cell types, headings,
outputs, the slide types ``skip`` and ``notes``). If a slide's text still does not fit, the deck
shrinks its type (down to 70%) when it opens. The arrow keys, space and a presenter's clicker walk
through every slide in order; Esc shows them all as a grid, F goes full screen.

By default a deck loads reveal.js 4, require.js, jQuery and MathJax 2 from public CDNs, as
nbconvert does. ``--offline`` copies them next to the decks instead (``_assets/``), so the folder
can be opened from a laptop or a USB stick in a room without internet. The files come from
``--assets DIR`` (a folder where ``npm install --prefix DIR reveal.js@4.0.2 requirejs@2.3.7
jquery@3.7.1 mathjax@2.7.9`` was run); without ``--assets`` that npm command is run once into a
cache folder (this needs ``npm`` and the network once).
"""
import argparse
import base64
import html
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

#: npm packages an offline deck needs (versions nbconvert 7's reveal template is written for).
ASSET_PACKAGES = ("reveal.js@4.0.2", "requirejs@2.3.7", "jquery@3.7.1", "mathjax@2.7.9")

#: Parts of the npm packages copied next to offline decks: (source in node_modules, target in _assets).
_ASSET_FILES = (
    ("reveal.js/dist", "reveal.js/dist"),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("mathjax/MathJax.js", "mathjax/MathJax.js"),
    ("mathjax/config", "mathjax/config"),
    ("mathjax/extensions", "mathjax/extensions"),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML"),
    ("mathjax/jax/element", "mathjax/jax/element"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff"),
)

#: The size of a slide in CSS pixels (reveal.js scales it to the window, keeping the aspect ratio).
WIDTH, HEIGHT = 1280, 720
#: The smallest factor a deck may shrink a slide's type by when it opens (see ``_TEMPLATE``).
MIN_FIT = 0.7


# ---------------------------------------------------------------------------------------------
# Layout: from a notebook to the cells of a deck
# ---------------------------------------------------------------------------------------------

# Estimates of rendered heights in slide pixels, for the CSS in _TEMPLATE (body type 28 px).
_BUDGET = 640          # content height of a slide: 720 minus padding and a safety margin
_LINE, _CHARS = 37, 82  # one line of body text, and the characters that fit on it
_HEADING = {1: (70, 36), 2: (58, 48), 3: (50, 56), 4: (44, 90)}  # level: (line height, characters)
_FIGURE_TOP = 80        # a figure slide's kicker and margins
_MONO = 0.6             # width of a monospace character, in ems
_OUTPUT_SIZES = (30, 26, 22, 19, 16)  # type sizes (px) tried for printed output, largest first
_OUTPUT_LINES = 24      # printouts longer than this are shortened on the slide (in full in the notes)
_ITEM_CHARS = 180       # list items longer than this are cut to their first sentence(s)
_LEAD_CHARS = 220       # a section's first sentence is shown if it is at most this long
_WHOLE_ITEMS = ("quiz", "further reading", "references")  # sections whose list items are never cut

_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)
_ATOMS = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$|`[^`]+`|\*\*.+?\*\*|!?\[[^\]]*\]\([^)]*\)", re.S)
_DETAILS = re.compile(r"<details>\s*(?:<summary>(.*?)</summary>)?(.*?)</details>", re.S | re.I)
_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_NUMBERED_PARAGRAPH = re.compile(r"^\*\*\d+[.)]\*\*\s")
_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "cf.", "al.", "Fig.", "Eq.", "approx.", "etc.")
_IMAGE = re.compile(r"(?<!\[)!\[[^\]]*\]\([^)]*\)(?!\]\()")  # a markdown image that is not a badge link
_NOTEBOOK_LINK = re.compile(r"\]\((\d\d_[\w-]+)\.ipynb(#[^)\s]*)?\)")


def _visible_length(md):
    """Roughly how many characters ``md`` shows: markup dropped, formulas a third of their source."""
    text = _MATH.sub(lambda m: "x" * max(1, len(m.group(0)) // 3), md)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return len(re.sub(r"[*_`]|<[^>]+>", "", text))


def _cut_points(md):
    """Positions of ``md`` outside formulas, code, bold text and links (safe places to cut)."""
    inside = [False] * (len(md) + 1)
    for m in _ATOMS.finditer(md):
        for k in range(m.start() + 1, m.end()):
            inside[k] = True
    return [k for k in range(len(md) + 1) if not inside[k]]


def _sentences(md):
    """Split markdown text into sentences (not inside formulas, code or links; not after initials)."""
    allowed = set(_cut_points(md))
    pieces, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z$(*`\[\"])", md):
        before = md[start:m.start()]
        if m.start() not in allowed or re.search(r"(^|\s)[A-Z]\.$", before) or before.endswith(_ABBREVIATIONS):
            continue
        pieces.append(md[start:m.end()])
        start = m.end()
    pieces.append(md[start:])
    return [p for p in pieces if p.strip()]


def shorten(md, limit=_ITEM_CHARS):
    """``md`` itself if short; else its leading sentences, its bold lead, or a cut at a clause, with '…'."""
    md = " ".join(md.split())
    if _visible_length(md) <= limit:
        return md
    kept, sentences = "", _sentences(md)
    for sentence in sentences:
        if _visible_length(kept + sentence) > limit:
            break
        kept += sentence
    question = next((k for k, s in enumerate(sentences) if s.rstrip().endswith("?")), None)
    if question is not None and _visible_length("".join(sentences[:question + 1])) <= 1.7 * limit:
        return "".join(sentences[:question + 1]).strip()  # an exercise keeps its question
    if kept:
        return kept.strip()
    bold = re.match(r"\*\*.+?\*\*", md)
    if bold and _visible_length(bold.group(0)) <= limit:
        return bold.group(0)
    points = [k for k in _cut_points(md) if _visible_length(md[:k]) <= limit]
    clause = [k for k in points if md[k - 2:k] in (", ", "; ", ": ") or md[k - 3:k] == " - "]
    k = (clause or [k for k in points if k < len(md) and md[k] == " "] or points)[-1]
    return md[:k].rstrip(" ,;:-") + " …"


def _blocks(md):
    """Markdown split into blocks ``(kind, text)``: heading, math, list, table, fence, paragraph."""
    lines, blocks, i = md.splitlines(), [], 0
    starts_block = re.compile(r"^\s*(\$\$|```|#{1,6} |\|)")
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        j = i + 1
        if line.startswith("```"):
            while j < len(lines) and not lines[j].strip().startswith("```"):
                j += 1
            kind, j = "fence", j + 1
        elif line.startswith("$$"):
            if not (len(line) > 4 and line.endswith("$$")):
                while j < len(lines) and "$$" not in lines[j]:
                    j += 1
                j += 1
            kind = "math"
        elif re.match(r"#{1,6} ", line):
            kind = "heading"
        elif line.startswith("|"):
            while j < len(lines) and lines[j].strip().startswith("|"):
                j += 1
            kind = "table"
        elif _ITEM.match(lines[i]):
            while j < len(lines) and (lines[j].strip() or (j + 1 < len(lines) and lines[j + 1].startswith(" "))):
                if starts_block.match(lines[j]) and not lines[j].startswith(" "):
                    break
                j += 1
            kind = "list"
        else:
            while j < len(lines) and lines[j].strip() and not starts_block.match(lines[j]) \
                    and not _ITEM.match(lines[j]):
                j += 1
            kind = "numbered" if _NUMBERED_PARAGRAPH.match(line) else "paragraph"
        blocks.append((kind, "\n".join(lines[i:j]).strip()))
        i = j
    return blocks


def _list_items(block):
    """The items of a markdown list block: ``(marker, text)`` with continuation lines joined."""
    items = []
    for line in block.splitlines():
        m = _ITEM.match(line)
        if m and (not items or len(m.group(1)) == 0):
            items.append([m.group(2), m.group(3)])
        elif items:
            items[-1][1] += " " + (m.group(3) if m else line.strip())
    return [(marker, " ".join(text.split())) for marker, text in items]


def _table_cells(line):
    """The cells of a markdown table row (a ``|`` escaped as ``\\|`` stays in its cell)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def _table_markdown(rows):
    header, *body = rows
    lines = [header, ["---"] * len(header), *body]
    return "\n".join("| " + " | ".join(row) + " |" for row in lines)


def _column_groups(rows):
    """Column indices per slide: all columns, or (for a table too wide to read) groups led by column 0."""
    weights = [max(min(_visible_length(row[c]) if c < len(row) else 0, 32) for row in rows) + 3
               for c in range(len(rows[0]))]
    room = 1.5 * 1240 / 10.5  # characters of 21 px type across a slide, allowing cells to wrap once
    if sum(weights) <= room:
        return [list(range(len(weights)))]
    rest = sum(weights[1:])
    target = rest / math.ceil(rest / max(room - weights[0], 1))  # columns shared out evenly
    groups, filled = [[0]], 0
    for c in range(1, len(weights)):
        if filled + weights[c] / 2 > target and len(groups[-1]) > 1:
            groups.append([0])
            filled = 0
        groups[-1].append(c)
        filled += weights[c]
    return groups


def _heading_height(text, level):
    line, chars = _HEADING[min(level, 4)]
    return line * math.ceil(max(1, _visible_length(text)) / chars) + 12


def _text_height(md, chars=_CHARS):
    return _LINE * math.ceil(max(1, _visible_length(md)) / chars)


def _tex_width(tex):
    """A rough width of displayed TeX in characters (about 28 slide pixels each at the body size)."""
    t = re.sub(r"\\(left|right|[Bb]igg?|[,;:!]|q?quad)(?![a-zA-Z])", " ", tex)
    t = re.sub(r"\\[a-zA-Z]+", "x", t.replace("\\frac", ""))
    return len(re.sub(r"[{}^_\s&]", "", t))


def _split_display(block, limit=40):
    """A display formula too wide for a slide, cut at its top-level ``\\quad``s into centred rows."""
    tex = block.strip()[2:-2].strip()
    if _tex_width(tex) <= limit or "\\begin" in tex or "\\\\" in tex:
        return block
    parts, depth, start = [], 0, 0
    for m in re.finditer(r"[{}]|\\q?quad(?![a-zA-Z])", tex):
        depth += {"{": 1, "}": -1}.get(m.group(0), 0)
        if depth == 0 and m.group(0).endswith("quad"):
            parts.append(tex[start:m.start()].strip())
            start = m.end()
    parts.append(tex[start:].strip())
    rows = [parts[0]]
    for part in parts[1:]:
        if _tex_width(rows[-1] + part) <= limit:
            rows[-1] += r" \qquad " + part
        else:
            rows.append(part)
    if len(rows) == 1:
        return block
    return "$$\n\\begin{gathered}\n" + " \\\\\n".join(rows) + "\n\\end{gathered}\n$$"


def _math_height(md):
    rows = md.count("\\\\") + 1
    return rows * (95 if re.search(r"\\frac|\\sum|\\sqrt\{[^}]*\\", md) else 62) + 20


def _table_height(rows):
    """Rows at 21 px type, padded; columns share the slide's width in proportion to their longest cell."""
    widths = [max(_visible_length(row[c]) if c < len(row) else 0 for row in rows) + 2 for c in range(len(rows[0]))]
    share = [110 * w / max(sum(widths), 110) for w in widths]  # about 110 characters across the slide
    return sum(27 * max(math.ceil((_visible_length(cell) + 1) / share[c]) for c, cell in enumerate(row[:len(share)]))
               + 12 for row in rows)


class _Slide:
    """One slide being laid out: ``level`` 'slide' (a new column) or 'subslide' (below the last)."""

    def __init__(self, level, layout):
        self.level, self.layout, self.parts, self.notes, self.height = level, layout, [], [], 0
        self.attachments = {}  # images pasted into a markdown cell, which its figure slide shows

    def add(self, md, height):
        self.parts.append(md)
        self.height += height


def _retarget(md):
    """Links to other notebooks point to their decks."""
    return _NOTEBOOK_LINK.sub(lambda m: f"]({m.group(1)}.slides.html{m.group(2) or ''})", md)


def _split_at_headings(md):
    """``md`` cut before each heading line (outside code fences): a list of (level, heading, body)."""
    parts, fence, current = [], False, [0, "", []]
    for line in md.splitlines():
        fence ^= line.strip().startswith("```")
        m = None if fence else re.match(r"^(#{1,6}) (.*)$", line.strip())
        if m:
            parts.append(current)
            current = [len(m.group(1)), m.group(2).strip(), []]
        else:
            current[2].append(line)
    parts.append(current)
    return [(level, head, "\n".join(body)) for level, head, body in parts if head or "".join(body).strip()]


class _Deck:
    """Builds the slides of one notebook (see the module docstring for the rules)."""

    def __init__(self):
        self.slides, self.context = [], ""

    def new(self, level, layout, kicker=None):
        slide = _Slide(level if self.slides else "slide", layout)
        if kicker:
            slide.add(f"#### {kicker}", _heading_height(kicker, 4))
        self.slides.append(slide)
        return slide

    def note(self, md, slide=None):
        """Add ``md`` to the speaker notes of ``slide`` (default: the last slide)."""
        if md.strip():
            (slide or (self.slides[-1] if self.slides else self.new("slide", "text"))).notes.append(md.strip())

    def title(self, md):
        """The title slide: the ``#`` heading and the links to the other notebooks (no badges)."""
        heading = re.search(r"^# (.+)$", md, re.M).group(1).strip()
        slide = self.new("slide", "title")
        slide.add(f"# {heading}", 90)
        for line in md.splitlines():
            if ".ipynb)" in line and not line.lstrip().startswith("[!["):
                slide.add(line.strip(), 40)
        self.context = heading

    def markdown(self, md, attachments=None):
        for level, head, body in _split_at_headings(md):
            answers = [f"**{(s or 'Answer').strip()}**\n\n{a.strip()}" for s, a in _DETAILS.findall(body)]
            body = _DETAILS.sub("", body)
            images = _IMAGE.findall(body)  # a picture in the text gets a figure slide, like a plot
            body = _IMAGE.sub("", body)
            first = len(self.slides)
            if level:
                self.context = head
                complete = self.section(level, head, body)
            else:
                shown = [(k, b) for k, b in _blocks(body) if k in ("math", "table")]
                if shown:
                    self.section(None, self.context, "\n\n".join(b for _, b in shown), kicker=True)
                complete = False
            target = self.slides[first] if len(self.slides) > first else None
            if not complete:  # the notes hold what the slide leaves out
                self.note(body, target)
            for answer in answers:
                self.note(answer, target)
            for image in images:
                slide = self.new("subslide", "figure", kicker=self.context)
                slide.add(image, HEIGHT - _FIGURE_TOP)
                slide.attachments = dict(attachments or {})

    def section(self, level, head, body, kicker=False):
        """A heading's slide(s): heading, lead sentence, formulas, tables, lists; the rest to the notes.

        Returns whether the slides show all of ``body`` (then it need not be repeated in the notes).
        """
        elements = []  # (markdown, height, list key or None)
        blocks = _blocks(body)
        whole = head.strip().lower() in _WHOLE_ITEMS
        # Two or more paragraphs that open in bold ("**On Binder** ...") read as a list.
        bold = [n for n, (k, b) in enumerate(blocks) if k == "paragraph" and b.startswith("**")]
        items = {n: ("-", blocks[n][1]) for n in bold} if len(bold) >= 2 else {}
        if not kicker and blocks and blocks[0][0] == "paragraph" and 0 not in items:
            lead = _sentences(" ".join(blocks[0][1].split()))[0].strip()
            if _visible_length(lead) <= _LEAD_CHARS:
                elements.append((lead, _text_height(lead) + 14, None))
        complete = not [k for n, (k, b) in enumerate(blocks) if k not in ("math", "table", "list", "numbered")
                        and n not in items and not (n == 0 and elements and elements[0][0] == " ".join(b.split()))]
        for n, (kind, block) in enumerate(blocks):
            if kind == "math":
                block = _split_display(block)
                elements.append((block, _math_height(block), None))
            elif kind == "table":
                rows = [_table_cells(line) for line in block.splitlines() if line.strip()]
                header, rows = rows[0], rows[2:]
                for columns in _column_groups([header] + rows):
                    pick = [[row[c] if c < len(row) else "" for c in columns] for row in [header] + rows]
                    parts = max(1, min(len(rows), math.ceil(_table_height(pick) / (_BUDGET - 100))))
                    bounds = [len(rows) * k // parts for k in range(parts + 1)]  # row groups of even size
                    for start, stop in zip(bounds, bounds[1:]):
                        table = [pick[0]] + pick[1 + start:1 + stop]
                        elements.append((_table_markdown(table), _table_height(table) + 20, None))
            elif kind in ("list", "numbered") or n in items:
                if kind == "list":
                    entries, key = _list_items(block), n
                elif kind == "numbered":
                    m = re.match(r"\*\*(\d+)[.)]\*\*\s+(.*)", " ".join(block.split()))
                    entries, key = [(m.group(1) + ".", m.group(2))], "numbered"
                else:
                    entries, key = [items[n]], "bold"
                for marker, text in entries:
                    short = " ".join(text.split()) if whole else shorten(text)
                    complete = complete and short == " ".join(text.split())
                    elements.append((f"{marker} {short}", _text_height(short, _CHARS - 4) + 10, key))
        if level is None and not elements:
            return complete
        slide = self.new("slide" if level in (1, 2) else "subslide", "text", kicker=head if kicker else None)
        if not kicker:
            slide.add(f"{'#' * max(2, min(level, 3))} {head}", _heading_height(head, max(2, min(level, 3))))
        previous_list = None
        for n, (md, height, list_key) in enumerate(elements):
            rest = sum(h for _, h, _ in elements[n:])  # a short tail stays rather than making a slide of its own
            if slide.height + height > _BUDGET and slide.height + rest > 1.1 * _BUDGET and len(slide.parts) > 1:
                slide = self.new("subslide", "text", kicker=f"{head} (continued)")
                previous_list = None
            if list_key is not None and list_key == previous_list:
                slide.parts[-1] += "\n" + md
                slide.height += height
            else:
                slide.add(md, height + (14 if list_key is not None else 0))
            previous_list = list_key
        return complete

    def code(self, cell):
        """A code cell: a slide per figure, one for its printed text; the code goes to the notes."""
        first = len(self.slides)
        text, figures = [], []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") == "stream" and output.get("name") != "stderr":
                text.append(_plain(output.get("text", "")))
            elif output.get("output_type") == "error":
                text.append(f"{output.get('ename', 'Error')}: {output.get('evalue', '')}")
            elif any(k in data for k in ("image/png", "image/jpeg", "image/svg+xml")):
                figures.append(data)
            elif "text/plain" in data and not any("widget" in k for k in data):
                text.append(_plain(data["text/plain"]))
        text = "\n".join(t.rstrip("\n") for t in text if t.strip())
        lines = text.splitlines()
        caption = len(figures) == 1 and 0 < len(lines) <= 3 and max(map(len, lines)) <= 100
        if text and not caption:
            self.output(text)
        for k, data in enumerate(figures):
            self.figure(data, text if caption else "")
        source = "".join(cell.get("source", ""))
        imports_only = all(re.match(r"\s*(#|$|import |from \S+ import )", line) for line in source.splitlines())
        if not imports_only:
            code = f"```python\n{source.strip()}\n```"
            if len(self.slides) > first:
                self.slides[first].notes.append(code)
            else:
                self.note(code)

    def output(self, text):
        lines = text.splitlines()
        slide = self.new("subslide", "output", kicker=self.context)
        if len(lines) > _OUTPUT_LINES:
            shown = lines[:16] + [f"⋯ ({len(lines) - 19} more lines) ⋯"] + lines[-3:]
            slide.notes.append(f"The full printout:\n\n<pre>{html.escape(text)}</pre>")
        else:
            shown = lines
        room, columns = _BUDGET - slide.height, (WIDTH - 60) / _MONO
        # A table (aligned columns) keeps its lines; other long lines may wrap, at 22 px or larger.
        table = sum("  " in line.strip() for line in shown) >= 2
        for size in _OUTPUT_SIZES:
            rows = sum(max(1, math.ceil(len(line) * size / columns)) for line in shown)
            if (rows == len(shown) or (not table and size >= 22)) and rows * 1.25 * size <= room:
                break
        wrap = " rs-wrap" if rows > len(shown) else ""
        slide.add(f'<pre class="rs-output{wrap}" style="font-size: {size / 28:.3f}em">'
                  f'{html.escape(chr(10).join(shown))}</pre>', rows * 1.25 * size)

    def figure(self, data, caption=""):
        slide = self.new("subslide", "figure", kicker=self.context)
        room = HEIGHT - _FIGURE_TOP - (len(caption.splitlines()) * 24 + 24 if caption else 0)
        if "image/png" in data:
            mime, payload = "image/png", _plain(data["image/png"]).strip()
        elif "image/jpeg" in data:
            mime, payload = "image/jpeg", _plain(data["image/jpeg"]).strip()
        else:
            mime, payload = "image/svg+xml", base64.b64encode(_plain(data["image/svg+xml"]).encode()).decode()
        payload = payload.replace("\n", "")
        size = _png_size(payload) if mime == "image/png" else None
        if size:  # as large as the slide allows, enlarged at most 1.8 times
            scale = min((WIDTH - 40) / size[0], room / size[1], 1.8)
            style = f"width: {size[0] * scale:.0f}px; height: {size[1] * scale:.0f}px"
        else:
            style = f"max-height: {room}px"
        slide.add(f'<img class="rs-figure" alt="Figure: {html.escape(self.context)}" style="{style}" '
                  f'src="data:{mime};base64,{payload}">', room)
        if caption:
            slide.add(f'<pre class="rs-caption">{html.escape(caption)}</pre>', 0)


def _png_size(payload):
    """(width, height) in pixels of a base64 PNG, or None if it is not one."""
    head = base64.b64decode(payload[:44] + "=" * (-len(payload[:44]) % 4), validate=False)
    return struct.unpack(">II", head[16:24]) if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) >= 24 else None


def _plain(value):
    text = "".join(value) if isinstance(value, list) else value
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _slide_type(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def deck_notebook(nb, name="Slides"):
    """The notebook of a deck: markdown cells with reveal.js slide metadata, laid out for projecting.

    ``nb`` is a notebook (as read by nbformat or json); its first cell gives the title slide if it
    is a markdown cell with a ``#`` heading, else ``name`` does. Each slide is one markdown cell whose
    ``slideshow.data.rs_layout`` names its layout ("title", "text", "figure" or "output"), followed
    by a cell of slide type ``notes`` when it has speaker notes.
    """
    import nbformat

    deck, cells = _Deck(), list(nb["cells"])
    first = "".join(cells[0].get("source", "")) if cells and cells[0]["cell_type"] == "markdown" else ""
    if re.search(r"^# .*\S", first, re.M):
        deck.title(first)
        cells = cells[1:]
    else:
        deck.title(f"# {name}")
    for cell in cells:
        kind, source = _slide_type(cell), "".join(cell.get("source", ""))
        if kind == "skip":
            continue
        if kind == "notes":
            deck.note(source)
        elif cell["cell_type"] == "markdown":
            deck.markdown(source, cell.get("attachments"))
        elif cell["cell_type"] == "code":
            deck.code(cell)
    cells = []
    for slide in deck.slides:
        meta = {"slideshow": {"slide_type": slide.level, "data": {"rs_layout": slide.layout}}}
        cells.append(nbformat.v4.new_markdown_cell(_retarget("\n\n".join(slide.parts)), metadata=meta))
        if slide.attachments:
            cells[-1].attachments = slide.attachments
        if slide.notes:
            cells.append(nbformat.v4.new_markdown_cell(_retarget("\n\n".join(slide.notes)),
                                                       metadata={"slideshow": {"slide_type": "notes"}}))
    return nbformat.v4.new_notebook(cells=cells, metadata={k: v for k, v in nb.get("metadata", {}).items()
                                                            if k in ("kernelspec", "language_info", "title")})


# ---------------------------------------------------------------------------------------------
# The page: reveal.js set up for 1280x720, CSS that fits the content, type shrunk where needed
# ---------------------------------------------------------------------------------------------

# The decks hold no mermaid diagrams (so nothing is fetched for them); the CSS sizes the type for a
# projector and keeps figures inside the slide; the script sets reveal.js up and shrinks the type
# of any slide whose content is still larger than the slide.
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({tex2jax: {ignoreClass: "tex2jax_ignore|notes"}, CommonHTML: {linebreaks: {automatic: false}}});
</script>
<style type="text/css">
body .reveal { font-size: 28px; }
body .reveal .slides { text-align: left; }
body .reveal .slides section { padding: 16px 0; }
body .reveal .jp-RenderedHTMLCommon { font-size: 1em; line-height: 1.3; padding: 0; overflow: visible; }
body .reveal .jp-Cell, body .reveal .jp-Cell-inputWrapper, body .reveal .jp-InputArea { padding: 0; margin: 0; }
body .reveal .jp-Collapser, body .reveal a.anchor-link { display: none; }
body .reveal .jp-RenderedHTMLCommon :is(h1, h2, h3, h4) {
  font-family: "Source Sans Pro", Helvetica, sans-serif; text-transform: none; color: #222;
  line-height: 1.15; margin: 0 0 0.45em 0; font-weight: 600; }
body .reveal .jp-RenderedHTMLCommon h1 { font-size: 2em; }
body .reveal .jp-RenderedHTMLCommon h2 { font-size: 1.55em; }
body .reveal .jp-RenderedHTMLCommon h3 { font-size: 1.35em; }
body .reveal .jp-RenderedHTMLCommon h4 { font-size: 0.8em; color: #777; font-weight: 400; margin-bottom: 0.5em; }
body .reveal .jp-RenderedHTMLCommon p { margin: 0 0 0.5em 0; }
body .reveal .jp-RenderedHTMLCommon :is(ul, ol) { margin: 0 0 0.5em 0; padding-left: 1.3em; }
body .reveal .jp-RenderedHTMLCommon li { margin: 0 0 0.28em 0; }
body .reveal .jp-RenderedHTMLCommon li > p { margin: 0; }
body .reveal .jp-RenderedHTMLCommon table { font-size: 0.75em; margin: 0.2em 0 0.6em 0; table-layout: auto; }
body .reveal .jp-RenderedHTMLCommon :is(th, td) { padding: 0.25em 0.5em; border-bottom: 1px solid #ccc;
  overflow-wrap: break-word; }
body .reveal .jp-RenderedHTMLCommon code { font-size: 0.9em; padding: 0 0.15em; background: #f3f3f3; }
body .reveal .jp-RenderedHTMLCommon pre { box-shadow: none; margin: 0.2em 0; padding: 0.3em 0.5em;
  width: auto; background: #f6f6f6; border-radius: 4px; line-height: 1.25; white-space: pre; overflow: visible; }
body .reveal .jp-RenderedHTMLCommon pre.rs-output { width: fit-content; max-width: 100%; box-sizing: border-box; }
body .reveal .jp-RenderedHTMLCommon pre.rs-wrap { white-space: pre-wrap; overflow-wrap: anywhere; }
body .reveal .jp-RenderedHTMLCommon pre.rs-caption { font-size: 0.7em; background: none; text-align: center; }
body .reveal .jp-RenderedHTMLCommon img.rs-figure { display: block; margin: 0 auto; max-width: 100%;
  width: auto; height: auto; object-fit: contain; }
body .reveal section[data-rs-layout="figure"] img:not(.rs-figure) { display: block; margin: 0 auto;
  max-width: 100%; max-height: {{ figure_height }}px; }
body .reveal .jp-RenderedHTMLCommon .MJXc-display { margin: 0.5em 0; }
body .reveal section[data-rs-layout="title"] { text-align: center; }
body .reveal section[data-rs-layout="title"] p { font-size: 0.7em; color: #555; }
body .reveal .slide-number { font-size: 14px; }
</style>
{%- endblock html_head_css -%}
{%- block footer_js -%}
<script>
require({waitSeconds: 15},
  ["{{ resources.reveal.url_prefix }}/dist/reveal.js", "{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"],
  function (Reveal, RevealNotes) {
    window.Reveal = Reveal;
    var W = {{ resources.reveal.width }}, H = {{ resources.reveal.height }}, MIN_FIT = {{ min_fit }};
    // Shrink the type of a slide whose content is larger than the slide, in steps of 5%.
    function fit(section) {
      var k = 1;
      section.style.fontSize = "";
      while ((section.scrollHeight > H + 1 || section.scrollWidth > W + 1) && k > MIN_FIT + 1e-9) {
        k -= 0.05;
        section.style.fontSize = k.toFixed(2) + "em";
      }
      section.setAttribute("data-rs-fit", k.toFixed(2));
    }
    function fitAll() {
      document.querySelectorAll(".reveal .slides section:not(.stack)").forEach(fit);
      Reveal.layout();
      document.documentElement.setAttribute("data-deck-ready", "true");
    }
    Reveal.initialize({
      // No arrows over the figures; the arrow keys, space and a presenter's clicker walk through every
      // slide in order (a section's slides included), Esc shows them all as a grid.
      controls: false, navigationMode: "linear", progress: true, hash: true, center: true, transition: "none",
      slideNumber: "{{ resources.reveal.number }}", width: W, height: H, margin: 0.04,
      viewDistance: 1000,  // every slide laid out at once, so MathJax measures them all
      plugins: [RevealNotes]
    }).then(function () {
      return document.fonts ? document.fonts.ready : null;
    }).then(function () {
      if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(fitAll); } else { fitAll(); }
    });
  });
</script>
{%- endblock footer_js -%}
"""


def make_exporter(offline=False):
    """An nbconvert ``SlidesExporter`` set up for the series (its template adds the layout's CSS)."""
    from jinja2 import DictLoader
    from nbconvert.exporters import SlidesExporter
    from traitlets.config import Config

    c = Config()
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_transition = "none"
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_width = str(WIDTH)
    c.SlidesExporter.reveal_height = str(HEIGHT)
    c.SlidesExporter.embed_images = True  # pictures in the text travel inside the deck
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    if offline:
        c.SlidesExporter.reveal_url_prefix = "_assets/reveal.js"
        c.SlidesExporter.require_js_url = "_assets/require.js"
        c.SlidesExporter.jquery_url = "_assets/jquery.min.js"
        c.SlidesExporter.mathjax_url = "_assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    exporter = SlidesExporter(config=c, extra_loaders=[DictLoader({"rmsprop_deck.html.j2": _TEMPLATE})])
    exporter.template_file = "rmsprop_deck.html.j2"
    exporter.environment.globals["min_fit"] = MIN_FIT
    exporter.environment.globals["figure_height"] = HEIGHT - _FIGURE_TOP
    return exporter


def export_deck(notebook, out, exporter):
    """Write ``out/<notebook name>.slides.html`` and return its path."""
    import nbformat

    notebook = Path(notebook)
    nb = deck_notebook(nbformat.read(notebook, as_version=4), name=notebook.stem)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem,
                                                                      "path": str(notebook.parent)}})
    path = Path(out) / f"{notebook.stem}.slides.html"
    path.write_text(body, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Assets for offline decks, the command line
# ---------------------------------------------------------------------------------------------

def default_notebooks_dir():
    """notebooks/ of the checkout this module belongs to, or of the current folder."""
    here = Path(__file__).resolve().parent.parent / "notebooks"
    return here if here.is_dir() else Path.cwd() / "notebooks"


def _cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rmsprop_lib" / "slide-assets"


def fetch_assets(dest=None):
    """Install the npm packages of ``ASSET_PACKAGES`` into ``dest`` (once) and return ``dest``."""
    dest = Path(dest or _cache_dir())
    if _has_assets(dest):
        return dest
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "--offline needs the reveal.js, require.js, jQuery and MathJax files: install npm, or run "
            f"'npm install --prefix DIR {' '.join(ASSET_PACKAGES)}' elsewhere and pass --assets DIR")
    dest.mkdir(parents=True, exist_ok=True)
    print(f"fetching {' '.join(ASSET_PACKAGES)} into {dest} (once)", flush=True)
    result = subprocess.run([npm, "install", "--prefix", str(dest), "--no-audit", "--no-fund", "--silent",
                             *ASSET_PACKAGES], capture_output=True, text=True)
    if result.returncode != 0 or not _has_assets(dest):
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise RuntimeError(f"'npm install {' '.join(ASSET_PACKAGES)}' failed (exit {result.returncode})"
                           + (f": {detail[-1]}" if detail else "") + "; pass --assets DIR with the packages instead")
    return dest


def _modules(assets):
    assets = Path(assets)
    return assets / "node_modules" if (assets / "node_modules").is_dir() else assets


def _has_assets(assets):
    modules = _modules(assets)
    return all((modules / src).exists() for src, _ in _ASSET_FILES)


def _check_assets(assets):
    modules = _modules(assets)
    missing = [src for src, _ in _ASSET_FILES if not (modules / src).exists()]
    if missing:
        raise ValueError(f"assets must hold the npm packages {', '.join(ASSET_PACKAGES)}; "
                         f"missing in {modules}: {', '.join(missing)}")
    return modules


def copy_assets(assets, out):
    """Copy the files an offline deck needs from ``assets`` into ``out/_assets``."""
    modules = _check_assets(assets)
    target = Path(out) / "_assets"
    for src, dst in _ASSET_FILES:
        src, dst = modules / src, target / dst
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    return target


def _check_out(out):
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder path (str or Path), got {type(out).__name__}")
    if str(out).strip() == "":
        raise ValueError("out must name a folder for the decks; got an empty string")
    out = Path(out)
    for folder in (out, *out.parents):
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"out must be a folder, but {folder} is a file")
    return out


def export_all(out="slides", notebooks_dir=None, offline=False, assets=None, names=None):
    """Export a deck of every ``NN_*.ipynb`` in ``notebooks_dir`` (or only ``names``); return the paths."""
    out = _check_out(out)
    notebooks_dir = Path(notebooks_dir or default_notebooks_dir())
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir must be a folder of NN_name.ipynb notebooks; not found: {notebooks_dir}")
    notebooks = sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise ValueError(f"notebooks_dir holds no NN_name.ipynb notebooks: {notebooks_dir}")
    if names is not None and (isinstance(names, str) or not all(isinstance(n, str) for n in names)):
        raise TypeError(f"names must be a list of notebook names such as ['03_rmsprop'], got {names!r}")
    if names:
        unknown = [n for n in names if not any(n in (p.name, p.stem) for p in notebooks)]
        if unknown:
            raise ValueError(f"unknown notebook name(s): {', '.join(unknown)}; "
                             f"choose from {', '.join(p.stem for p in notebooks)}")
        notebooks = [p for p in notebooks if p.name in names or p.stem in names]
    if assets is not None and not Path(assets).is_dir():
        raise ValueError(f"assets must be a folder holding the npm packages {', '.join(ASSET_PACKAGES)}; "
                         f"not found: {assets}")
    if offline:  # checked before anything is written, so a refusal leaves no empty folder behind
        assets = fetch_assets() if assets is None else assets
        _check_assets(assets)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"out: cannot create the folder {out}: {err.strerror or err}") from None
    if offline:
        copy_assets(assets, out)
    exporter = make_exporter(offline=offline)
    paths = []
    for i, notebook in enumerate(notebooks, 1):
        start = time.perf_counter()
        path = export_deck(notebook, out, exporter)
        print(f"[{i}/{len(notebooks)}] {path.name} ({count_slides(path.read_text(encoding='utf-8'))} slides, "
              f"{time.perf_counter() - start:.1f} s)", flush=True)
        paths.append(path)
    return paths


def count_slides(html_text, vertical=False):
    """The number of top-level slides (outer ``<section>``), or with ``vertical`` of every slide shown."""
    from html.parser import HTMLParser

    class Counter(HTMLParser):
        depth = 0
        slides = 0
        leaves = 0
        nested = []

        def handle_starttag(self, tag, attrs):
            if tag == "section":
                if self.depth == 0:
                    self.slides += 1
                if self.nested:
                    self.nested[-1] = True
                self.nested.append(False)
                self.depth += 1

        def handle_endtag(self, tag):
            if tag == "section":
                self.depth -= 1
                self.leaves += not self.nested.pop()

    counter = Counter()
    counter.feed(html_text)
    return counter.leaves if vertical else counter.slides


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rmsprop_lib.slides",
                                     description="Export a reveal.js slide deck of every notebook.")
    parser.add_argument("--out", default="slides", help="folder for the decks, created if needed (default: slides)")
    parser.add_argument("--notebooks", help="folder holding the notebooks (default: this checkout's notebooks/)")
    parser.add_argument("--offline", action="store_true",
                        help="copy reveal.js, require.js, jQuery and MathJax next to the decks")
    parser.add_argument("--assets", help="with --offline: a folder where the npm packages "
                                         f"{' '.join(ASSET_PACKAGES)} are installed")
    parser.add_argument("names", nargs="*", help="only these notebooks (e.g. 03_rmsprop)")
    args = parser.parse_args(argv)

    def fail(message):  # one line, no usage text and no traceback
        options = {"out": "--out", "notebooks_dir": "--notebooks", "assets": "--assets"}
        message = re.sub(r"^(out|notebooks_dir|assets)\b", lambda m: options[m.group(1)], message)
        print(f"{parser.prog}: error: {message}", file=sys.stderr)
        return 2

    if args.assets and not args.offline:
        return fail("--assets only makes sense with --offline")
    start = time.perf_counter()
    try:
        paths = export_all(args.out, args.notebooks, offline=args.offline, assets=args.assets, names=args.names)
    except (ValueError, TypeError, RuntimeError) as err:
        return fail(str(err))
    except OSError as err:  # e.g. a full disk or a folder without write permission
        return fail(f"{err.strerror or err}: {err.filename or args.out}")
    print(f"{len(paths)} deck(s) in {args.out}/ ({time.perf_counter() - start:.1f} s); "
          f"open one in a browser, press S for speaker notes, F for full screen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
