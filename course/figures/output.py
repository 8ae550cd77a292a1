"""Drawing a figure into its files (PNG, SVG, with its texts in the metadata) and writing the index."""
import os
import time
from pathlib import Path

import matplotlib

from rmsprop_lib import _validate

from .catalogue import FIGURES, select

#: Matplotlib settings for every figure: the library defaults plus these, whatever the local rc.
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": "medium",
    "svg.hashsalt": "rmsprop_lib",  # stable element ids in SVG files
    "path.simplify": True,
}
#: What is written into every file's metadata (no dates or version strings: the bytes stay stable).
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
FORMATS = tuple(_METADATA)


def _check_formats(formats):
    formats = tuple(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"formats must be a non-empty list from {list(FORMATS)}, got {list(formats)}")
    return formats



def _check_out(out):
    """``out`` as a Path to a folder that exists or can be made; a clear error otherwise."""
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder path, got {_validate.show(out)}")
    if not str(os.fspath(out)).strip():
        raise ValueError("out must be a folder path, got an empty one (use '.' for the current folder)")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out must be a folder, but {out} is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"out: cannot make the folder {out} ({err.strerror or err})") from None
    return out


def figure_texts(fig):
    """Every non-empty text a figure shows, in drawing order: titles, axis and tick labels, legend
    entries, annotations and numbers written into it. Unlike its pixels, these do not depend on
    the computer, so they are what identifies a figure's content."""
    from matplotlib.text import Text
    fig.canvas.draw()  # tick labels exist only once the figure is drawn
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def render(figure, out, formats=("png",)):
    """Draw one ``Figure`` and save it in each format; returns the paths written.

    Each file records the figure's texts (:func:`figure_texts`, one per line) in its
    ``Description`` metadata.
    """
    import matplotlib.pyplot as plt

    out = Path(out)
    with plt.style.context("default"), matplotlib.rc_context(STYLE):
        fig = figure.draw()
        try:
            description = "\n".join(figure_texts(fig))
            paths = []
            for fmt in formats:
                path = out / figure.filename(fmt)
                fig.savefig(path, format=fmt, metadata={**_METADATA[fmt], "Description": description})
                paths.append(path)
        finally:
            plt.close(fig)
    return paths


def write_index(out, figures=FIGURES, fmt="png"):
    """Write ``out/README.md``: a table with a thumbnail, the caption and the notebook of each figure."""
    lines = [
        "# Lecture figures",
        "",
        "Regenerate them all with `python -m course.figures` (PNG; add `--format png svg` for SVG",
        "too, `--out DIR` for another folder). Each is computed by `rmsprop_lib` with fixed seeds, so on",
        "one computer the files only change when the code does. On another computer a figure can differ in",
        "a few pixels (some runs amplify rounding errors, which differ between processors), never in its",
        "texts. The notebook column says where the figure is explained.",
        "",
        "| figure | caption | notebook |",
        "|---|---|---|",
    ]
    for f in figures:
        file = f.filename(fmt)
        lines.append(f'| <a href="{file}"><img src="{file}" width="260" alt="{f.name}"></a><br>`{file}` '
                     f"| {f.caption} | [{f.notebook}](../notebooks/{f.notebook}.ipynb) |")
    path = Path(out) / "README.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def generate(out="figures", formats=("png",), names=None, index=True, echo=print):
    """Regenerate the figures ``names`` (all by default) into ``out``; returns the paths written.

    With ``index`` (the default, when every figure is drawn) ``out/README.md`` is rewritten too.
    """
    formats = _check_formats(formats)
    figures = select(names)
    index = _validate.flag("index", index)
    if not callable(echo):
        raise TypeError(f"echo must be a function such as print, got {_validate.show(echo)}")
    out = _check_out(out)
    written = []
    for i, figure in enumerate(figures, 1):
        start = time.perf_counter()
        paths = render(figure, out, formats)
        written += paths
        echo(f"[{i}/{len(figures)}] {', '.join(p.name for p in paths)} ({time.perf_counter() - start:.2f} s)")
    if index and not names:
        written.append(write_index(out, figures, formats[0]))
        echo(f"index: {written[-1]}")
    return written


def default_out():
    """figures/ of the checkout this module belongs to, or of the current folder."""
    here = Path(__file__).resolve().parents[2]
    return here / "figures" if (here / "notebooks").is_dir() else Path.cwd() / "figures"

