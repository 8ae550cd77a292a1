"""Every notebook, run top to bottom in JupyterLab in a real (headless) Chromium.

For each notebook: open it, wait until the kernel is idle, Run > Run All Cells, wait until every
code cell has run, then check there is no error output and the figures rendered. In the
playground, move a slider with the mouse and with the keyboard and check the plot changes.

    pytest tests/browser -m browser          # skips without a browser
    RMSPROP_REQUIRE_BROWSER=1 pytest tests/browser
"""
import json
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PLAYGROUND = [p for p in NOTEBOOKS if "playground" in p.stem]
IDLE = "Python 3 (ipykernel) | Idle"


def stored(path):
    """What the stored notebook says to expect: code cells, and static figures outside widget cells."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    images = sum(1 for c in code if "nbval-ignore-output" not in c.get("metadata", {}).get("tags", [])
                 for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    return len(code), images


# Runs in the page: the state of the open notebook.
NOTEBOOK_STATE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const cells = [...panel.querySelectorAll('.jp-CodeCell')];
  // A collapsed input (a solution cell) shows a placeholder instead of its prompt.
  const prompts = cells.map(c => c.querySelector('.jp-InputArea-prompt'))
      .filter(p => p !== null).map(p => p.textContent.trim());
  const collapsed = cells.length - prompts.length;
  const errors = [...panel.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
      .map(e => e.textContent).filter(t => /Traceback|Error:|Exception/.test(t));
  const images = panel.querySelectorAll('.jp-OutputArea-output img').length;
  return {cells: cells.length, prompts, collapsed, errors, images};
}"""


def open_notebook(page, lab, path):
    # ?reset: start from an empty workspace, so no earlier notebook is reopened (with its kernel).
    page.goto(f"{lab.url}/lab/tree/notebooks/{path.name}?reset", wait_until="domcontentloaded")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="attached", timeout=120_000)
    page.get_by_text(IDLE, exact=True).wait_for(timeout=120_000)


def run_all(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def wait_until_done(page, n_code, timeout=240):
    """Wait until every code cell shows an execution count and the kernel is idle; stop early on an error."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(NOTEBOOK_STATE)
        if state and state["errors"]:
            return state
        if state and state["cells"] == n_code and state["prompts"] and all(
                p.startswith("[") and p[1:-2].isdigit() for p in state["prompts"]):
            # Run All numbers the cells 1..n: the last one is n once everything has run.
            if max(int(p[1:-2]) for p in state["prompts"]) == n_code and page.get_by_text(IDLE, exact=True).is_visible():
                return state
        time.sleep(0.25)
    pytest.fail(f"the notebook did not finish within {timeout} s; prompts: {state and state['prompts']}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab_without_errors(lab, page, timings, path):
    n_code, n_images = stored(path)
    start = time.perf_counter()
    try:
        open_notebook(page, lab, path)
        run_all(page)
        state = wait_until_done(page, n_code)
        assert not state["errors"], f"error output in {path.name}:\n" + "\n---\n".join(e[-1500:] for e in state["errors"])
        counts = [int(p[1:-2]) for p in state["prompts"]]
        assert len(set(counts)) == len(counts) and set(counts) <= set(range(1, n_code + 1)), counts
        assert len(counts) + state["collapsed"] == n_code, state
        assert state["images"] >= n_images, f"{state['images']} figures rendered, the stored notebook has {n_images}"
        if n_images:
            # Rendered images have real pixels (not broken links).
            sizes = page.evaluate("""() => [...document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img')].map(i => i.naturalWidth)""")
            assert all(w > 50 for w in sizes), sizes
    finally:
        timings[path.stem] = time.perf_counter() - start
        lab.shutdown_kernels()


def _playground_image_src(page):
    return page.evaluate("""() => {
      const imgs = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .widget-image, '
                                                 + '.jp-NotebookPanel:not(.lm-mod-hidden) .jupyter-widgets img')];
      return imgs.map(i => i.getAttribute('src') || '').join('|');
    }""")


def _wait_for_change(page, before, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = _playground_image_src(page)
        if now and now != before:
            return now
        time.sleep(0.2)
    pytest.fail(f"the playground's plot did not change after moving a slider with the {what}")


@pytest.mark.parametrize("path", PLAYGROUND, ids=[p.stem for p in PLAYGROUND])
def test_playground_responds_to_mouse_and_keyboard(lab, page, timings, path):
    n_code, _ = stored(path)
    start = time.perf_counter()
    try:
        open_notebook(page, lab, path)
        run_all(page)
        state = wait_until_done(page, n_code)
        assert not state["errors"], state["errors"]
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        handle = panel.locator(".widget-slider .noUi-handle, .widget-slider .ui-slider-handle").first
        handle.scroll_into_view_if_needed()
        handle.wait_for(state="visible")
        page.wait_for_function("() => document.querySelector('.widget-image, .jupyter-widgets img') !== null")
        before = _playground_image_src(page)
        assert before, "no playground image found"

        # Mouse: drag the first slider's handle to the right.
        box = handle.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2, steps=8)
        page.mouse.up()
        after_mouse = _wait_for_change(page, before, "mouse")

        # Keyboard: focus the handle and step it back with the arrow keys.
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowLeft")
        _wait_for_change(page, after_mouse, "keyboard")
        state = page.evaluate(NOTEBOOK_STATE)
        assert not state["errors"], state["errors"]
    finally:
        timings[f"{path.stem} (slider)"] = time.perf_counter() - start
        lab.shutdown_kernels()
