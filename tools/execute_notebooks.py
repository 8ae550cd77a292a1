"""Re-execute notebooks top to bottom and store them the way the tests expect.

    python tools/execute_notebooks.py notebooks/03_rmsprop.ipynb [more.ipynb ...]
    python tools/execute_notebooks.py            # every notebook in notebooks/

Like ``jupyter nbconvert --to notebook --execute --inplace``, but it records no timing metadata
and no widget state, and drops live widget views from the outputs (a stored widget view shows
up as a dead "loading widget" box for every reader; the playground is meant to be run).
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                            store_widget_state=False, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.outputs if WIDGET_VIEW not in out.get("data", {})]
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def main(argv):
    root = Path(__file__).resolve().parent.parent
    paths = [Path(p) for p in argv] or sorted((root / "notebooks").glob("*.ipynb"))
    for path in paths:
        start = time.perf_counter()
        execute(path.resolve())
        print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
