"""Where the series lives, and the command that retargets every link to it.

``REPO`` and ``REF`` below are the one source of truth for the repository (owner/name on
GitHub) and the tag (or commit) the launch links point at. They appear in:

- the "Open in Colab" and Binder badges of README.md and of every notebook's title cell,
- the Colab setup cell of every notebook
  (``%pip install "rmsprop_lib @ git+https://github.com/OWNER/NAME@REF"``),
- plain ``https://github.com/OWNER/NAME`` links in README.md and the notebooks.

One ref for reading and for installing
--------------------------------------
A notebook opened from a badge and the package its setup cell installs come from the same ``REF``,
so the code a notebook imports is always the code it was written and tested with. ``REF`` should be
a tag (or a full commit hash), not a branch: then neither the notebooks nor the package can change
under the students during a course. The setup cell lets pip speak (no ``-q``), so Colab's own notes,
such as its prompt to restart the session after an upgrade, stay visible. (A separate install ref
would let a notebook import a package older or newer than itself; one ref cannot.)

The original series points at the tag of its release, ``v`` + the version in pyproject.toml. To
release, retarget to the new tag first (``python -m rmsprop_lib.links --ref v0.2.0``), commit,
then tag that commit, so the tagged tree links to itself.

A lecturer who forks the series retargets all links, and these two constants, in one step, then
tags the commit that holds the new links::

    python -m rmsprop_lib.links --repo my-university/optimizers-course --ref spring-2027
    git commit -am "Links point at spring-2027" && git tag spring-2027
    git push origin HEAD spring-2027
    python -m rmsprop_lib.links --check      # every link agrees with REPO and REF? (exit 1 if not)

``--check`` also warns, without failing, when the links still point at the placeholder repository
``example-org/rmsprop-series`` of the original series, or when ``REF`` is a branch of the checkout.

The command also keeps each title cell's previous/next links pointing at the neighbouring
notebooks. It reads and checks every file before it writes any (all or nothing), and notebooks
are edited as JSON: only the changed source lines differ afterwards (outputs, metadata and
formatting are kept).
"""
import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

#: GitHub repository of the series, "owner/name".
REPO = "example-org/rmsprop-series"
#: Tag (or commit) the launch links open and the Colab setup cell installs.
REF = "v0.1.0"

#: The repository the original series names until it is published; a fork retargets away from it.
PLACEHOLDER = "example-org/rmsprop-series"

# GitHub: an account or organisation name is letters, digits and single hyphens, neither first nor
# last, at most 39 characters; a repository name is letters, digits, ".", "-" and "_" (at most 100).
_OWNER_RE = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}")
_NAME_RE = re.compile(r"[A-Za-z0-9._-]{1,100}")
# Inside the link patterns: any owner/name shape, so that stale links of any repository are found.
_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_NAME = r"[A-Za-z0-9._-]+"
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
_NOTEBOOK_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.ipynb")
_SETUP_MARK = "google.colab"

_REPO_RULE = ("repo must be a GitHub repository 'owner/name': the owner is letters, digits and single "
              "hyphens, not first or last; the name is letters, digits, '.', '-' and '_'")
_REF_RULE = ("ref must be a tag, branch or commit such as 'v1.0' or 'spring-2027': letters, digits, '.', "
             "'_', '-' and '/' following git's rules for names")


def _repo_problem(repo):
    """Why ``repo`` is not a GitHub repository name "owner/name" (GitHub's rules), or None."""
    owner, slash, name = repo.partition("/")
    if not slash or "/" in name:
        return "it must have exactly one '/'"
    if not owner or len(owner) > 39:
        return f"the owner must have 1 to 39 characters, {owner!r} has {len(owner)}"
    if not _OWNER_RE.fullmatch(owner):
        return f"the owner {owner!r} breaks these rules"
    if name in ("", ".", ".."):
        return f"the name cannot be {name!r}"
    if len(name) > 100:
        return f"the name must have at most 100 characters, it has {len(name)}"
    if not _NAME_RE.fullmatch(name):
        return "the name contains " + ", ".join(repr(c) for c in sorted(set(re.sub(r"[A-Za-z0-9._-]", "", name))))
    if name.lower().endswith(".git"):
        return "the name must not end with '.git'"
    return None


def _check_repo(repo, what="repo"):
    """``repo`` if it is a valid GitHub owner/name, else a ValueError/TypeError naming ``what``."""
    if not isinstance(repo, str):
        raise TypeError(f"{what} must be a str 'owner/name', got {type(repo).__name__}")
    problem = _repo_problem(repo)
    if problem:
        raise ValueError(f"{_REPO_RULE.replace('repo', what, 1)}; got {repo!r} ({problem})")
    return repo


def _ref_problem(ref):
    """Why ``ref`` cannot be used in the links (git check-ref-format's rules plus URL-safe characters)."""
    if ref == "":
        return "it is empty"
    if re.search(r"[\x00-\x20\x7f]", ref):
        return "it contains a space, a newline or another control character"
    bad = sorted(set(re.sub(r"[A-Za-z0-9._/-]", "", ref)))
    if bad:
        return "it contains " + ", ".join(repr(c) for c in bad)
    if ref.startswith("-"):
        return "it starts with '-'"
    if ref == "HEAD":
        return "'HEAD' is not a branch or tag name"
    if ref.startswith("/") or ref.endswith("/") or "//" in ref:
        return "it starts or ends with '/' or contains '//'"
    if ".." in ref:
        return "it contains '..'"
    if ref.endswith("."):
        return "it ends with '.'"
    parts = ref.split("/")
    if any(part.startswith(".") for part in parts):
        return "a part of it starts with '.'"
    if any(part.endswith(".lock") for part in parts):
        return "a part of it ends with '.lock'"
    return None


def _check_ref(ref, what="ref"):
    """``ref`` if git and the links accept it, else a ValueError/TypeError naming ``what``."""
    if not isinstance(ref, str):
        raise TypeError(f"{what} must be a str such as 'v1.0', got {type(ref).__name__}")
    problem = _ref_problem(ref)
    if problem:
        raise ValueError(f"{_REF_RULE.replace('ref', what, 1)}; got {ref!r} ({problem})")
    return ref


def _check_notebook(notebook):
    if not isinstance(notebook, str):
        raise TypeError(f"notebook must be a str such as '03_rmsprop.ipynb', got {type(notebook).__name__}")
    if not _NOTEBOOK_RE.fullmatch(notebook) or ".." in notebook:
        raise ValueError("notebook must be the file name of a notebook in notebooks/, such as "
                         f"'03_rmsprop.ipynb' (letters, digits, '.', '_', '-'; no folder), got {notebook!r}")
    return notebook


def colab_url(notebook, repo=REPO, ref=REF):
    """The "Open in Colab" address of ``notebooks/<notebook>``."""
    _check_notebook(notebook), _check_repo(repo), _check_ref(ref)
    return f"https://colab.research.google.com/github/{repo}/blob/{ref}/notebooks/{notebook}"


def _binder_base(repo, ref):
    return f"https://mybinder.org/v2/gh/{repo}/{quote(ref, safe='')}"


def binder_url(notebook="00_start_here.ipynb", repo=REPO, ref=REF):
    """The Binder address that opens JupyterLab at ``notebooks/<notebook>``."""
    _check_notebook(notebook), _check_repo(repo), _check_ref(ref)
    return f"{_binder_base(repo, ref)}?urlpath=lab/tree/notebooks/{notebook}"


def pip_spec(repo=REPO, ref=REF):
    """The requirement the Colab setup cell installs."""
    _check_repo(repo), _check_ref(ref)
    return f"rmsprop_lib @ git+https://github.com/{repo}@{ref}"


def setup_line(repo=REPO, ref=REF):
    """The install line of the Colab setup cell (pip's output stays visible)."""
    return f'%pip install "{pip_spec(repo, ref)}"'


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
    """``{"REPO": ..., "REF": ...}`` as written in a links.py, each line found exactly once."""
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


def default_root():
    """The checkout this module belongs to, or the current folder (e.g. when installed)."""
    here = Path(__file__).resolve().parent.parent
    if (here / "notebooks").is_dir():
        return here
    return Path.cwd()


def _check_root(root):
    if root is None:
        return Path(default_root())
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a path to a checkout of the series, got {type(root).__name__}")
    if str(root) == "":
        raise ValueError("root must be a path to a checkout of the series (README.md and notebooks/), got ''")
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"root must be a folder holding README.md and notebooks/, got {str(root)!r}"
                         f" ({'a file' if root.exists() else 'no such folder'})")
    return root


def _notebook_names(root):
    folder = root / "notebooks"
    names = sorted(p.name for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file()) if folder.is_dir() else []
    if not names:
        raise ValueError(f"root must be a checkout of the series, but {str(root)!r} has no notebooks/NN_name.ipynb "
                         "to retarget (pass --root the folder that holds README.md and notebooks/)")
    return names


def _plan(repo, ref, root):
    """Read and check every file; return ``(root, repo, ref, findings, writes)`` without writing."""
    root = _check_root(root)
    notebooks = _notebook_names(root)
    constants_file = root / "rmsprop_lib" / "links.py"
    current, constants_raw = {"REPO": REPO, "REF": REF}, None
    where = "this module"
    if constants_file.is_file():
        where = "rmsprop_lib/links.py"
        constants_raw = _read(constants_file, where)
        current = _read_constants(constants_raw, where)
    if repo is None:
        repo = _check_repo(current["REPO"], f"REPO in {where}")
    else:
        repo = _check_repo(repo)
    if ref is None:
        ref = _check_ref(current["REF"], f"REF in {where}")
    else:
        ref = _check_ref(ref)
    old_repo = current["REPO"]
    try:
        _check_repo(old_repo)
    except ValueError:
        old_repo = None  # a broken old value matches no link; the new one is written over it
    rewriter = _Rewriter(repo, ref, old_repo, notebooks)
    findings, writes = [], []
    readme = root / "README.md"
    if readme.is_file():
        raw = _read(readme, "README.md")
        new, changes = rewriter.rewrite(raw)
        findings += [Finding("README.md", "text", old, repl) for old, repl in changes]
        if new != raw:
            writes.append((readme, raw, new))
    for name in notebooks:
        path = root / "notebooks" / name
        rel = f"notebooks/{name}"
        raw = _read(path, rel)
        new, found = _process_notebook(raw, rel, name, rewriter)
        findings += found
        if new is not None:
            writes.append((path, raw, new))
    if constants_raw is not None:
        new, found = _process_constants(constants_raw, "rmsprop_lib/links.py", repo, ref)
        findings += found
        if new is not None:
            writes.append((constants_file, constants_raw, new))
    return root, repo, ref, findings, writes


def _write_all(writes, root):
    """Write every planned file; if one write fails, put back the ones already written."""
    done = []
    for path, old, new in writes:
        try:
            with open(path, "w", encoding="utf-8", newline="") as f:
                done.append((path, old))
                f.write(new)
        except OSError as err:
            for written, text in done:
                with open(written, "w", encoding="utf-8", newline="") as f:
                    f.write(text)
            raise OSError(f"could not write {path.relative_to(root).as_posix()} ({err.strerror or err}); "
                          "nothing was changed") from None


def retarget(repo=None, ref=None, root=None, check=False):
    """Point every link at ``repo``/``ref`` (or, with ``check=True``, only report disagreements).

    ``repo`` and ``ref`` default to the values in ``root/rmsprop_lib/links.py`` (or this module's).
    Every file is read and checked before any is written: a bad name or a broken notebook raises
    ValueError and changes nothing. Returns the list of ``Finding`` s: links that disagreed (and,
    unless ``check``, were fixed), plus missing badges or setup cells, which are never added
    automatically.
    """
    root, repo, ref, findings, writes = _plan(repo, ref, root)
    if not check:
        _write_all(writes, root)
    return findings


def ref_kind(ref, root=None):
    """What ``ref`` is: "commit" (a full hash), "tag" or "branch" (as git knows it in ``root``), or None."""
    _check_ref(ref)
    if re.fullmatch(r"[0-9a-f]{40}", ref):
        return "commit"
    root = _check_root(root)
    try:
        result = subprocess.run(["git", "-C", str(root), "for-each-ref", "--format=%(refname)", f"refs/tags/{ref}",
                                 f"refs/heads/{ref}", f"refs/remotes/*/{ref}"],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None  # no git here: nothing known
    if result.returncode != 0:
        return None  # not a git checkout
    names = result.stdout.split()
    if f"refs/tags/{ref}" in names:
        return "tag"
    if f"refs/heads/{ref}" in names or any(n.split("/", 3)[3:] == [ref] for n in names
                                             if n.startswith("refs/remotes/")):
        return "branch"
    return None


def _warnings(repo, ref, root):
    warnings = []
    if repo == PLACEHOLDER:
        warnings.append(f"the links point at the placeholder repository {PLACEHOLDER}: before teaching from "
                        "your copy, run `python -m rmsprop_lib.links --repo OWNER/NAME --ref TAG` with your "
                        "GitHub repository and the tag you teach from")
    if ref_kind(ref, root) == "branch":
        warnings.append(f"REF {ref!r} is a branch, so every push to it changes the notebooks and the package "
                        "your students get: tag the version you teach and retarget to the tag "
                        "(`python -m rmsprop_lib.links --ref TAG`)")
    return warnings


def link_warnings(repo=None, ref=None, root=None):
    """One-line warnings about where the links point: the placeholder repository, or a branch."""
    root, repo, ref, _, _ = _plan(repo, ref, root)
    return _warnings(repo, ref, root)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def main(argv=None):
    parser = _Parser(
        prog="python -m rmsprop_lib.links",
        description="Point every Colab/Binder badge, previous/next link and Colab setup cell of "
                    "README.md and notebooks/*.ipynb (and the constants in rmsprop_lib/links.py) "
                    "at one repository and tag. The badges open the notebooks at that tag and the "
                    "setup cells install the package from it, so use a tag (or a commit), not a branch.")
    parser.add_argument("--repo", help=f"GitHub repository OWNER/NAME (default: the current REPO, {REPO})")
    parser.add_argument("--ref", help=f"tag (or commit) to open and install (default: the current REF, {REF})")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; list every link that disagrees and exit 1 if any does")
    parser.add_argument("--root", help="the checkout to work on (default: this package's checkout)")
    args = parser.parse_args(argv)
    try:
        root, repo, ref, findings, writes = _plan(args.repo, args.ref, args.root)
        if not args.check:
            _write_all(writes, root)
    except (ValueError, TypeError) as err:
        parser.exit(2, f"{parser.prog}: error: {err}\n")
    except OSError as err:
        parser.exit(1, f"{parser.prog}: error: {err}\n")
    warnings = _warnings(repo, ref, root)
    missing = [f for f in findings if f.old.startswith("no ")]
    if args.check:
        for f in findings:
            print(f)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        if findings:
            print(f"{len(findings)} link(s) disagree with {repo} @ {ref}", file=sys.stderr)
            return 1
        print(f"all links agree with {repo} @ {ref} ({root})")
        return 0
    fixed = [f for f in findings if f not in missing]
    for f in fixed:
        print(f"fixed {f.file} [{f.where}]: {f.old} -> {f.new}")
    for f in missing:
        print(f"NOT FIXED {f}", file=sys.stderr)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if fixed:
        print(f"{len(fixed)} link(s) rewritten to {repo} @ {ref}")
        if ref_kind(ref, root) is None and repo != PLACEHOLDER:
            print(f"next: commit these changes, then tag that commit and push both "
                  f"(git tag {ref} && git push origin HEAD {ref}); the links work once the tag is on GitHub")
    else:
        print(f"every link already points at {repo} @ {ref}; nothing rewritten")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
