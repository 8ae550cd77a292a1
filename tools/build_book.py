"""Build the website of the series from the stored notebooks (nothing is executed).

    python tools/build_book.py                  # into book/_build/html
    python tools/build_book.py --out site       # elsewhere

Each notebook becomes a page with its stored outputs (figures, printed results), its maths
(MathJax, served by the site itself, so the pages work without internet), the launch badges of
its title cell, links to the previous and next notebook and the series in the sidebar. The site
also offers every notebook in one zip file. Open ``<out>/index.html`` in a browser.

What it needs: the website's requirements (``pip install -r requirements.txt -r book/requirements.txt``)
and MathJax 3. MathJax comes from npm: the first build runs ``npm install mathjax@3.2.2`` once into a
cache folder (``~/.cache/rmsprop_lib/book-assets``); without npm, run
``npm install --prefix DIR mathjax@3.2.2`` on a machine that has it and pass ``--mathjax DIR``.

How: the Sphinx configuration in ``book/`` (myst-nb and sphinx-book-theme), the notebooks and
MathJax are copied into a temporary folder, Sphinx builds there (any Sphinx warning, e.g. a broken
link, fails the build), and the result replaces ``--out`` only when the build succeeded.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # the lecturer tools (course/) are in the checkout, not in the installed package
BOOK = ROOT / "book"
DEFAULT_OUT = BOOK / "_build" / "html"
MATHJAX_PACKAGE = "mathjax@3.2.2"
#: Parts of MathJax's es5 folder the site needs: the TeX-to-HTML bundle, the TeX extensions it loads
#: on demand, its fonts, and what its right-click menu loads (accessibility, speech).
MATHJAX_PARTS = ("tex-chtml.js", "input/tex", "output/chtml", "a11y", "ui", "sre")
#: A file in every folder this command builds: only such a folder is replaced by a new build.
MARKER = ".rmsprop-book"
_NOTEBOOK = re.compile(r"\d\d_[A-Za-z0-9_]+\.ipynb")
_IMAGE_REFS = (re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"),
               re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']", re.IGNORECASE))


class BuildError(Exception):
    """The website could not be built; the message says why and what to do."""


def notebooks_zip_name():
    """The zip file's name, after the repository: ``<name>-notebooks.zip``."""
    from course import links

    return f"{links.REPO.split('/')[-1]}-notebooks.zip"


def _cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rmsprop_lib" / "book-assets"


def _version(es5):
    try:
        return json.loads((es5.parent / "package.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def find_mathjax(assets=None):
    """The ``es5`` folder of MathJax 3: from ``assets`` (an npm prefix), else the cache (npm runs once)."""
    if assets is not None:
        if not isinstance(assets, (str, os.PathLike)) or not str(assets):
            raise ValueError(f"mathjax must be a folder where 'npm install --prefix DIR {MATHJAX_PACKAGE}' "
                             f"was run, got {assets!r}")
        es5 = Path(assets) / "node_modules" / "mathjax" / "es5"
        if not (es5 / "tex-chtml.js").is_file():
            raise ValueError(f"mathjax must be a folder where 'npm install --prefix DIR {MATHJAX_PACKAGE}' was run; "
                             f"{es5 / 'tex-chtml.js'} does not exist")
        if not str(_version(es5)).startswith("3."):
            raise ValueError(f"mathjax must hold MathJax 3 ({MATHJAX_PACKAGE}), {assets} has version {_version(es5)}")
        return es5
    dest = _cache_dir()
    es5 = dest / "node_modules" / "mathjax" / "es5"
    if not (es5 / "tex-chtml.js").is_file() or _version(es5) != MATHJAX_PACKAGE.split("@")[1]:
        npm = shutil.which("npm")
        if npm is None:
            raise BuildError(f"the website needs MathJax: install npm, or run 'npm install --prefix DIR "
                             f"{MATHJAX_PACKAGE}' on a machine that has it and pass --mathjax DIR")
        dest.parent.mkdir(parents=True, exist_ok=True)
        print(f"build_book: fetching {MATHJAX_PACKAGE} with npm into {dest} (once)", flush=True)
        # Into a fresh folder first, then renamed: two builds at once never share a half-installed copy.
        fresh = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
        fresh.chmod(0o755)
        try:
            done = subprocess.run([npm, "install", "--prefix", str(fresh), "--no-audit", "--no-fund", "--silent",
                                   MATHJAX_PACKAGE], capture_output=True, text=True)
            if done.returncode != 0 or not (fresh / es5.relative_to(dest) / "tex-chtml.js").is_file():
                raise BuildError(f"'npm install --prefix DIR {MATHJAX_PACKAGE}' failed:\n{done.stderr[-2000:]}")
            if dest.exists():
                shutil.rmtree(dest)          # an incomplete copy, or another version
            try:
                fresh.rename(dest)
            except OSError:                  # another build got there first
                if not (es5 / "tex-chtml.js").is_file():
                    raise
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
    return es5


def _check_out(out):
    """The output folder as a Path; refuses a file, or a folder this command did not build."""
    if not isinstance(out, (str, os.PathLike)) or not str(out).strip():
        raise ValueError(f"out must be a folder for the website, got {out!r}")
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise ValueError(f"out must be a folder for the website; {out} is a file")
    if ROOT.is_relative_to(out) or out in (ROOT / "notebooks", BOOK):
        raise ValueError(f"out must not be the checkout or one of its source folders, got {out}")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ValueError(f"out must be a new or empty folder, or one this command built before; "
                         f"{out} has other files (they would be replaced)")
    return out


def _snapshot_notebooks(notebooks_dir):
    """{file name: bytes} of the series' notebooks, read once (they may be edited during a build)."""
    paths = sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if _NOTEBOOK.fullmatch(p.name))
    if not paths:
        raise BuildError(f"no notebooks (NN_name.ipynb) in {notebooks_dir}")
    snapshot = {p.name: p.read_bytes() for p in paths}
    if "00_start_here.ipynb" not in snapshot:
        raise BuildError(f"the website starts at 00_start_here.ipynb, which is not in {notebooks_dir}")
    for name, data in snapshot.items():
        try:
            json.loads(data)
        except ValueError as err:
            raise BuildError(f"notebooks/{name} is not a valid notebook (JSON): {err}") from None
    return snapshot


def _local_images(name, data, notebooks_dir):
    """Files of the checkout that the notebook's markdown shows as images (relative paths)."""
    found = set()
    for cell in json.loads(data).get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell.get("source", ""))
        for pattern in _IMAGE_REFS:
            for target in pattern.findall(text):
                if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target, re.IGNORECASE):
                    continue        # a web address, an anchor, an attachment or an absolute path
                path = (Path(notebooks_dir) / target.split("#")[0]).resolve()
                if not path.is_relative_to(ROOT):
                    raise BuildError(f"notebooks/{name} shows an image outside the checkout: {target}")
                if path.is_file():
                    found.add(path)
    return found


def write_zip(path, snapshot, folder):
    """The notebooks in one zip file, each as ``<folder>/<name>``; the same bytes give the same file."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(snapshot):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, snapshot[name])


def build(out=DEFAULT_OUT, mathjax=None, notebooks_dir=None, quiet=True):
    """Build the website into ``out``; returns the output folder (a Path)."""
    out = _check_out(out)
    notebooks_dir = Path(notebooks_dir) if notebooks_dir is not None else ROOT / "notebooks"
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir must be a folder of notebooks, got {notebooks_dir}")
    try:
        import myst_nb  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError as err:
        raise BuildError(f"the website's requirements are missing ({err.name}): "
                         "pip install -r requirements.txt -r book/requirements.txt") from None
    es5 = find_mathjax(mathjax)
    zip_name = notebooks_zip_name()
    snapshot = _snapshot_notebooks(notebooks_dir)

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rmsprop-book-") as staging:
        src = Path(staging) / "src"
        shutil.copytree(BOOK, src, ignore=shutil.ignore_patterns("_build", "__pycache__", "requirements.txt"))
        if (ROOT / "README.md").is_file():
            shutil.copy2(ROOT / "README.md", src / "README.md")       # the series' title
        (src / "notebooks").mkdir()
        for name, data in snapshot.items():
            (src / "notebooks" / name).write_bytes(data)
            for image in _local_images(name, data, notebooks_dir):
                target = src / image.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(image, target)
        for part in MATHJAX_PARTS:
            source, target = es5 / part, src / "_static" / "mathjax" / part
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)

        html = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
        try:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(
                [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
            command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n",
                       "-d", str(Path(staging) / "doctrees"), "-A", f"notebooks_zip={zip_name}",
                       str(src), str(html)]
            if quiet:
                command.insert(3, "-q")
            done = subprocess.run(command, env=env, capture_output=quiet, text=True)
            if done.returncode != 0:
                # Name the checkout's files, not their copies in the staging folder.
                detail = (done.stderr or "").replace(f"{src}{os.sep}", "")[-4000:] if quiet else ""
                raise BuildError(f"Sphinx failed (exit status {done.returncode}):\n{detail}")
            write_zip(html / zip_name, snapshot, zip_name.removesuffix(".zip"))
            (html / MARKER).write_text("Built by tools/build_book.py; the next build replaces this folder.\n")
            html.chmod(0o755)
            if out.exists():
                shutil.rmtree(out)
            html.rename(out)
        finally:
            if html.exists():
                shutil.rmtree(html, ignore_errors=True)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(DEFAULT_OUT),
                        help=f"folder for the website (default {DEFAULT_OUT.relative_to(ROOT)}); "
                             "replaced by each build")
    parser.add_argument("--mathjax", metavar="DIR",
                        help=f"a folder where 'npm install --prefix DIR {MATHJAX_PACKAGE}' was run "
                             "(default: fetched once with npm into a cache folder)")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        out = build(args.out, mathjax=args.mathjax, quiet=not args.verbose)
    except (ValueError, BuildError) as err:
        print(f"build_book: {err}", file=sys.stderr)
        return 1
    pages = len(list((out / "notebooks").glob("*.html")))
    print(f"build_book: {pages} pages and {notebooks_zip_name()} in {out} "
          f"({time.perf_counter() - start:.1f} s); open {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
