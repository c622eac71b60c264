"""checked_outputs.py, which compares a lesson's checked cells after a JupyterLab run, agrees
with nbval: on one notebook, the same cells pass and fail under both."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import checked_outputs
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

TESTS = Path(__file__).resolve().parent
CHECK = "# NBVAL_CHECK_OUTPUT\n"


def stdout(text: str) -> dict:
    return new_output("stream", name="stdout", text=text)


def result(text: str) -> dict:
    return new_output("execute_result", data={"text/plain": text}, execution_count=1)


# (name, source, committed outputs, does a rerun match them?)
CASES = [
    ("same text", CHECK + "print('7 x 7')", [stdout("7 x 7\n")], True),
    ("other text", CHECK + "print('7 x 7')", [stdout("5 x 5\n")], False),
    ("timing", CHECK + "print('took 0.5 s')", [stdout("took 12.25 s\n")], True),
    (
        "stderr",
        CHECK + "import sys; sys.stderr.write('a warning\\n'); print(1)",
        [stdout("1\n")],
        True,
    ),
    ("streams split", CHECK + "print('a', end=''); print('b')", [stdout("ab\n")], True),
    ("result", CHECK + "1 + 1", [result("2")], True),
    ("other result", CHECK + "1 + 1", [result("3")], False),
    ("missing output", CHECK + "1 + 1", [], False),
    ("unchecked", "print('anything')", [stdout("something else\n")], True),
    (
        "image",
        CHECK + "from IPython.display import display\n"
        "display({'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>'}, raw=True)",
        [new_output("display_data", data={"image/png": "AAAA", "text/plain": "<Figure>"})],
        True,
    ),
]


def committed_notebook() -> nbformat.NotebookNode:
    cells = []
    for index, (_, source, outputs, _) in enumerate(CASES, start=1):
        cell = new_code_cell(source, execution_count=index)
        cell.outputs = outputs
        cells.append(cell)
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return notebook


def test_a_lesson_agrees_with_itself():
    lesson = sorted((TESTS.parent / "notebooks").glob("0[1-9]_*.ipynb"))[0]
    notebook = json.loads(lesson.read_text())
    assert any(checked_outputs.is_checked(cell) for cell in notebook["cells"])
    assert checked_outputs.mismatches(notebook, notebook) == []


def test_a_difference_names_the_cell_and_shows_both_lines():
    committed = committed_notebook()
    executed = copy.deepcopy(committed)
    executed.cells[0].outputs = [stdout("7 x 8\n")]
    (found,) = checked_outputs.mismatches(committed, executed)
    assert found.startswith("cell 0 (print('7 x 7')):")
    assert "-7 x 7" in found and "+7 x 8" in found


def test_a_different_number_of_cells_is_a_mismatch():
    committed = committed_notebook()
    executed = copy.deepcopy(committed)
    executed.cells.pop()
    assert checked_outputs.mismatches(committed, executed) == [
        f"the notebook has {len(CASES) - 1} cells, the committed one {len(CASES)}"
    ]


def test_markers_only_nbval_can_run_are_refused():
    with pytest.raises(ValueError, match="skip"):
        checked_outputs.is_checked(new_code_cell("# NBVAL_SKIP\nprint(1)"))


@pytest.mark.slow
def test_the_same_cells_fail_as_under_nbval(pytester):
    """Run the notebook twice: under nbval, and with nbclient then compared here."""
    from nbclient import NotebookClient  # noqa: PLC0415

    committed = committed_notebook()
    nbformat.write(committed, pytester.path / "cases.ipynb")
    pytester.makeconftest(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
        "import checked_outputs\nchecked_outputs.leave_stderr_out_of_nbval()\n"
    )
    run = pytester.runpytest_subprocess(
        "-p",
        "no:xdist",
        "-p",
        "no:cacheprovider",
        "--nbval-lax",
        "-rf",
        f"--nbval-sanitize-with={TESTS / 'nbval_sanitize.cfg'}",
        "cases.ipynb",
    )
    failed_under_nbval = {
        int(n) for n in re.findall(r"FAILED cases\.ipynb::Cell (\d+)", run.stdout.str())
    }

    executed = copy.deepcopy(committed)
    NotebookClient(executed, timeout=60, kernel_name="python3").execute()
    failed_here = {int(line.split()[1]) for line in checked_outputs.mismatches(committed, executed)}

    expected = {i for i, (*_, matches) in enumerate(CASES) if not matches}
    assert failed_under_nbval == expected, run.stdout.str()[-3000:]
    assert failed_here == expected
