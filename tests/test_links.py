"""Where the series lives: badges, Colab setup cells, previous/next links, Binder files."""
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rmsprop_lib import links

ROOT = Path(__file__).resolve().parent.parent
FORK, FORK_REF = "lecturer-jane/optim-course", "spring-2027"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "rmsprop_lib.links", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def copy_checkout(dest):
    """README.md, the notebooks and links.py: everything the command reads and writes."""
    (dest / "rmsprop_lib").mkdir(parents=True)
    shutil.copy2(ROOT / "rmsprop_lib" / "links.py", dest / "rmsprop_lib" / "links.py")
    shutil.copy2(ROOT / "README.md", dest / "README.md")
    shutil.copytree(ROOT / "notebooks", dest / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return dest


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
        (f'REPO = "{old_repo}"', f'REPO = "{new_repo}"'),
        (f'REF = "{old_ref}"', f'REF = "{new_ref}"'),
    ]:
        text = text.replace(old, new)
    return text


def test_the_repository_itself_agrees_with_its_links_module():
    result = run("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all links agree" in result.stdout


def test_every_notebook_points_at_itself_on_colab_and_binder():
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        title = "".join(nb["cells"][0]["source"])
        assert f"https://colab.research.google.com/github/{links.REPO}/blob/{links.REF}/notebooks/{path.name}" in title
        assert f"https://mybinder.org/v2/gh/{links.REPO}/{links.REF}?urlpath=lab/tree/notebooks/{path.name}" in title
        setup = [c for c in nb["cells"] if c["cell_type"] == "code" and "google.colab" in "".join(c["source"])]
        assert len(setup) == 1, path.name
        assert f'%pip install -q "rmsprop_lib @ git+https://github.com/{links.REPO}@{links.REF}"' in "".join(setup[0]["source"])


def test_retargeting_a_fork_changes_only_the_links_and_round_trips(tmp_path):
    root = copy_checkout(tmp_path / "fork")
    before = files(root)

    result = run("--root", str(root), "--repo", FORK, "--ref", FORK_REF)
    assert result.returncode == 0, result.stderr
    assert "link(s) rewritten" in result.stdout
    after = files(root)
    assert after.keys() == before.keys()
    for name, old in before.items():
        expected = by_hand(old.decode("utf-8"), links.REPO, links.REF, FORK, FORK_REF)
        # Byte for byte: outputs, metadata, key order, indentation and the final newline are kept.
        assert after[name].decode("utf-8") == expected, name
    for name, data in after.items():
        assert links.REPO.encode() not in data, f"{name} still mentions {links.REPO}"

    # The fork's links.py now holds the new constants...
    spec = importlib.util.spec_from_file_location("fork_links", root / "rmsprop_lib" / "links.py")
    fork_links = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fork_links)
    assert (fork_links.REPO, fork_links.REF) == (FORK, FORK_REF)
    # ... so --check without arguments agrees, and a check against the old home lists every link.
    assert run("--root", str(root), "--check").returncode == 0
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
         'if "google.colab" in sys.modules:\n    %pip install -q "rmsprop_lib @ git+https://github.com/{repo}@{ref}"\n')


def _write_notebook(path, cells):
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_stale_links_wrong_neighbours_and_missing_pieces_in_a_made_up_series(tmp_path):
    root = tmp_path / "series"
    (root / "notebooks").mkdir(parents=True)
    (root / "rmsprop_lib").mkdir()
    shutil.copy2(ROOT / "rmsprop_lib" / "links.py", root / "rmsprop_lib" / "links.py")
    (root / "README.md").write_text(
        "# Series\n\n[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/old-owner/old-name/"
        "v0.9?urlpath=lab/tree/notebooks/00_start.ipynb)\n\nClone https://github.com/example-org/rmsprop-series.git "
        "or see https://github.com/numpy/numpy.\n", encoding="utf-8")
    # 00: links to a previous owner; 01: "next" points two ahead; 02: no setup cell.
    _write_notebook(root / "notebooks" / "00_start.ipynb", [
        _cell("markdown", _title("00_start.ipynb", "old-owner/old-name", "v0.9", "[next →](01_middle.ipynb)")),
        _cell("code", SETUP.format(repo="old-owner/old-name", ref="v0.9"))])
    _write_notebook(root / "notebooks" / "01_middle.ipynb", [
        _cell("markdown", _title("01_middle.ipynb", "example-org/rmsprop-series", "main",
                                 "[← previous](00_start.ipynb) | [next →](03_gone.ipynb)")),
        _cell("code", SETUP.format(repo="example-org/rmsprop-series", ref="main"))])
    _write_notebook(root / "notebooks" / "02_end.ipynb", [
        _cell("markdown", _title("02_end.ipynb", "example-org/rmsprop-series", "main",
                                 "[← previous](00_start.ipynb)"))])

    check = run("--root", str(root), "--check")
    assert check.returncode == 1
    for expected in ["README.md [text]: https://mybinder.org/v2/gh/old-owner/old-name/v0.9?",
                     "notebooks/00_start.ipynb [cell 1]: rmsprop_lib @ git+https://github.com/old-owner/old-name@v0.9",
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
    end = json.loads((root / "notebooks" / "02_end.ipynb").read_text(encoding="utf-8"))
    assert "[← previous](01_middle.ipynb)" in "".join(end["cells"][0]["source"])
    first = (root / "notebooks" / "00_start.ipynb").read_text(encoding="utf-8")
    assert f'rmsprop_lib @ git+https://github.com/{FORK}@{FORK_REF}' in first and "old-owner" not in first
    assert "Ünïcode" in first  # written as UTF-8, not \\u escapes

    findings = links.retarget(root=root, check=True)
    assert [(f.file, f.where) for f in findings] == [("notebooks/02_end.ipynb", "setup cell")]


@pytest.mark.parametrize("args, message", [
    (["--repo", "just-a-name"], "repo must look like 'owner/name'"),
    (["--repo", "owner/name/extra"], "repo must look like 'owner/name'"),
    (["--ref", "../main"], "ref must be a branch or tag name"),
    (["--ref", "has space"], "ref must be a branch or tag name"),
])
def test_bad_repo_or_ref_is_refused_before_anything_changes(tmp_path, args, message):
    root = copy_checkout(tmp_path / "c")
    before = files(root)
    result = run("--root", str(root), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert files(root) == before


def test_url_helpers_follow_the_template():
    assert links.colab_url("03_rmsprop.ipynb", "a/b", "v1") == \
        "https://colab.research.google.com/github/a/b/blob/v1/notebooks/03_rmsprop.ipynb"
    assert links.binder_url("00_start_here.ipynb", "a/b", "v1") == \
        "https://mybinder.org/v2/gh/a/b/v1?urlpath=lab/tree/notebooks/00_start_here.ipynb"
    assert links.pip_spec("a/b", "v1") == "rmsprop_lib @ git+https://github.com/a/b@v1"


def _pins(path):
    lines = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line]


def test_binder_installs_the_pinned_set_and_the_package():
    assert (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.12"
    binder = _pins(ROOT / "binder" / "requirements.txt")
    pinned = [p for p in _pins(ROOT / "requirements.txt") if p != "-e ." and not p.startswith("playwright")]
    assert binder[-1] == "." and "-e ." not in binder
    assert binder[:-1] == pinned
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert links.binder_url("00_start_here.ipynb") in readme
