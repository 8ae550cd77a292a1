"""The names in a link: GitHub's rules for "owner/name", git's for a tag, and the addresses built from them."""
import re
from urllib.parse import quote

from .target import REF, REPO

# GitHub: an account or organisation name is letters, digits and single hyphens, neither first nor
# last, at most 39 characters; a repository name is letters, digits, ".", "-" and "_" (at most 100).
_OWNER_RE = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}")
_NAME_RE = re.compile(r"[A-Za-z0-9._-]{1,100}")
# Inside the link patterns: any owner/name shape, so that stale links of any repository are found.
_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_NAME = r"[A-Za-z0-9._-]+"
_NOTEBOOK_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.ipynb")

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

