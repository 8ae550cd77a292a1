"""Where the series lives: badges, Colab setup cells, previous/next links."""
import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from course import links
from course.links import plan

CONSTANTS = "course/links/target.py"  # the file holding REPO and REF
FORK, FORK_REF = "lecturer-jane/optim-course", "spring-2027"
PROG = "python -m course.links"
PLACEHOLDER = "example-org/rmsprop-series"  # the original series' stand-in address, as the README shows it
GIT = shutil.which("git")


@pytest.fixture(scope="session")
def run(run_module):
    """``run(*args)``: the command in a new process, from the checkout."""
    return lambda *args: run_module("course.links", *args, timeout=120)


def main(capsys, *args):
    """The command run in this process: (exit status, stdout, stderr)."""
    try:
        status = links.main(list(args))
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="session")
def copy_checkout(checkout):
    """``copy_checkout(dest)``: README.md, the notebooks and the constants file, everything the command
    reads and writes, copied to ``dest``."""
    def copy(dest):
        (dest / CONSTANTS).parent.mkdir(parents=True)
        shutil.copy2(checkout / CONSTANTS, dest / CONSTANTS)
        shutil.copy2(checkout / "README.md", dest / "README.md")
        shutil.copytree(checkout / "notebooks", dest / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        return dest
    return copy


@pytest.fixture(scope="session")
def template_checkout(copy_checkout):
    """``template_checkout(dest)``: a copy of the checkout brought in line with REPO, REF and the setup-cell template."""
    def make(dest):
        root = copy_checkout(dest)
        links.retarget(root=root)
        assert links.retarget(root=root, check=True) == []
        return root
    return make


def files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def by_hand(text, old_repo, old_ref, new_repo, new_ref):
    """What retargeting must do, spelled out as plain string replacements."""
    for old, new in [
        (f"colab.research.google.com/github/{old_repo}/blob/{old_ref}/",
         f"colab.research.google.com/github/{new_repo}/blob/{new_ref}/"),
        (f"mybinder.org/v2/gh/{old_repo}/{old_ref}?", f"mybinder.org/v2/gh/{new_repo}/{new_ref}?"),
        (f"git+https://github.com/{old_repo}@{old_ref}", f"git+https://github.com/{new_repo}@{new_ref}"),
        (f"https://github.com/{old_repo}", f"https://github.com/{new_repo}"),
        (f'\nREPO = "{old_repo}"\n', f'\nREPO = "{new_repo}"\n'),
        (f'\nREF = "{old_ref}"\n', f'\nREF = "{new_ref}"\n'),
    ]:
        text = text.replace(old, new)
    return text


def setup_install(repo, ref):
    return f'%pip install "rmsprop_lib @ git+https://github.com/{repo}@{ref}"'


def load_links_module(path):
    spec = importlib.util.spec_from_file_location("copied_links", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- The checkout itself (these read the real README and notebooks) -----------------------------

def test_the_repository_itself_agrees_with_its_links_module(run):
    result = run("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"all links agree with {links.REPO} @ {links.REF}" in result.stdout
    assert ("placeholder repository" in result.stderr) == (links.REPO == PLACEHOLDER)


def test_every_notebook_points_at_itself_on_colab_and_binder(checkout):
    notebooks = sorted((checkout / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        title = "".join(nb["cells"][0]["source"])
        assert f"https://colab.research.google.com/github/{links.REPO}/blob/{links.REF}/notebooks/{path.name}" in title
        assert f"https://mybinder.org/v2/gh/{links.REPO}/{links.REF}?urlpath=lab/tree/notebooks/{path.name}" in title
        setup = [c for c in nb["cells"] if c["cell_type"] == "code" and "google.colab" in "".join(c["source"])]
        assert len(setup) == 1, path.name
        source = "".join(setup[0]["source"])
        # The install lets pip speak (Colab's restart prompt stays visible).
        assert setup_install(links.REPO, links.REF) in source, path.name
        assert " -q" not in source and "--quiet" not in source, path.name
    readme = (checkout / "README.md").read_text(encoding="utf-8")
    assert (f"https://mybinder.org/v2/gh/{links.REPO}/{links.REF}?urlpath=lab/tree/notebooks/00_start_here.ipynb"
            in readme)
    assert (f"https://colab.research.google.com/github/{links.REPO}/blob/{links.REF}/notebooks/00_start_here.ipynb"
            in readme)


def test_the_series_pins_its_links_to_a_tag_not_a_branch(checkout):
    # A branch moves: students who open the course a week later would get other notebooks and package.
    assert links.REF not in {"main", "master", "HEAD"}
    assert links.ref_kind(links.REF, checkout) != "branch"
    if GIT and subprocess.run([GIT, "-C", str(checkout), "rev-parse"], capture_output=True).returncode == 0:
        branches = subprocess.run([GIT, "-C", str(checkout), "branch", "--format=%(refname:short)"],
                                  capture_output=True, text=True, check=True).stdout.split()
        assert links.REF not in branches


# --- Retargeting a copy ---------------------------------------------------------------------------

def test_retargeting_a_fork_changes_only_the_links_and_round_trips(tmp_path, run, template_checkout):
    root = template_checkout(tmp_path / "fork")
    before = files(root)

    result = run("--root", str(root), "--repo", FORK, "--ref", FORK_REF)
    assert result.returncode == 0, result.stderr
    assert f"link(s) rewritten to {FORK} @ {FORK_REF}" in result.stdout
    assert f"git tag {FORK_REF}" in result.stdout  # the next step: tag the commit holding the new links
    assert "placeholder" not in result.stderr
    after = files(root)
    assert after.keys() == before.keys()
    for name, old in before.items():
        expected = by_hand(old.decode("utf-8"), links.REPO, links.REF, FORK, FORK_REF)
        # Byte for byte: outputs, metadata, key order, indentation and the final newline are kept.
        assert after[name].decode("utf-8") == expected, name
    for name, data in after.items():
        if name != CONSTANTS:  # it names the placeholder on purpose
            assert links.REPO.encode() not in data, f"{name} still mentions {links.REPO}"

    # The fork's links.py now holds the new constants...
    fork_links = load_links_module(root / CONSTANTS)
    assert (fork_links.REPO, fork_links.REF) == (FORK, FORK_REF)
    # ... so --check without arguments agrees, and a check against the old home lists every link.
    check = run("--root", str(root), "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stderr == ""  # no warning: neither the placeholder nor a branch
    stale = run("--root", str(root), "--check", "--repo", links.REPO, "--ref", links.REF)
    assert stale.returncode == 1
    assert "link(s) disagree" in stale.stderr
    assert f"should be: https://colab.research.google.com/github/{links.REPO}/blob/{links.REF}/" in stale.stdout

    # The notebooks are still valid notebooks.
    import nbformat
    for path in (root / "notebooks").glob("*.ipynb"):
        nbformat.validate(nbformat.read(path, as_version=4))

    # And back: byte-identical to where we started.
    assert run("--root", str(root), "--repo", links.REPO, "--ref", links.REF).returncode == 0
    assert files(root) == before


def _cell(kind, source, **metadata):
    cell = {"cell_type": kind, "metadata": metadata, "source": source.splitlines(keepends=True)}
    if kind == "code":
        cell.update(execution_count=1, outputs=[{"name": "stdout", "output_type": "stream",
                                                 "text": ["Ünïcode stays, so do outputs\n"]}])
    return cell


def _title(name, repo, ref, nav):
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"(https://colab.research.google.com/github/{repo}/blob/{ref}/notebooks/{name}) "
            f"[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/{repo}/{ref}"
            f"?urlpath=lab/tree/notebooks/{name})\n\n# Title\n\n{nav}\n")


SETUP = ('# Setup: on Colab, install the helper package; elsewhere it is already installed.\nimport sys\n\n'
         'if "google.colab" in sys.modules:\n    %pip install{flags} "rmsprop_lib @ git+https://github.com/{repo}@{ref}"\n')


def _write_notebook(path, cells):
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _series(root, checkout):
    """A made-up series: 00 links to a previous owner (quiet install), 01's "next" skips, 02 has no setup."""
    (root / "notebooks").mkdir(parents=True)
    (root / CONSTANTS).parent.mkdir(parents=True)
    shutil.copy2(checkout / CONSTANTS, root / CONSTANTS)
    (root / "README.md").write_text(
        "# Series\n\n[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/old-owner/old-name/"
        f"v0.9?urlpath=lab/tree/notebooks/00_start.ipynb)\n\nClone https://github.com/{links.REPO}.git "
        "or see https://github.com/numpy/numpy.\n", encoding="utf-8")
    _write_notebook(root / "notebooks" / "00_start.ipynb", [
        _cell("markdown", _title("00_start.ipynb", "old-owner/old-name", "v0.9", "[next →](01_middle.ipynb)")),
        _cell("code", SETUP.format(flags=" -q", repo="old-owner/old-name", ref="v0.9"))])
    _write_notebook(root / "notebooks" / "01_middle.ipynb", [
        _cell("markdown", _title("01_middle.ipynb", links.REPO, links.REF,
                                 "[← previous](00_start.ipynb) | [next →](03_gone.ipynb)")),
        _cell("code", SETUP.format(flags=" --quiet -q", repo=links.REPO, ref=links.REF))])
    _write_notebook(root / "notebooks" / "02_end.ipynb", [
        _cell("markdown", _title("02_end.ipynb", links.REPO, links.REF, "[← previous](00_start.ipynb)"))])
    return root


def test_stale_links_wrong_neighbours_and_missing_pieces_in_a_made_up_series(tmp_path, checkout, run):
    root = _series(tmp_path / "series", checkout)

    check = run("--root", str(root), "--check")
    assert check.returncode == 1
    for expected in ["README.md [text]: https://mybinder.org/v2/gh/old-owner/old-name/v0.9?",
                     "notebooks/00_start.ipynb [cell 1]: rmsprop_lib @ git+https://github.com/old-owner/old-name@v0.9",
                     "notebooks/00_start.ipynb [cell 1]: %pip install -q\n    should be: %pip install\n",
                     "notebooks/01_middle.ipynb [cell 1]: %pip install --quiet -q\n    should be: %pip install\n",
                     "notebooks/01_middle.ipynb [cell 0]: [next →](03_gone.ipynb)",
                     "notebooks/02_end.ipynb [cell 0]: [← previous](00_start.ipynb)",
                     "notebooks/02_end.ipynb [setup cell]: no Colab setup cell"]:
        assert expected in check.stdout, expected

    fix = run("--root", str(root), "--repo", FORK, "--ref", FORK_REF)
    assert fix.returncode == 1  # the missing setup cell cannot be fixed automatically
    assert "NOT FIXED notebooks/02_end.ipynb [setup cell]" in fix.stderr
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"https://mybinder.org/v2/gh/{FORK}/{FORK_REF}?urlpath=lab/tree/notebooks/00_start.ipynb" in readme
    assert f"https://github.com/{FORK}.git" in readme
    assert "https://github.com/numpy/numpy." in readme  # other repositories are left alone
    middle = json.loads((root / "notebooks" / "01_middle.ipynb").read_text(encoding="utf-8"))
    assert "[← previous](00_start.ipynb) | [next →](02_end.ipynb)" in "".join(middle["cells"][0]["source"])
    assert middle["cells"][1]["outputs"][0]["text"] == ["Ünïcode stays, so do outputs\n"]
    assert f'    {setup_install(FORK, FORK_REF)}\n' in middle["cells"][1]["source"]
    end = json.loads((root / "notebooks" / "02_end.ipynb").read_text(encoding="utf-8"))
    assert "[← previous](01_middle.ipynb)" in "".join(end["cells"][0]["source"])
    first = (root / "notebooks" / "00_start.ipynb").read_text(encoding="utf-8")
    assert setup_install(FORK, FORK_REF).replace('"', '\\"') in first and "old-owner" not in first
    assert " -q" not in first
    assert "Ünïcode" in first  # written as UTF-8, not \\u escapes

    findings = links.retarget(root=root, check=True)
    assert [(f.file, f.where) for f in findings] == [("notebooks/02_end.ipynb", "setup cell")]
    assert findings[0].new == setup_install(FORK, FORK_REF)


def test_a_ref_with_a_slash_is_escaped_for_binder_only(tmp_path, run, template_checkout):
    root = template_checkout(tmp_path / "c")
    assert run("--root", str(root), "--repo", FORK, "--ref", "release/2027").returncode == 0
    nb = (root / "notebooks" / "03_rmsprop.ipynb").read_text(encoding="utf-8")
    assert f"https://mybinder.org/v2/gh/{FORK}/release%2F2027?urlpath=lab/tree/notebooks/03_rmsprop.ipynb" in nb
    assert f"https://colab.research.google.com/github/{FORK}/blob/release/2027/notebooks/03_rmsprop.ipynb" in nb
    assert f"git+https://github.com/{FORK}@release/2027" in nb
    assert run("--root", str(root), "--check").returncode == 0


# --- The placeholder and branches: warnings ------------------------------------------------------

def test_check_warns_when_the_links_point_at_the_placeholder_and_still_succeeds(tmp_path, capsys, template_checkout):
    root = template_checkout(tmp_path / "c")
    assert main(capsys, "--root", str(root), "--repo", PLACEHOLDER)[0] == 0
    status, out, err = main(capsys, "--root", str(root), "--check")
    assert status == 0, out + err
    assert "all links agree" in out
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, err
    assert PLACEHOLDER in warnings[0]
    assert "python -m course.links --repo OWNER/NAME --ref TAG" in warnings[0]

    assert main(capsys, "--root", str(root), "--repo", FORK)[0] == 0
    status, out, err = main(capsys, "--root", str(root), "--check")
    assert status == 0 and err == ""
    assert links.link_warnings(root=root) == []


def _git(root, *args):
    return subprocess.run([GIT, "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "init.defaultBranch=main", *args],
                          capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture
def git_checkout(tmp_path, template_checkout):
    assert GIT, "git is needed for this test"
    root = template_checkout(tmp_path / "repo")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "series")
    _git(root, "tag", "v1.0")
    _git(root, "branch", "release/2027")
    _git(root, "update-ref", "refs/remotes/origin/autumn", "HEAD")
    return root


def test_ref_kind_tells_tags_branches_and_commits_apart(git_checkout, tmp_path):
    root = git_checkout
    commit = _git(root, "rev-parse", "HEAD").strip()
    assert links.ref_kind("v1.0", root) == "tag"
    assert links.ref_kind("main", root) == "branch"
    assert links.ref_kind("release/2027", root) == "branch"
    assert links.ref_kind("autumn", root) == "branch"  # a branch on the remote only
    assert links.ref_kind("release", root) is None  # only a prefix of a branch name
    assert links.ref_kind("spring-2027", root) is None  # not (yet) a tag
    assert links.ref_kind(commit, root) == "commit"
    plain = tmp_path / "plain"
    plain.mkdir()
    assert links.ref_kind("main", plain) is None  # no git checkout: nothing known
    with pytest.raises(ValueError, match="ref must be"):
        links.ref_kind("x//y", root)


def test_a_branch_as_ref_gets_a_warning_a_tag_does_not(git_checkout, capsys):
    root = git_checkout
    status, out, err = main(capsys, "--root", str(root), "--repo", FORK, "--ref", "main")
    assert status == 0, err
    assert "warning: REF 'main' is a branch" in err
    assert "python -m course.links --ref TAG" in err
    assert "git tag" not in out  # the warning says what to do instead
    status, out, err = main(capsys, "--root", str(root), "--check")
    assert status == 0 and "warning: REF 'main' is a branch" in err

    status, out, err = main(capsys, "--root", str(root), "--ref", "v1.0")
    assert status == 0 and err == "", err
    assert "git tag" not in out  # the tag exists already
    status, out, err = main(capsys, "--root", str(root), "--check")
    assert (status, err) == (0, "")


# --- Bad input: refused with one clear line, nothing changed -------------------------------------

# GitHub's rules for account and organisation names (letters, digits, single hyphens, not first or
# last, at most 39 characters) and repository names (letters, digits, ".", "-", "_"; not "." or "..").
BAD_REPOS = [
    "just-a-name", "owner/name/extra", "a/..", "a/.", "a-/b", "-a/b", "a--b/c", "a_b/c", "a.b/c", "/b", "a/",
    "a" * 40 + "/b", "a/" + "b" * 101, "a/b c", "a b/c", "a/b\n", "a/b\r", "\na/b", "a/b.git", "a/b#c", "a/b%2e",
    "ä/b", "a/bä", "", "/", "a//b",
]
GOOD_REPOS = ["a/b", "A1-b2/c.d_e-f", "a" * 39 + "/" + "b" * 100, "a/.github", "my-university/optimizers-course"]
# git check-ref-format's rules (checked against git itself below), plus two of git's rules for branch names.
BAD_REFS_BY_GIT = [
    "main\n", "\nmain", "ma\nin", "main\r", "main\t", "ma\x7fin", "has space", "x//y", "../main", "a..b", ".hidden",
    "x/.y", "main.lock", "x.lock/y", "main/", "/main", "main.", "@", "a@{b", "a~1", "a^", "a:b", "a?", "a*", "a[b",
    "a\\b", "",
]
BAD_REFS_FOR_BRANCHES = ["-rc", "HEAD"]
# Names git accepts, but that would need escaping in a link, a Markdown badge or the %pip line.
BAD_REFS_FOR_LINKS = ["café", "a#b", "a%20b", "a$b", "{x}", "a\"b", "a'b", "a(b)", "a<b>", "a!b", "a&b", "a+b"]
GOOD_REFS = ["main", "v1.0", "spring-2027", "release/2027", "v1.0-rc.1", "a_b", "x.y/z", "1", "0" * 40]


def git_accepts(ref):
    return subprocess.run([GIT, "check-ref-format", "--allow-onelevel", ref], capture_output=True).returncode == 0


def test_the_ref_lists_agree_with_git_itself(git_checkout):
    assert GIT, "git is the independent judge of these names"
    assert [r for r in BAD_REFS_BY_GIT if git_accepts(r)] == []
    assert [r for r in BAD_REFS_FOR_LINKS + GOOD_REFS if not git_accepts(r)] == []
    for ref in BAD_REFS_FOR_BRANCHES:
        refused = subprocess.run([GIT, "-C", str(git_checkout), "branch", "--", ref], capture_output=True, text=True)
        assert refused.returncode != 0 and "not a valid branch name" in refused.stderr, ref


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, copy_checkout):
    """One copy of the checkout for the many bad-input cases (none may change it)."""
    root = copy_checkout(tmp_path_factory.mktemp("pristine") / "c")
    return root, files(root)


def _refused(capsys, pristine, option, value, rule):
    root, before = pristine
    status, out, err = main(capsys, "--root", str(root), f"{option}={value}")
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err  # one clear line, no traceback
    assert lines[0].startswith(f"{PROG}: error: {rule}"), err
    assert repr(value) in lines[0]
    assert files(root) == before
    return lines[0]


@pytest.mark.parametrize("repo", BAD_REPOS)
def test_a_bad_repo_is_refused_before_anything_changes(capsys, pristine, repo):
    line = _refused(capsys, pristine, "--repo", repo, "repo must be a GitHub repository 'owner/name'")
    assert "letters, digits and single hyphens" in line


@pytest.mark.parametrize("ref", BAD_REFS_BY_GIT + BAD_REFS_FOR_BRANCHES + BAD_REFS_FOR_LINKS)
def test_a_bad_ref_is_refused_before_anything_changes(capsys, pristine, ref):
    line = _refused(capsys, pristine, "--ref", ref, "ref must be a tag, branch or commit")
    assert "letters, digits, '.', '_', '-' and '/'" in line


@pytest.mark.parametrize("repo", GOOD_REPOS)
def test_good_repos_are_accepted(repo):
    assert links.pip_spec(repo, "v1") == f"rmsprop_lib @ git+https://github.com/{repo}@v1"


@pytest.mark.parametrize("ref", GOOD_REFS)
def test_good_refs_are_accepted(ref):
    assert links.pip_spec("a/b", ref) == f"rmsprop_lib @ git+https://github.com/a/b@{ref}"


def test_a_ref_with_a_final_newline_cannot_corrupt_the_checkout(tmp_path, run, copy_checkout):
    root = copy_checkout(tmp_path / "c")
    before = files(root)
    result = run("--root", str(root), "--repo", "a/b", "--ref", "main\n")
    assert result.returncode == 2
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr and "ref must be" in result.stderr
    assert files(root) == before
    load_links_module(root / CONSTANTS)  # still Python
    assert run("--root", str(root), "--check").returncode == 0  # and --check still runs: the copy agrees
    with pytest.raises(ValueError, match="ref must be"):
        links.retarget(repo="a/b", ref="main\n", root=root)
    with pytest.raises(ValueError, match="repo must be"):
        links.retarget(repo="a/b\n", ref="main", root=root)
    assert files(root) == before


@pytest.mark.parametrize("damage, message", [
    (lambda raw: raw[: len(raw) // 2], "its JSON is broken"),
    (lambda raw: "[]\n", "it has no list of cells"),
    (lambda raw: json.dumps({"cells": {"0": {}}}), "it has no list of cells"),
    (lambda raw: json.dumps({"cells": [{"cell_type": "code", "source": 3}]}), "cell 0 has no text source"),
    (lambda raw: json.dumps({"cells": ["a cell"]}), "cell 0 has no text source"),
    (lambda raw: json.dumps({"cells": [{"cell_type": "code", "source": ["x", None]}]}), "cell 0 has no text source"),
])
def test_a_broken_notebook_stops_the_command_before_any_file_is_written(tmp_path, capsys, damage, message, template_checkout):
    root = template_checkout(tmp_path / "c")
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    broken = notebooks[len(notebooks) // 2 + 1]  # one in the second half, so earlier files come first
    broken.write_text(damage(broken.read_text(encoding="utf-8")), encoding="utf-8")
    before = files(root)
    status, out, err = main(capsys, "--root", str(root), "--repo", FORK, "--ref", FORK_REF)
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{PROG}: error: notebooks/{broken.name} is not a valid notebook: {message}")
    assert lines[0].endswith("; nothing was changed")
    assert files(root) == before  # README and the notebooks before it are untouched too


def test_a_notebook_that_is_not_utf8_is_refused(tmp_path, capsys, template_checkout):
    root = template_checkout(tmp_path / "c")
    (root / "notebooks" / "07_x.ipynb").write_bytes(b'{"cells": [], "x": "\xff"}')
    before = files(root)
    status, out, err = main(capsys, "--root", str(root), "--repo", FORK)
    assert status == 2
    assert "notebooks/07_x.ipynb is not UTF-8 text" in err and len(err.splitlines()) == 1
    assert files(root) == before


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace('\nREF = "', '\nREF  = "'), 'exactly one line REF = "..."'),
    (lambda s: s.replace('\nREPO = "', '\n# REPO = "'), 'exactly one line REPO = "..."'),
    (lambda s: s + '\nREF = "v2"\n', 'exactly one line REF = "..."'),
    (lambda s: re.sub(r'\nREF = "[^"]*"', '\nREF = "x//y"', s), "REF in course/links/target.py must be"),
    (lambda s: re.sub(r'\nREPO = "[^"]*"', '\nREPO = "a/.."', s), "REPO in course/links/target.py must be"),
])
def test_a_damaged_links_module_in_the_checkout_is_reported(tmp_path, capsys, edit, message, template_checkout):
    root = template_checkout(tmp_path / "c")
    constants = root / CONSTANTS
    constants.write_text(edit(constants.read_text(encoding="utf-8")), encoding="utf-8")
    before = files(root)
    status, out, err = main(capsys, "--root", str(root), "--check")
    assert status == 2 and len(err.splitlines()) == 1
    assert message in err
    assert files(root) == before


def test_a_broken_old_value_is_repaired_when_both_are_given(tmp_path, run, template_checkout):
    root = template_checkout(tmp_path / "c")
    constants = root / CONSTANTS
    constants.write_text(re.sub(r'\nREF = "[^"]*"', '\nREF = "x//y"', constants.read_text(encoding="utf-8")),
                         encoding="utf-8")
    assert run("--root", str(root), "--repo", links.REPO, "--ref", links.REF).returncode == 0
    assert load_links_module(constants).REF == links.REF


def test_a_failed_write_puts_back_what_was_written(tmp_path, monkeypatch, template_checkout):
    root = template_checkout(tmp_path / "c")
    before = files(root)
    target = root / "notebooks" / sorted(p.name for p in (root / "notebooks").glob("0*.ipynb"))[-1]
    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        if Path(path) == target and "w" in mode:
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)
    monkeypatch.setattr(plan, "open", failing_open, raising=False)
    with pytest.raises(OSError, match=f"could not write notebooks/{target.name} .No space left on device.; "
                                      "nothing was changed"):
        links.retarget(repo=FORK, ref=FORK_REF, root=root)
    assert files(root) == before


@pytest.mark.parametrize("setup, message", [
    (lambda root: None, "has no notebooks/NN_name.ipynb"),
    (lambda root: (root / "README.md").write_text("# hi\n", encoding="utf-8"), "has no notebooks/NN_name.ipynb"),
    (lambda root: (root / "notebooks").mkdir(), "has no notebooks/NN_name.ipynb"),
    (lambda root: ((root / "notebooks").mkdir(), (root / "notebooks" / "notes.ipynb").write_text("{}")),
     "has no notebooks/NN_name.ipynb"),
])
def test_a_root_with_nothing_to_rewrite_is_an_error(tmp_path, capsys, setup, message):
    root = tmp_path / "empty"
    root.mkdir()
    setup(root)
    before = files(root)
    for args in (["--root", str(root)], ["--root", str(root), "--check"]):
        status, out, err = main(capsys, *args)
        assert status == 2 and out == ""
        assert err.splitlines() == [f"{PROG}: error: root must be a checkout of the series, but {str(root)!r} "
                                    f"{message} to retarget (pass --root the folder that holds README.md and "
                                    "notebooks/)"]
    assert files(root) == before


def test_a_root_that_is_not_a_folder_is_an_error(tmp_path, capsys, checkout):
    afile = tmp_path / "file.txt"
    afile.write_text("x", encoding="utf-8")
    for value, why in [(str(afile), "(a file)"), (str(tmp_path / "missing"), "(no such folder)"), ("", "got ''")]:
        status, out, err = main(capsys, "--root", value)
        assert status == 2 and len(err.splitlines()) == 1, err
        assert err.startswith(f"{PROG}: error: root must be") and why in err
    with pytest.raises(TypeError, match="root must be a path"):
        links.retarget(root=3)
    # The notebooks folder itself is not the checkout.
    with pytest.raises(ValueError, match="has no notebooks/NN_name.ipynb"):
        links.retarget(root=checkout / "notebooks", check=True)


def test_unknown_options_get_one_line(capsys):
    status, out, err = main(capsys, "--repository", "a/b")
    assert status == 2 and err.splitlines() == [f"{PROG}: error: unrecognized arguments: --repository a/b "
                                                "(see --help)"]


# --- The URL helpers ------------------------------------------------------------------------------

def test_url_helpers_follow_the_template():
    assert links.colab_url("03_rmsprop.ipynb", "a/b", "v1") == \
        "https://colab.research.google.com/github/a/b/blob/v1/notebooks/03_rmsprop.ipynb"
    assert links.binder_url("00_start_here.ipynb", "a/b", "v1") == \
        "https://mybinder.org/v2/gh/a/b/v1?urlpath=lab/tree/notebooks/00_start_here.ipynb"
    assert links.pip_spec("a/b", "v1") == "rmsprop_lib @ git+https://github.com/a/b@v1"
    assert links.setup_line("a/b", "v1") == '%pip install "rmsprop_lib @ git+https://github.com/a/b@v1"'
    assert links.binder_url() == (f"https://mybinder.org/v2/gh/{links.REPO}/{links.REF}"
                                  "?urlpath=lab/tree/notebooks/00_start_here.ipynb")


@pytest.mark.parametrize("call, error, message", [
    (lambda: links.colab_url("../README.md"), ValueError, "notebook must be the file name of a notebook"),
    (lambda: links.colab_url("sub/03_rmsprop.ipynb"), ValueError, "notebook must be the file name"),
    (lambda: links.colab_url("03_rmsprop.ipynb\n"), ValueError, "notebook must be the file name"),
    (lambda: links.colab_url("03 rmsprop.ipynb"), ValueError, "notebook must be the file name"),
    (lambda: links.colab_url("03_rmsprop.py"), ValueError, "notebook must be the file name"),
    (lambda: links.colab_url(".ipynb"), ValueError, "notebook must be the file name"),
    (lambda: links.colab_url(None), TypeError, "notebook must be a str"),
    (lambda: links.binder_url("x..y.ipynb"), ValueError, "notebook must be the file name"),
    (lambda: links.binder_url(Path("03_rmsprop.ipynb")), TypeError, "notebook must be a str"),
    (lambda: links.colab_url("03_rmsprop.ipynb", repo="a/.."), ValueError, "repo must be a GitHub repository"),
    (lambda: links.binder_url(repo="a-/b"), ValueError, "repo must be a GitHub repository"),
    (lambda: links.pip_spec(repo=["a", "b"]), TypeError, "repo must be a str"),
    (lambda: links.colab_url("03_rmsprop.ipynb", ref="x//y"), ValueError, "ref must be a tag"),
    (lambda: links.binder_url(ref="main\n"), ValueError, "ref must be a tag"),
    (lambda: links.pip_spec(ref=b"main"), TypeError, "ref must be a str"),
    (lambda: links.setup_line(ref="a b"), ValueError, "ref must be a tag"),
    (lambda: links.retarget(repo=5, check=True), TypeError, "repo must be a str"),
])
def test_url_helpers_refuse_bad_input(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
