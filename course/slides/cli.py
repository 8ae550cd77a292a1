"""Export the decks of a folder of notebooks, and the command line of ``python -m course.slides``."""
import argparse
import os
import re
import sys
import time
from pathlib import Path

from .assets import ASSET_PACKAGES, _check_assets, copy_assets, fetch_assets
from .page import export_deck, make_exporter


def default_notebooks_dir():
    """notebooks/ of the checkout this module belongs to, or of the current folder."""
    here = Path(__file__).resolve().parents[2] / "notebooks"
    return here if here.is_dir() else Path.cwd() / "notebooks"


def _check_out(out):
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder path (str or Path), got {type(out).__name__}")
    if str(out).strip() == "":
        raise ValueError("out must name a folder for the decks; got an empty string")
    out = Path(out)
    for folder in (out, *out.parents):
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"out must be a folder, but {folder} is a file")
    return out


def export_all(out="slides", notebooks_dir=None, offline=False, assets=None, names=None):
    """Export a deck of every ``NN_*.ipynb`` in ``notebooks_dir`` (or only ``names``); return the paths."""
    out = _check_out(out)
    notebooks_dir = Path(notebooks_dir or default_notebooks_dir())
    if not notebooks_dir.is_dir():
        raise ValueError(f"notebooks_dir must be a folder of NN_name.ipynb notebooks; not found: {notebooks_dir}")
    notebooks = sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise ValueError(f"notebooks_dir holds no NN_name.ipynb notebooks: {notebooks_dir}")
    if names is not None and (isinstance(names, str) or not all(isinstance(n, str) for n in names)):
        raise TypeError(f"names must be a list of notebook names such as ['03_rmsprop'], got {names!r}")
    if names:
        unknown = [n for n in names if not any(n in (p.name, p.stem) for p in notebooks)]
        if unknown:
            raise ValueError(f"unknown notebook name(s): {', '.join(unknown)}; "
                             f"choose from {', '.join(p.stem for p in notebooks)}")
        notebooks = [p for p in notebooks if p.name in names or p.stem in names]
    if assets is not None and not Path(assets).is_dir():
        raise ValueError(f"assets must be a folder holding the npm packages {', '.join(ASSET_PACKAGES)}; "
                         f"not found: {assets}")
    if offline:  # checked before anything is written, so a refusal leaves no empty folder behind
        assets = fetch_assets() if assets is None else assets
        _check_assets(assets)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"out: cannot create the folder {out}: {err.strerror or err}") from None
    if offline:
        copy_assets(assets, out)
    exporter = make_exporter(offline=offline)
    paths = []
    for i, notebook in enumerate(notebooks, 1):
        start = time.perf_counter()
        path = export_deck(notebook, out, exporter)
        print(f"[{i}/{len(notebooks)}] {path.name} ({count_slides(path.read_text(encoding='utf-8'))} slides, "
              f"{time.perf_counter() - start:.1f} s)", flush=True)
        paths.append(path)
    return paths


def count_slides(html_text, vertical=False):
    """The number of top-level slides (outer ``<section>``), or with ``vertical`` of every slide shown."""
    from html.parser import HTMLParser

    class Counter(HTMLParser):
        depth = 0
        slides = 0
        leaves = 0
        nested = []

        def handle_starttag(self, tag, attrs):
            if tag == "section":
                if self.depth == 0:
                    self.slides += 1
                if self.nested:
                    self.nested[-1] = True
                self.nested.append(False)
                self.depth += 1

        def handle_endtag(self, tag):
            if tag == "section":
                self.depth -= 1
                self.leaves += not self.nested.pop()

    counter = Counter()
    counter.feed(html_text)
    return counter.leaves if vertical else counter.slides


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course.slides",
                                     description="Export a reveal.js slide deck of every notebook.")
    parser.add_argument("--out", default="slides", help="folder for the decks, created if needed (default: slides)")
    parser.add_argument("--notebooks", help="folder holding the notebooks (default: this checkout's notebooks/)")
    parser.add_argument("--offline", action="store_true",
                        help="copy reveal.js, require.js, jQuery and MathJax next to the decks")
    parser.add_argument("--assets", help="with --offline: a folder where the npm packages "
                                         f"{' '.join(ASSET_PACKAGES)} are installed")
    parser.add_argument("names", nargs="*", help="only these notebooks (e.g. 03_rmsprop)")
    args = parser.parse_args(argv)

    def fail(message):  # one line, no usage text and no traceback
        options = {"out": "--out", "notebooks_dir": "--notebooks", "assets": "--assets"}
        message = re.sub(r"^(out|notebooks_dir|assets)\b", lambda m: options[m.group(1)], message)
        print(f"{parser.prog}: error: {message}", file=sys.stderr)
        return 2

    if args.assets and not args.offline:
        return fail("--assets only makes sense with --offline")
    start = time.perf_counter()
    try:
        paths = export_all(args.out, args.notebooks, offline=args.offline, assets=args.assets, names=args.names)
    except (ValueError, TypeError, RuntimeError) as err:
        return fail(str(err))
    except OSError as err:  # e.g. a full disk or a folder without write permission
        return fail(f"{err.strerror or err}: {err.filename or args.out}")
    print(f"{len(paths)} deck(s) in {args.out}/ ({time.perf_counter() - start:.1f} s); "
          f"open one in a browser, press S for speaker notes, F for full screen")
    return 0
