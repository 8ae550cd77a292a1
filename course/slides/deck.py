"""From a notebook to the cells of a deck: one idea per slide, the narrative in the speaker notes."""
import base64
import html
import math
import re
import struct

from .text import (_BUDGET, _CHARS, _DETAILS, _FIGURE_TOP, _IMAGE, _LEAD_CHARS, _MONO, _NOTEBOOK_LINK, _OUTPUT_LINES,
                   _OUTPUT_SIZES, _WHOLE_ITEMS, HEIGHT, WIDTH, _blocks, _column_groups, _heading_height, _list_items,
                   _math_height, _sentences, _split_display, _table_cells, _table_height, _table_markdown,
                   _text_height, _visible_length, shorten)

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
