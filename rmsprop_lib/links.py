"""Where the series lives, and the command that retargets every link to it.

``REPO`` and ``REF`` below are the one source of truth for the repository (owner/name on
GitHub) and the branch or tag the launch links point at. They appear in:

- the "Open in Colab" and Binder badges of README.md and of every notebook's title cell,
- the Colab setup cell of every notebook
  (``%pip install -q "rmsprop_lib @ git+https://github.com/OWNER/NAME@REF"``),
- plain ``https://github.com/OWNER/NAME`` links in README.md and the notebooks.

A lecturer who forks the series retargets all of them, and these two constants, in one step::

    python -m rmsprop_lib.links --repo my-university/optimizers-course --ref spring-term
    python -m rmsprop_lib.links --check      # every link agrees with REPO and REF? (exit 1 if not)

The command also keeps each title cell's previous/next links pointing at the neighbouring
notebooks. Notebooks are edited as JSON: only the changed source lines differ afterwards
(outputs, metadata and formatting are kept).
"""
import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

#: GitHub repository of the series, "owner/name".
REPO = "example-org/rmsprop-series"
#: Branch or tag the launch links and the Colab install point at.
REF = "main"

_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_NAME = r"[A-Za-z0-9._-]+"
_REPO_RE = re.compile(rf"^{_OWNER}/{_NAME}$")
_REF_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/-]*$")

# Each pattern captures the parts that stay ("pre", "path", "query") around owner/name/ref.
_COLAB = re.compile(
    rf"https://colab\.research\.google\.com/github/(?P<repo>{_OWNER}/{_NAME})/blob/(?P<ref>[^\s)\"'<>]+?)"
    r"/(?P<path>notebooks/[^\s)\"'<>/]+\.ipynb)")
_BINDER = re.compile(
    rf"https://mybinder\.org/v2/gh/(?P<repo>{_OWNER}/{_NAME})/(?P<ref>[^\s)\"'<>?]+)"
    r"(?P<query>\?[^\s)\"'<>]*)?")
_PIP = re.compile(
    rf"rmsprop_lib @ git\+https://github\.com/(?P<repo>{_OWNER}/{_NAME}?)(?:\.git)?@(?P<ref>[^\s\"'<>]+)")
_NAV = re.compile(r"\[(?P<text>[^\]]*?(?:previous|next)[^\]]*)\]\((?P<target>\d\d_[A-Za-z0-9_-]+\.ipynb)\)",
                  re.IGNORECASE)
_CONSTANT = re.compile(r'^(?P<name>REPO|REF) = "(?P<value>[^"]*)"$', re.MULTILINE)
_SETUP_MARK = "google.colab"


def _check_repo(repo):
    if not isinstance(repo, str) or not _REPO_RE.match(repo) or repo.endswith(".git"):
        raise ValueError(f"repo must look like 'owner/name' (a GitHub repository), got {repo!r}")
    return repo


def _check_ref(ref):
    if not isinstance(ref, str) or not _REF_RE.match(ref) or ".." in ref or ref.endswith(("/", ".lock")):
        raise ValueError(f"ref must be a branch or tag name such as 'main' or 'v1.0', got {ref!r}")
    return ref


def colab_url(notebook, repo=REPO, ref=REF):
    """The "Open in Colab" address of ``notebooks/<notebook>``."""
    return f"https://colab.research.google.com/github/{repo}/blob/{ref}/notebooks/{notebook}"


def binder_url(notebook="00_start_here.ipynb", repo=REPO, ref=REF):
    """The Binder address that opens JupyterLab at ``notebooks/<notebook>``."""
    return f"https://mybinder.org/v2/gh/{repo}/{quote(ref, safe='')}?urlpath=lab/tree/notebooks/{notebook}"


def pip_spec(repo=REPO, ref=REF):
    """The requirement the Colab setup cell installs."""
    return f"rmsprop_lib @ git+https://github.com/{repo}@{ref}"


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
        self.repo, self.ref, self.old_repo = repo, ref, old_repo
        self.notebooks = notebooks  # sorted notebook file names, for previous/next links
        github = {re.escape(r) for r in {old_repo, repo}}
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

        text = sub(_COLAB, lambda m: colab_url(m.group("path")[len("notebooks/"):], self.repo, self.ref), text)
        text = sub(_BINDER, lambda m: f"https://mybinder.org/v2/gh/{self.repo}/{quote(self.ref, safe='')}"
                                      f"{m.group('query') or ''}", text)
        text = sub(_PIP, lambda m: pip_spec(self.repo, self.ref), text)

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


def _process_notebook(path, rewriter, write, root):
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    rel = path.relative_to(root).as_posix()
    findings = []
    changed = False
    for index, cell in enumerate(nb.get("cells", [])):
        source = cell.get("source", "")
        lines = _lines(source)
        new_lines = []
        for line in lines:
            new, changes = rewriter.rewrite(line, notebook=path.name)
            findings += [Finding(rel, f"cell {index}", old, repl) for old, repl in changes]
            new_lines.append(new)
        if new_lines != lines:
            changed = True
            cell["source"] = new_lines if isinstance(source, list) else new_lines[0]
    findings += _missing_in_notebook(nb, rel, path.name, rewriter)
    if write and changed:
        path.write_text(dump_notebook(nb), encoding="utf-8")
    return findings


def _missing_in_notebook(nb, rel, name, rewriter):
    """Launch links every notebook must have: its own badges in the title cell and the setup cell."""
    cells = nb.get("cells", [])
    title = _notebook_text(cells[0]) if cells else ""
    found = []
    colab = colab_url(name, rewriter.repo, rewriter.ref)
    binder = f"https://mybinder.org/v2/gh/{rewriter.repo}/{quote(rewriter.ref, safe='')}?urlpath=lab/tree/notebooks/{name}"
    if colab not in title:
        found.append(Finding(rel, "cell 0", "no Open in Colab badge pointing at this notebook", colab))
    if binder not in title:
        found.append(Finding(rel, "cell 0", "no Binder badge opening this notebook", binder))
    setup = [c for c in cells if c.get("cell_type") == "code" and _SETUP_MARK in _notebook_text(c)]
    if not any(pip_spec(rewriter.repo, rewriter.ref) in _notebook_text(c) for c in setup):
        found.append(Finding(rel, "setup cell", "no Colab setup cell installing the package",
                             f'%pip install -q "{pip_spec(rewriter.repo, rewriter.ref)}"'))
    return found


def _process_text(path, rewriter, write, root):
    raw = path.read_text(encoding="utf-8")
    new, changes = rewriter.rewrite(raw)
    if write and new != raw:
        path.write_text(new, encoding="utf-8")
    rel = path.relative_to(root).as_posix()
    return [Finding(rel, "text", old, repl) for old, repl in changes]


def _process_constants(path, repo, ref, write, root):
    raw = path.read_text(encoding="utf-8")
    want = {"REPO": repo, "REF": ref}
    findings = []

    def repl(m):
        new = f'{m.group("name")} = "{want[m.group("name")]}"'
        if new != m.group(0):
            findings.append(Finding(path.relative_to(root).as_posix(), "constants", m.group(0), new))
        return new
    new = _CONSTANT.sub(repl, raw)
    if write and new != raw:
        path.write_text(new, encoding="utf-8")
    return findings


def default_root():
    """The checkout this module belongs to, or the current folder (e.g. when installed)."""
    here = Path(__file__).resolve().parent.parent
    if (here / "notebooks").is_dir():
        return here
    return Path.cwd()


def retarget(repo=None, ref=None, root=None, check=False):
    """Point every link at ``repo``/``ref`` (or, with ``check=True``, only report disagreements).

    ``repo`` and ``ref`` default to the values in ``root/rmsprop_lib/links.py`` (or this module's).
    Returns the list of ``Finding`` s: links that disagreed (and, unless ``check``, were fixed),
    plus missing badges or setup cells, which are never added automatically.
    """
    root = Path(default_root() if root is None else root)
    if not root.is_dir():
        raise ValueError(f"root must be a folder holding README.md and notebooks/, got {str(root)!r}")
    constants_file = root / "rmsprop_lib" / "links.py"
    current = {"REPO": REPO, "REF": REF}
    if constants_file.is_file():
        current.update({m.group("name"): m.group("value")
                        for m in _CONSTANT.finditer(constants_file.read_text(encoding="utf-8"))})
    repo = _check_repo(current["REPO"] if repo is None else repo)
    ref = _check_ref(current["REF"] if ref is None else ref)
    notebooks = sorted(p.name for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    rewriter = _Rewriter(repo, ref, current["REPO"], notebooks)
    findings = []
    if (root / "README.md").is_file():
        findings += _process_text(root / "README.md", rewriter, not check, root)
    for name in notebooks:
        findings += _process_notebook(root / "notebooks" / name, rewriter, not check, root)
    if constants_file.is_file():
        findings += _process_constants(constants_file, repo, ref, not check, root)
    return findings


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m rmsprop_lib.links",
        description="Point every Colab/Binder badge, previous/next link and Colab setup cell of "
                    "README.md and notebooks/*.ipynb (and the constants in rmsprop_lib/links.py) "
                    "at one repository and ref.")
    parser.add_argument("--repo", help=f"GitHub repository OWNER/NAME (default: the current REPO, {REPO})")
    parser.add_argument("--ref", help=f"branch or tag (default: the current REF, {REF})")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; list every link that disagrees and exit 1 if any does")
    parser.add_argument("--root", help="the checkout to work on (default: this package's checkout)")
    args = parser.parse_args(argv)
    try:
        findings = retarget(args.repo, args.ref, args.root, check=args.check)
    except ValueError as err:
        parser.error(str(err))
    root = Path(default_root() if args.root is None else args.root)
    missing = [f for f in findings if f.old.startswith("no ")]
    if args.check:
        for f in findings:
            print(f)
        if findings:
            print(f"{len(findings)} link(s) disagree", file=sys.stderr)
            return 1
        print(f"all links agree ({root})")
        return 0
    fixed = [f for f in findings if f not in missing]
    for f in fixed:
        print(f"fixed {f.file} [{f.where}]: {f.old} -> {f.new}")
    for f in missing:
        print(f"NOT FIXED {f}", file=sys.stderr)
    print(f"{len(fixed)} link(s) rewritten")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
