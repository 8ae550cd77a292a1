"""Reveal.js slide decks of every notebook, for teaching.

::

    python -m rmsprop_lib.slides                      # decks in slides/, reveal.js etc. from CDNs
    python -m rmsprop_lib.slides --out decks --offline  # decks that work without a network

Each notebook's cells say how they appear (cell metadata ``slideshow.slide_type``, see
CONTRIBUTING.md): ``slide`` for the title and every ``##`` section, ``subslide`` for ``###``,
``fragment`` for step-by-step reveals, ``skip`` for the setup cell and the exercises
(stubs, checkers, solutions). The stored outputs (figures, printed tables) are shown as they are:
nothing is executed.

By default a deck loads reveal.js 4, require.js, jQuery and MathJax 2 from public CDNs, as
nbconvert does. ``--offline`` copies them next to the decks instead (``_assets/``), so the folder
can be opened from a laptop or a USB stick in a room without internet. The files come from
``--assets DIR`` (a folder where ``npm install --prefix DIR reveal.js@4.0.2 requirejs@2.3.7
jquery@3.7.1 mathjax@2.7.9`` was run); without ``--assets`` that npm command is run once into a
cache folder (this needs ``npm`` and the network once).
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

#: npm packages an offline deck needs (versions nbconvert 7's reveal template is written for).
ASSET_PACKAGES = ("reveal.js@4.0.2", "requirejs@2.3.7", "jquery@3.7.1", "mathjax@2.7.9")

#: Parts of the npm packages copied next to offline decks: (source in node_modules, target in _assets).
_ASSET_FILES = (
    ("reveal.js/dist", "reveal.js/dist"),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("mathjax/MathJax.js", "mathjax/MathJax.js"),
    ("mathjax/config", "mathjax/config"),
    ("mathjax/extensions", "mathjax/extensions"),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML"),
    ("mathjax/jax/element", "mathjax/jax/element"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff"),
)

# An ES module standing in for mermaid (the notebooks draw no mermaid diagrams), so an offline
# deck makes no request to a CDN.
_MERMAID_STUB = "export default { initialize() {}, run() {} };\n"


def default_notebooks_dir():
    """notebooks/ of the checkout this module belongs to, or of the current folder."""
    here = Path(__file__).resolve().parent.parent / "notebooks"
    return here if here.is_dir() else Path.cwd() / "notebooks"


def _cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rmsprop_lib" / "slide-assets"


def fetch_assets(dest=None):
    """Install the npm packages of ``ASSET_PACKAGES`` into ``dest`` (once) and return ``dest``."""
    dest = Path(dest or _cache_dir())
    if _has_assets(dest):
        return dest
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "--offline needs the reveal.js, require.js, jQuery and MathJax files: install npm, or run "
            f"'npm install --prefix DIR {' '.join(ASSET_PACKAGES)}' elsewhere and pass --assets DIR")
    dest.mkdir(parents=True, exist_ok=True)
    print(f"fetching {' '.join(ASSET_PACKAGES)} into {dest} (once)", flush=True)
    subprocess.run([npm, "install", "--prefix", str(dest), "--no-audit", "--no-fund", "--silent",
                    *ASSET_PACKAGES], check=True)
    return dest


def _modules(assets):
    assets = Path(assets)
    return assets / "node_modules" if (assets / "node_modules").is_dir() else assets


def _has_assets(assets):
    modules = _modules(assets)
    return all((modules / src).exists() for src, _ in _ASSET_FILES)


def copy_assets(assets, out):
    """Copy the files an offline deck needs from ``assets`` into ``out/_assets``."""
    modules = _modules(assets)
    missing = [src for src, _ in _ASSET_FILES if not (modules / src).exists()]
    if missing:
        raise ValueError(f"assets must hold the npm packages {', '.join(ASSET_PACKAGES)}; "
                         f"missing in {modules}: {', '.join(missing)}")
    target = Path(out) / "_assets"
    for src, dst in _ASSET_FILES:
        src, dst = modules / src, target / dst
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    (target / "mermaid-stub.mjs").write_text(_MERMAID_STUB, encoding="utf-8")
    return target


def make_exporter(offline=False):
    """An nbconvert ``SlidesExporter`` set up for the series."""
    from nbconvert.exporters import SlidesExporter
    from traitlets.config import Config

    c = Config()
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_transition = "none"
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_scroll = True  # long code cells scroll instead of overflowing
    c.SlidesExporter.embed_images = True  # images referenced by markdown cells travel with the deck
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    if offline:
        c.SlidesExporter.reveal_url_prefix = "_assets/reveal.js"
        c.SlidesExporter.require_js_url = "_assets/require.js"
        c.SlidesExporter.jquery_url = "_assets/jquery.min.js"
        c.SlidesExporter.mathjax_url = "_assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    exporter = SlidesExporter(config=c)
    if offline:  # not configurable traits in nbconvert 7.17: set them on the exporter
        exporter.mermaid_js_url = "./_assets/mermaid-stub.mjs"
        exporter.mermaid_layout_elk_js_url = "./_assets/mermaid-stub.mjs"
    return exporter


def export_deck(notebook, out, exporter):
    """Write ``out/<notebook name>.slides.html`` and return its path."""
    import nbformat

    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    # Saved widget state would make the deck fetch the widget manager from a CDN; the static
    # figures next to the widgets are what a slide shows.
    nb.metadata.pop("widgets", None)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem,
                                                                      "path": str(notebook.parent)}})
    path = Path(out) / f"{notebook.stem}.slides.html"
    path.write_text(body, encoding="utf-8")
    return path


def export_all(out="slides", notebooks_dir=None, offline=False, assets=None, names=None):
    """Export a deck of every ``NN_*.ipynb`` in ``notebooks_dir`` (or only ``names``); return the paths."""
    notebooks_dir = Path(notebooks_dir or default_notebooks_dir())
    notebooks = sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    if names:
        notebooks = [p for p in notebooks if p.name in names or p.stem in names]
    if not notebooks:
        raise ValueError(f"notebooks_dir holds no NN_name.ipynb notebooks: {notebooks_dir}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if offline:
        copy_assets(assets if assets is not None else fetch_assets(), out)
    exporter = make_exporter(offline=offline)
    paths = []
    for i, notebook in enumerate(notebooks, 1):
        start = time.perf_counter()
        path = export_deck(notebook, out, exporter)
        print(f"[{i}/{len(notebooks)}] {path.name} ({count_slides(path.read_text(encoding='utf-8'))} slides, "
              f"{time.perf_counter() - start:.1f} s)", flush=True)
        paths.append(path)
    return paths


def count_slides(html):
    """The number of top-level slides (outer ``<section>`` elements) in a reveal.js deck."""
    from html.parser import HTMLParser

    class Counter(HTMLParser):
        depth = 0
        slides = 0

        def handle_starttag(self, tag, attrs):
            if tag == "section":
                if self.depth == 0:
                    self.slides += 1
                self.depth += 1

        def handle_endtag(self, tag):
            if tag == "section":
                self.depth -= 1

    counter = Counter()
    counter.feed(html)
    return counter.slides


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rmsprop_lib.slides",
                                     description="Export a reveal.js slide deck of every notebook.")
    parser.add_argument("--out", default="slides", help="folder for the decks (default: slides)")
    parser.add_argument("--notebooks", help="folder holding the notebooks (default: this checkout's notebooks/)")
    parser.add_argument("--offline", action="store_true",
                        help="copy reveal.js, require.js, jQuery and MathJax next to the decks")
    parser.add_argument("--assets", help="with --offline: a folder where the npm packages "
                                         f"{' '.join(ASSET_PACKAGES)} are installed")
    parser.add_argument("names", nargs="*", help="only these notebooks (e.g. 03_rmsprop)")
    args = parser.parse_args(argv)
    if args.assets and not args.offline:
        parser.error("--assets only makes sense with --offline")
    start = time.perf_counter()
    try:
        paths = export_all(args.out, args.notebooks, offline=args.offline, assets=args.assets, names=args.names)
    except (ValueError, RuntimeError) as err:
        parser.error(str(err))
    print(f"{len(paths)} deck(s) in {args.out}/ ({time.perf_counter() - start:.1f} s); "
          f"open one in a browser, press S for speaker notes, F for full screen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
