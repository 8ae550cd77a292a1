"""The lecture figures command: the listed files, their content, the committed index, bad input.

Content, not bytes, is what stays the same across computers: a few figures show runs that amplify
rounding errors, and processors round differently. Two PNGs have the same content when they record
the same texts (titles, labels, ticks, legends, numbers) and at most ``PIXEL_TOLERANCE`` of their
pixels differ noticeably. Rounding-level differences move a short stretch of a curve (measured: at
most 0.4% of the pixels under other float kernels, and with noise 1000 times larger than rounding
injected into every gradient); a real change (another learning rate, another initialisation, a
changed number) changes a text or 6% of the pixels and more.
"""
import re
import struct

import matplotlib
import numpy as np
import pytest
from matplotlib import image
from PIL import Image

from course import figures
from course.figures import output

PROG = "python -m course.figures"
PIXEL_TOLERANCE = 0.01  # the share of pixels allowed to differ by more than 10% in a colour channel
# Another floating-point configuration of an x86 machine: OpenBLAS and numpy without AVX2 or FMA.
OTHER_KERNELS = {"OPENBLAS_CORETYPE": "Prescott", "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"}
# The figures that show runs which amplify rounding errors (RMSProp hopping around a minimum, a
# chaotic transient, bouncing learning rates in the heat map).
ROUNDING_SENSITIVE = ["rmsprop_vs_adagrad", "regression_loss_curves", "gallery", "sensitivity_heat_maps"]


@pytest.fixture(scope="session")
def run(run_module):
    """``run(*args, cwd=..., env=...)``: the command in a new process (from the checkout by default)."""
    return lambda *args, **options: run_module("course.figures", *args, **options)


def recorded_texts(path):
    """The texts a PNG written by the command records in its Description metadata."""
    return Image.open(path).text.get("Description")


def content_differences(expected, actual):
    """What differs between two PNG figures apart from rounding-level pixels (an empty list: same content)."""
    problems = []
    if recorded_texts(expected) != recorded_texts(actual):
        problems.append("the texts differ")
    a, b = image.imread(expected), image.imread(actual)
    if a.shape != b.shape:
        return problems + [f"the sizes differ: {a.shape[:2]} and {b.shape[:2]}"]
    changed = float(np.mean(np.abs(a - b).max(axis=2) > 0.1))
    if changed > PIXEL_TOLERANCE:
        problems.append(f"{changed:.1%} of the pixels differ")
    return problems


@pytest.fixture(scope="module")
def generated(tmp_path_factory, run):
    """Every figure and the index, written once by the command into a fresh folder."""
    out = tmp_path_factory.mktemp("figures") / "figs"
    return out, run("--out", str(out))


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG file"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_at_least_ten_named_figures_with_captions_and_notebooks():
    names = [f.name for f in figures.FIGURES]
    assert len(names) >= 10
    assert len(set(names)) == len(names)
    for f in figures.FIGURES:
        assert re.fullmatch(r"[a-z0-9_]+", f.name)
        assert f.caption.endswith(".") and 10 < len(f.caption) < 160
        assert re.fullmatch(r"0[0-7]_[a-z_]+", f.notebook)


def test_command_writes_exactly_the_listed_files(generated):
    out, result = generated
    assert result.returncode == 0, result.stderr
    expected = {f"{f.name}.png" for f in figures.FIGURES} | {"README.md"}
    assert {p.name for p in out.iterdir()} == expected


def test_command_prints_one_progress_line_per_figure_in_order(generated):
    _, result = generated
    progress = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert len(progress) == len(figures.FIGURES)
    for i, (line, f) in enumerate(zip(progress, figures.FIGURES), 1):
        assert line.startswith(f"[{i}/{len(figures.FIGURES)}] {f.name}.png (")


def test_every_figure_is_a_png_of_a_size_for_slides(generated):
    out, _ = generated
    for f in figures.FIGURES:
        width, height = png_size(out / f"{f.name}.png")
        assert 600 <= width <= 1600 and 300 <= height <= 1000, (f.name, width, height)


def test_the_index_shows_every_figure_with_its_caption_and_notebook(generated):
    out, _ = generated
    index = (out / "README.md").read_text(encoding="utf-8")
    for f in figures.FIGURES:
        assert f'<img src="{f.name}.png"' in index and f.caption in index and f"{f.notebook}.ipynb" in index


def test_one_computer_writes_the_same_bytes_every_time(generated, tmp_path, run):
    out, _ = generated
    # Two quick figures again as PNG, and twice as SVG.
    picked = ["rmsprop_ema_weights", "bias_correction"]
    for again in (tmp_path / "again", tmp_path / "svg1", tmp_path / "svg2"):
        formats = ["png"] if again.name == "again" else ["svg"]
        result = run("--out", str(again), *picked, "--format", *formats)
        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in again.iterdir()) == sorted(f"{n}.{formats[0]}" for n in picked)
    for p in (tmp_path / "again").iterdir():
        assert p.read_bytes() == (out / p.name).read_bytes(), f"{p.name} differs between two runs"
    for p in (tmp_path / "svg1").iterdir():
        svg = p.read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<dc:date>" not in svg
        assert p.read_bytes() == (tmp_path / "svg2" / p.name).read_bytes(), f"{p.name} differs between two runs"


def test_each_file_records_the_texts_of_its_figure(generated, tmp_path):
    out, _ = generated
    for f in figures.FIGURES:
        texts = recorded_texts(out / f.filename()).split("\n")
        assert len(texts) >= 5, (f.name, texts)
    # What is recorded is what the figure shows: compared with the figure drawn here.
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = next(f for f in figures.FIGURES if f.name == "bias_correction").draw()
    try:
        shown = [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]
    finally:
        plt.close(fig)
    recorded = recorded_texts(out / "bias_correction.png").split("\n")
    assert "Bias correction: without it Adam's first updates have the wrong length" in recorded
    assert "with bias correction" in recorded and "step t" in recorded
    assert set(recorded) <= set(shown)
    # The SVG records the same texts.
    figures.generate(tmp_path, formats=("svg",), names=["bias_correction"], echo=lambda line: None)
    svg = (tmp_path / "bias_correction.svg").read_text(encoding="utf-8")
    assert "Bias correction: without it Adam&#39;s first updates have the wrong length" in svg or \
        "Bias correction: without it Adam's first updates have the wrong length" in svg


def test_content_comparison_tells_a_real_change_from_rounding(tmp_path):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def save(name, shift=0.0, title="a line", metadata=True):
        fig, ax = plt.subplots(figsize=(4, 3))
        x = np.linspace(0, 1, 50)
        ax.plot(x, x + shift, linewidth=2)
        ax.set_ylim(-0.5, 1.5)
        ax.set_title(title)
        path = tmp_path / f"{name}.png"
        description = "\n".join(figures.figure_texts(fig))
        fig.savefig(path, metadata={"Software": None, "Description": description} if metadata else {"Software": None})
        plt.close(fig)
        return path

    base = save("base")
    assert content_differences(base, save("again")) == []
    assert content_differences(base, save("rounding", shift=1e-6)) == []  # far below a pixel
    moved = content_differences(base, save("moved", shift=0.2))  # the same texts, the line elsewhere
    assert len(moved) == 1 and moved[0].endswith("of the pixels differ"), moved
    assert content_differences(base, save("retitled", title="another line")) == ["the texts differ"]
    assert "the texts differ" in content_differences(base, save("unrecorded", metadata=False))


def test_committed_figures_have_the_content_of_a_fresh_generation(generated, checkout):
    out, result = generated
    assert result.returncode == 0, result.stderr
    stale = {f.name: problems for f in figures.FIGURES
             if (problems := content_differences(checkout / "figures" / f.filename(), out / f.filename()))}
    assert not stale, f"regenerate figures/ with {PROG}: {stale}"


def test_other_float_kernels_give_the_same_content(generated, tmp_path, run):
    out, _ = generated
    result = run("--out", str(tmp_path), *ROUNDING_SENSITIVE, env=OTHER_KERNELS)
    assert result.returncode == 0, result.stderr
    for name in ROUNDING_SENSITIVE:
        assert content_differences(out / f"{name}.png", tmp_path / f"{name}.png") == [], name


def test_committed_folder_holds_exactly_the_listed_figures_and_index(checkout):
    folder = checkout / "figures"
    expected = {f"{f.name}.png" for f in figures.FIGURES} | {"README.md"}
    assert {p.name for p in folder.iterdir()} == expected
    index = (folder / "README.md").read_text(encoding="utf-8")
    assert PROG in index
    for f in figures.FIGURES:
        row = next(line for line in index.splitlines() if f'src="{f.name}.png"' in line)
        assert f.caption in row
        assert f"](../notebooks/{f.notebook}.ipynb)" in row
        assert (checkout / "notebooks" / f"{f.notebook}.ipynb").is_file(), f"{f.name}: no notebook {f.notebook}"


@pytest.mark.parametrize("args, message", [
    (["--format", "gif"], "invalid choice: 'gif'"),
    (["no_such_figure"], "unknown figure(s) ['no_such_figure']"),
    (["gallery", "nope", "bias_correction"], "unknown figure(s) ['nope']"),
])
def test_bad_arguments_are_refused_with_a_clear_message(tmp_path, run, args, message):
    result = run("--out", str(tmp_path / "x"), *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"{PROG}: error: ")
    assert message in result.stderr
    assert not (tmp_path / "x").exists()


def test_bad_out_folders_are_refused_in_one_line_and_nothing_is_written(tmp_path, run, checkout):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    before = {p.name: p.stat().st_mtime_ns for p in (checkout / "figures").iterdir()}
    for out, message in [("", "out must be a folder path, got an empty one"),
                         ("   ", "out must be a folder path, got an empty one"),
                         (str(a_file), f"out must be a folder, but {a_file} is a file"),
                         (str(a_file / "sub"), f"out: cannot make the folder {a_file / 'sub'}")]:
        result = run("--out", out, "rmsprop_ema_weights", cwd=tmp_path)
        assert result.returncode == 2, (out, result.stderr)
        assert result.stderr.startswith(f"{PROG}: error: {message}"), (out, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing written in the current folder
    assert {p.name: p.stat().st_mtime_ns for p in (checkout / "figures").iterdir()} == before  # nor in the checkout


def test_a_folder_that_cannot_be_written_gives_one_line(tmp_path, monkeypatch, capsys):
    def refuse(figure, out, formats=("png",)):
        raise PermissionError(13, "Permission denied", str(out / figure.filename()))
    monkeypatch.setattr(output, "render", refuse)
    with pytest.raises(SystemExit) as exit_info:
        figures.main(["--out", str(tmp_path), "rmsprop_ema_weights"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{PROG}: error: cannot write the figures:") and "Permission denied" in err
    assert err.count("\n") == 1


def test_generate_checks_its_arguments(tmp_path):
    with pytest.raises(ValueError, match="formats must be a non-empty list"):
        figures.generate(tmp_path, formats=("jpg",))
    with pytest.raises(ValueError, match="formats must be a non-empty list"):
        figures.generate(tmp_path, formats=())
    with pytest.raises(TypeError, match="names must be a list of figure names"):
        figures.generate(tmp_path, names="gallery")
    with pytest.raises(ValueError, match=r"unknown figure\(s\) \[3\]"):
        figures.generate(tmp_path, names=[3])
    with pytest.raises(TypeError, match="out must be a folder path"):
        figures.generate(None, names=["rmsprop_ema_weights"])
    with pytest.raises(ValueError, match="out must be a folder path, got an empty one"):
        figures.generate("", names=["rmsprop_ema_weights"])
    with pytest.raises(TypeError, match="index must be True or False"):
        figures.generate(tmp_path, names=["rmsprop_ema_weights"], index="yes")
    with pytest.raises(TypeError, match="echo must be a function"):
        figures.generate(tmp_path, names=["rmsprop_ema_weights"], echo="print")
    assert list(tmp_path.iterdir()) == []


def test_list_names_every_figure(run):
    result = run("--list")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == [f.name for f in figures.FIGURES]
