"""Plan every change (reading and checking every file first), then write all or nothing."""
import os
import re
import subprocess
from pathlib import Path

from . import target
from .names import _check_ref, _check_repo
from .rewrite import Finding, _process_constants, _process_notebook, _read, _read_constants, _Rewriter

#: The file holding REPO and REF, relative to the checkout.
CONSTANTS = "course/links/target.py"


def default_root():
    """The checkout this module belongs to, or the current folder (e.g. when copied elsewhere)."""
    here = Path(__file__).resolve().parents[2]
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
    constants_file = root / CONSTANTS
    current, constants_raw = {"REPO": target.REPO, "REF": target.REF}, None
    where = "this module"
    if constants_file.is_file():
        where = CONSTANTS
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
        new, found = _process_constants(constants_raw, CONSTANTS, repo, ref)
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

    ``repo`` and ``ref`` default to the values in ``root/course/links/target.py`` (or this package's).
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
    if repo == target.PLACEHOLDER:
        warnings.append(f"the links point at the placeholder repository {target.PLACEHOLDER}: before teaching from "
                        "your copy, run `python -m course.links --repo OWNER/NAME --ref TAG` with your "
                        "GitHub repository and the tag you teach from")
    if ref_kind(ref, root) == "branch":
        warnings.append(f"REF {ref!r} is a branch, so every push to it changes the notebooks and the package "
                        "your students get: tag the version you teach and retarget to the tag "
                        "(`python -m course.links --ref TAG`)")
    return warnings


def link_warnings(repo=None, ref=None, root=None):
    """One-line warnings about where the links point: the placeholder repository, or a branch."""
    root, repo, ref, _, _ = _plan(repo, ref, root)
    return _warnings(repo, ref, root)

