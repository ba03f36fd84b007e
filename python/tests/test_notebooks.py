"""The Python notebooks (notebooks/python/*.ipynb) run headlessly without a cell error and draw their
pictures; the committed copies keep no outputs.

They run like the Java notebooks in NotebooksIT: through ``bin/modernbert-notebook --execute``
(Debian's Jupyter and nbclient, the same runner with its kernel-start retry), here on the
"Python (ModernBERT + PySpark)" kernel, whose interpreter is this test's own Python
(``MODERNBERT_PYTHON=sys.executable``: the virtual environment bin/test creates, which has pyspark,
modernbert_spark and ipykernel). They are tested here rather than in NotebooksIT because that
environment only exists after the Maven build, when pytest runs. The notebooks start their own
SparkSession in the kernel's process, so this test shares nothing with the suite's session.
"""

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks" / "python"
EXECUTED = ROOT / "target" / "notebooks" / "executed" / "python"

# Each notebook and the pictures (SVG outputs) it must draw.
PICTURES = {
    "01-quickstart": 1,  # the PCA scatter plot
    "02-long-documents-and-colbert": 3,  # chunk and late similarity heat maps, the MaxSim matrix
}
SVG_NS = "{http://www.w3.org/2000/svg}"


def notebook_names():
    return sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))


def test_every_python_notebook_is_checked_for_pictures():
    assert notebook_names() == sorted(PICTURES), (
        f"notebooks/python holds {notebook_names()}; PICTURES lists {sorted(PICTURES)}")


@pytest.mark.parametrize("name", notebook_names())
def test_committed_notebook_has_no_outputs_and_names_the_python_kernel(name):
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "modernbert-python"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{name} cell {i} has outputs: clear them"
            assert cell["execution_count"] is None, f"{name} cell {i} has an execution count"


@pytest.fixture(scope="module")
def executed():
    """Runs every notebook of notebooks/python once; returns the runner's output."""
    shutil.rmtree(EXECUTED, ignore_errors=True)  # no copy from an earlier run can pass for this one
    env = {**os.environ, "MODERNBERT_PYTHON": sys.executable}
    run = subprocess.run(
        [str(ROOT / "bin" / "modernbert-notebook"), "--execute", str(NOTEBOOKS)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=30 * 60)
    tail = "\n".join(run.stdout.splitlines()[-60:])
    if run.returncode == 3:
        pytest.fail("bin/modernbert-notebook found no Jupyter (bin/test installs Debian's "
                    f"jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel "
                    f"jupyter-core):\n{tail}")
    assert run.returncode == 0, f"a Python notebook failed (exit {run.returncode}):\n{tail}"
    return run.stdout


@pytest.mark.parametrize("name", notebook_names())
def test_notebook_runs_without_errors_and_draws_its_pictures(executed, name):
    nb = json.loads((EXECUTED / f"{name}.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), (
        f"{name}: not every code cell ran")
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"], f"{name} has an error output"

    svgs = sorted((EXECUTED / f"{name}-images").glob("*.svg"))
    assert len(svgs) == PICTURES[name], f"{name} drew {len(svgs)} picture(s): {svgs}"
    for svg in svgs:
        root = ElementTree.parse(svg).getroot()  # well-formed XML
        assert root.tag == f"{SVG_NS}svg", f"{svg} is not an SVG document"
        marks = root.findall(f"{SVG_NS}circle") + root.findall(f"{SVG_NS}rect")
        assert len(marks) > 20, f"{svg} draws only {len(marks)} shapes"
