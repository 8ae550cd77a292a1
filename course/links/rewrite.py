"""Finding and rewriting the links in a text, a notebook (as JSON) and the constants file."""
import json
import re
from dataclasses import dataclass

from .names import _NAME, _OWNER, _binder_base, binder_url, colab_url, pip_spec, setup_line

_STOP = r"\s)\"'<>"  # characters that end a link in Markdown, HTML or a quoted pip requirement

# Each pattern captures the parts that stay ("path", "query") around owner/name/ref.
_COLAB = re.compile(
    rf"https://colab\.research\.google\.com/github/(?P<repo>{_OWNER}/{_NAME})/blob/(?P<ref>[^{_STOP}]+?)"
    rf"/(?P<path>notebooks/[^{_STOP}/]+\.ipynb)")
_BINDER = re.compile(
    rf"https://mybinder\.org/v2/gh/(?P<repo>{_OWNER}/{_NAME})/(?P<ref>[^{_STOP}?]+)(?P<query>\?[^{_STOP}]*)?")
_PIP = re.compile(
    rf"rmsprop_lib @ git\+https://github\.com/(?P<repo>{_OWNER}/{_NAME}?)(?:\.git)?@(?P<ref>[^{_STOP}]+)")
# The setup cell's install lets pip speak: "-q"/"--quiet" before the requirement are dropped.
_PIP_QUIET = re.compile(r"%pip install(?:[ \t]+(?:-q+|--quiet))+(?=[ \t]+\"rmsprop_lib @ git\+)")
_NAV = re.compile(r"\[(?P<text>[^\]]*?(?:previous|next)[^\]]*)\]\((?P<target>\d\d_[A-Za-z0-9_-]+\.ipynb)\)",
                  re.IGNORECASE)
_CONSTANT = re.compile(r'^(?P<name>REPO|REF) = "(?P<value>[^"\\\n]*)"[ \t]*$', re.MULTILINE)
_SETUP_MARK = "google.colab"


@dataclass
class Finding:
    """One link that disagrees (``old``) with where the series lives (``new``)."""

    file: str
    where: str
    old: str
    new: str

    def __str__(self):
        return f"{self.file} [{self.where}]: {self.old}\n    should be: {self.new}"


class _Rewriter:
    """Rewrites one text (a README, a notebook cell) and records what changed."""

    def __init__(self, repo, ref, old_repo, notebooks):
        self.repo, self.ref = repo, ref
        self.notebooks = notebooks  # sorted notebook file names, for previous/next links
        github = {re.escape(r) for r in {old_repo, repo} if r}
        # Plain links to the repository itself (not the pip spec, which _PIP handles).
        self._github = re.compile(
            rf"(?<!git\+)https://github\.com/(?P<repo>{'|'.join(sorted(github))})(?P<rest>(?:\.git)?"
            r"(?:/(?:blob|tree)/(?P<ref>[^\s)\"'<>/]+))?)(?![A-Za-z0-9_-]|\.[A-Za-z0-9])")

    def rewrite(self, text, notebook=None):
        """The corrected text and a list of ``(old, new)`` pairs that differ."""
        changes = []

        def sub(pattern, make, text):
            def repl(m):
                new = make(m)
                if new != m.group(0):
                    changes.append((m.group(0), new))
                return new
            return pattern.sub(repl, text)

        text = sub(_COLAB, lambda m: (f"https://colab.research.google.com/github/{self.repo}/blob/{self.ref}/"
                                      f"{m.group('path')}"), text)
        text = sub(_BINDER, lambda m: f"{_binder_base(self.repo, self.ref)}{m.group('query') or ''}", text)
        text = sub(_PIP, lambda m: pip_spec(self.repo, self.ref), text)
        text = sub(_PIP_QUIET, lambda m: "%pip install", text)

        def github(m):
            rest = m.group("rest")
            if m.group("ref") is not None:
                rest = rest.replace(f"/{m.group('ref')}", f"/{self.ref}", 1)
            return f"https://github.com/{self.repo}{rest}"
        text = sub(self._github, github, text)

        if notebook is not None and notebook in self.notebooks:
            i = self.notebooks.index(notebook)

            def nav(m):
                # A "previous" link in the first notebook (or "next" in the last) is left alone.
                is_prev = "previous" in m.group("text").lower()
                j = i - 1 if is_prev else i + 1
                if 0 <= j < len(self.notebooks):
                    return f"[{m.group('text')}]({self.notebooks[j]})"
                return m.group(0)
            text = sub(_NAV, nav, text)
        return text, changes


def _lines(source):
    return source if isinstance(source, list) else [source]


def _notebook_text(cell):
    return "".join(_lines(cell.get("source", "")))


def dump_notebook(nb):
    """A notebook as nbformat/nbconvert write it: indent 1, UTF-8 kept, trailing newline."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def _read(path, rel):
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{rel} is not UTF-8 text ({err.reason} at byte {err.start}); nothing was changed") from None


def _load_notebook(raw, rel):
    """The notebook's JSON, or a ValueError saying what is wrong with the file."""
    try:
        nb = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ValueError(f"{rel} is not a valid notebook: its JSON is broken ({err.msg} at line {err.lineno} "
                         f"column {err.colno}); nothing was changed") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"{rel} is not a valid notebook: it has no list of cells; nothing was changed")
    for index, cell in enumerate(nb["cells"]):
        source = cell.get("source", "") if isinstance(cell, dict) else None
        if not (isinstance(source, str)
                or (isinstance(source, list) and all(isinstance(line, str) for line in source))):
            raise ValueError(f"{rel} is not a valid notebook: cell {index} has no text source; nothing was changed")
    return nb


def _process_notebook(raw, rel, name, rewriter):
    """The notebook's new text (or None if unchanged) and its findings."""
    nb = _load_notebook(raw, rel)
    findings = []
    changed = False
    for index, cell in enumerate(nb["cells"]):
        source = cell.get("source", "")
        lines = _lines(source)
        new_lines = []
        for line in lines:
            new, changes = rewriter.rewrite(line, notebook=name)
            findings += [Finding(rel, f"cell {index}", old, repl) for old, repl in changes]
            new_lines.append(new)
        if new_lines != lines:
            changed = True
            cell["source"] = new_lines if isinstance(source, list) else new_lines[0]
    findings += _missing_in_notebook(nb, rel, name, rewriter)
    return (dump_notebook(nb) if changed else None), findings


def _missing_in_notebook(nb, rel, name, rewriter):
    """Launch links every notebook must have: its own badges in the title cell and the setup cell."""
    cells = nb["cells"]
    title = _notebook_text(cells[0]) if cells else ""
    found = []
    colab = colab_url(name, rewriter.repo, rewriter.ref)
    binder = binder_url(name, rewriter.repo, rewriter.ref)
    if colab not in title:
        found.append(Finding(rel, "cell 0", "no Open in Colab badge pointing at this notebook", colab))
    if binder not in title:
        found.append(Finding(rel, "cell 0", "no Binder badge opening this notebook", binder))
    line = setup_line(rewriter.repo, rewriter.ref)
    setup = [c for c in cells if c.get("cell_type") == "code" and _SETUP_MARK in _notebook_text(c)]
    if not any(line in _notebook_text(c) for c in setup):
        found.append(Finding(rel, "setup cell", "no Colab setup cell installing the package", line))
    return found


def _read_constants(raw, rel):
    """``{"REPO": ..., "REF": ...}`` as written in the constants file (course/links/target.py), each line found exactly once."""
    found = {}
    for m in _CONSTANT.finditer(raw):
        found.setdefault(m.group("name"), []).append(m.group("value"))
    for name in ("REPO", "REF"):
        if len(found.get(name, [])) != 1:
            raise ValueError(f'{rel} must hold exactly one line {name} = "..." (a plain string on one line), '
                             f"found {len(found.get(name, []))}; restore it and run the command again")
    return {name: values[0] for name, values in found.items()}


def _process_constants(raw, rel, repo, ref):
    want = {"REPO": repo, "REF": ref}
    findings = []

    def repl(m):
        new = f'{m.group("name")} = "{want[m.group("name")]}"'
        if new != m.group(0):
            findings.append(Finding(rel, "constants", m.group(0), new))
        return new
    new = _CONSTANT.sub(repl, raw)
    # Belt and braces: the new file must still be Python and hold exactly the new values.
    try:
        compile(new, rel, "exec")
        ok = _read_constants(new, rel) == want
    except (SyntaxError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{rel} would not hold REPO = {repo!r} and REF = {ref!r} after rewriting; nothing was changed")
    return (new if new != raw else None), findings

