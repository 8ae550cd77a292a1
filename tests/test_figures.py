"""The lecture figures command: the listed files, deterministic bytes, the committed index."""
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from rmsprop_lib import figures

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "rmsprop_lib.figures", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


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


def test_command_writes_exactly_the_listed_files(tmp_path):
    out = tmp_path / "figs"
    result = run("--out", str(out))
    assert result.returncode == 0, result.stderr
    expected = {f"{f.name}.png" for f in figures.FIGURES} | {"README.md"}
    assert {p.name for p in out.iterdir()} == expected
    # One progress line per figure, in order.
    progress = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert len(progress) == len(figures.FIGURES)
    for i, (line, f) in enumerate(zip(progress, figures.FIGURES), 1):
        assert line.startswith(f"[{i}/{len(figures.FIGURES)}] {f.name}.png (")
    for f in figures.FIGURES:
        width, height = png_size(out / f"{f.name}.png")
        assert 600 <= width <= 1600 and 300 <= height <= 1000, (f.name, width, height)
    index = (out / "README.md").read_text(encoding="utf-8")
    for f in figures.FIGURES:
        assert f'<img src="{f.name}.png"' in index and f.caption in index and f"{f.notebook}.ipynb" in index

    # Deterministic: the same bytes again (two quick figures); SVG too, twice.
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


def test_committed_folder_holds_exactly_the_listed_figures_and_index():
    folder = ROOT / "figures"
    expected = {f"{f.name}.png" for f in figures.FIGURES} | {"README.md"}
    assert {p.name for p in folder.iterdir()} == expected
    index = (folder / "README.md").read_text(encoding="utf-8")
    assert "python -m rmsprop_lib.figures" in index
    for f in figures.FIGURES:
        row = next(line for line in index.splitlines() if f'src="{f.name}.png"' in line)
        assert f.caption in row
        assert f"](../notebooks/{f.notebook}.ipynb)" in row
        assert (ROOT / "notebooks" / f"{f.notebook}.ipynb").is_file(), f"{f.name}: no notebook {f.notebook}"


@pytest.mark.parametrize("args, message", [
    (["--format", "gif"], "invalid choice: 'gif'"),
    (["no_such_figure"], "unknown figure(s) ['no_such_figure']"),
])
def test_bad_arguments_are_refused_with_a_clear_message(tmp_path, args, message):
    result = run("--out", str(tmp_path / "x"), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "x").exists()


def test_generate_checks_formats(tmp_path):
    with pytest.raises(ValueError, match="formats must be a non-empty list"):
        figures.generate(tmp_path, formats=("jpg",))
    with pytest.raises(ValueError, match="formats must be a non-empty list"):
        figures.generate(tmp_path, formats=())


def test_list_names_every_figure():
    result = run("--list")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == [f.name for f in figures.FIGURES]
