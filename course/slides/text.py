"""Measuring and cutting markdown for a slide: how much space a text, a formula or a table takes."""
import math
import re

#: The size of a slide in CSS pixels (reveal.js scales it to the window, keeping the aspect ratio).
WIDTH, HEIGHT = 1280, 720
#: The smallest factor a deck may shrink a slide's type by when it opens (see ``_TEMPLATE``).
MIN_FIT = 0.7

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
