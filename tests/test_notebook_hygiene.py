"""Read every notebook's JSON (no kernel) and check the rules every stored notebook must follow."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SERIES = [
    "00_start_here",
    "01_gradient_descent",
    "02_adagrad",
    "03_rmsprop",
    "04_rmsprop_regression",
    "05_adam",
    "06_playground",
    "07_neural_network",
    "08_adam_in_practice",
]
WITH_EXERCISE = {"01_gradient_descent", "02_adagrad", "03_rmsprop", "04_rmsprop_regression", "05_adam",
                 "07_neural_network", "08_adam_in_practice"}
# Things that would leak a machine's layout into a stored output.
PRIVATE = re.compile(r"(/root\b|/home/\w+|/work/|/tmp/|/Users/\w+|C:\\\\Users|site-packages)")
SETUP_LINE = "if \"google.colab\" in sys.modules:"
CONTRIBUTING = NOTEBOOKS.parent / "CONTRIBUTING.md"


def load(name):
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell.get("source", ""))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and source(c).strip()]


def markdown(nb):
    return "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def output_text(output):
    if "text" in output:
        return "".join(output["text"])
    parts = []
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") or mime == "application/json":
            parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def test_the_whole_series_is_there():
    found = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert found == SERIES


@pytest.fixture(params=SERIES)
def notebook(request):
    path = NOTEBOOKS / f"{request.param}.ipynb"
    if not path.exists():
        pytest.fail(f"{path.name} is missing")
    return request.param, load(request.param)


def test_executed_top_to_bottom(notebook):
    name, nb = notebook
    counts = [c.get("execution_count") for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"{name}: re-execute it top to bottom"


def test_no_stored_errors(notebook):
    name, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{name} cell {i}: stored error {out.get('ename')}"
            if out.get("name") == "stderr":
                assert "Traceback" not in output_text(out), f"{name} cell {i}: traceback on stderr"


def test_no_cell_ends_with_semicolon(notebook):
    name, nb = notebook
    for i, cell in enumerate(code_cells(nb)):
        last = source(cell).rstrip().splitlines()[-1]
        assert last.lstrip().startswith("#") or not last.rstrip().endswith(";"), (
            f"{name} code cell {i} ends with ';' (nbval ignores it): end plots with plt.show()")


def test_no_private_paths_in_outputs(notebook):
    name, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            match = PRIVATE.search(output_text(out))
            assert match is None, f"{name} cell {i}: output shows a local path ({match.group(0)})"


def test_no_saved_widget_state(notebook):
    name, nb = notebook
    assert "widgets" not in nb.get("metadata", {}), f"{name}: saved widget state in metadata"
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {}), (
                f"{name} cell {i}: a stored widget view (tag the cell nbval-ignore-output and clear it)")


def test_follows_the_template(notebook):
    name, nb = notebook
    text = markdown(nb)
    first = source(nb["cells"][0])
    number = int(name[:2])
    assert re.search(rf"^# {number}\. \S", first, re.M), f"{name}: the first cell needs the title '# {number}. ...'"
    assert "colab.research.google.com" in first and "mybinder.org" in first, f"{name}: Colab and Binder badges"
    assert f"notebooks/{name}.ipynb" in first, f"{name}: the badges must open this notebook"
    for heading in ("## What you will learn", "## Summary", "## Further reading", "## Quiz"):
        assert heading in text, f"{name}: missing '{heading}'"
    assert "<details>" in text, f"{name}: quiz answers go in a collapsed <details> block"
    codes = [source(c) for c in code_cells(nb)]
    assert SETUP_LINE in codes[0], f"{name}: the first code cell must be the Colab setup cell"
    assert any(re.search(r"^\s*(from|import) rmsprop_lib", c, re.M) for c in codes), f"{name}: import rmsprop_lib"


def test_previous_and_next_links_point_at_real_notebooks(notebook):
    name, nb = notebook
    first = source(nb["cells"][0])
    i = SERIES.index(name)
    if i > 0:
        assert f"({SERIES[i - 1]}.ipynb)" in first, f"{name}: link to the previous notebook"
    if i < len(SERIES) - 1:
        assert f"({SERIES[i + 1]}.ipynb)" in first, f"{name}: link to the next notebook"


@pytest.mark.parametrize("name", sorted(WITH_EXERCISE))
def test_exercise_pattern(name):
    if not (NOTEBOOKS / f"{name}.ipynb").exists():
        pytest.fail(f"{name}.ipynb is missing")
    nb = load(name)
    cells = code_cells(nb)
    stubs = [i for i, c in enumerate(cells) if "raise NotImplementedError" in source(c)]
    assert stubs, f"{name}: the exercise needs a stub cell that raises NotImplementedError"
    checks = [i for i, c in enumerate(cells) if re.search(r"\bcheck_\w+\(", source(c))]
    assert len(checks) >= 2 and checks[0] > stubs[0], f"{name}: checker after the stub and again after the solution"
    hidden = [i for i, c in enumerate(cells) if c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    assert any(checks[0] < i < checks[-1] for i in hidden), f"{name}: a collapsed solution between the two checks"
    first_out = " ".join(output_text(o) for o in cells[checks[0]].get("outputs", []))
    last_out = " ".join(output_text(o) for o in cells[checks[-1]].get("outputs", []))
    assert "not implemented yet" in first_out.lower(), f"{name}: the first check should say 'not implemented yet'"
    assert "passed" in last_out.lower() or "correct" in last_out.lower(), f"{name}: the last check should pass"


def licence_footer():
    """The footer CONTRIBUTING.md prescribes (item 9 of the template), read from that file."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    block = text.split("The licence footer, the last cell (markdown), exactly:", 1)[1]
    return block.split("```", 2)[1].strip()


def test_the_footer_is_the_one_contributing_prescribes():
    footer = licence_footer()
    assert "CC BY 4.0" in footer and "MIT" in footer


def test_ends_with_the_licence_footer(notebook):
    name, nb = notebook
    last = nb["cells"][-1]
    assert last["cell_type"] == "markdown" and source(last).strip() == licence_footer(), (
        f"{name}: the last cell must be the licence footer of CONTRIBUTING.md (item 9)")
