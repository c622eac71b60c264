"""nbval's output check, for a lesson that ran somewhere else: in JupyterLab (test_browser.py).

nbval runs a notebook and compares the outputs of each cell marked ``# NBVAL_CHECK_OUTPUT``
with the committed ones: streams merged, stderr left out (``without_stderr``, which
conftest.py also gives nbval), images and widget ids skipped, every string passed through
the replacements of tests/nbval_sanitize.cfg.
``mismatches`` makes the same comparison with nbval's own functions, so that a lesson the
browser tests run in JupyterLab need not run a second time under nbval (see conftest.py).
One difference is left: JupyterLab applies ``clear_output`` and display updates to what it
saves, nbval keeps every message. No checked cell uses them; a checked cell should print.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import json
import re
from collections import defaultdict
from pathlib import Path

import nbformat
from nbval.plugin import (
    IPyNbCell,
    coalesce_streams,
    find_comment_markers,
    find_metadata_tags,
    get_sanitize_patterns,
)

SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")
# nbval's own list (IPyNbFile.skip_compare, without --nbdime): never compared.
SKIPPED = {"image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json"}
IGNORED_KEYS = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count"}


def without_stderr(outputs: list) -> list:
    """Warnings and progress bars go to stderr, and vary: never compared."""
    return [o for o in outputs if not (o["output_type"] == "stream" and o.get("name") == "stderr")]


def leave_stderr_out_of_nbval() -> None:
    """Make nbval's own comparison leave stderr out too (called by conftest.py)."""
    compare = IPyNbCell.compare_outputs
    if getattr(compare, "leaves_stderr_out", False):
        return

    def compare_without_stderr(self, test, ref, skip_compare=None):
        return compare(self, without_stderr(test), without_stderr(ref), skip_compare)

    compare_without_stderr.leaves_stderr_out = True
    IPyNbCell.compare_outputs = compare_without_stderr


def is_checked(cell: dict) -> bool:
    """Whether nbval would compare this cell's outputs (with --nbval-lax)."""
    options = dict(find_metadata_tags(cell.get("metadata", {})) or [])
    source = cell.get("source", "")
    options.update(find_comment_markers("".join(source) if isinstance(source, list) else source))
    unsupported = {"skip", "check_exception"} & {k for k, v in options.items() if v}
    if unsupported:
        # JupyterLab runs every cell and test_browser.py fails on any error: these markers
        # would need nbval itself.
        raise ValueError(f"a cell uses nbval's {sorted(unsupported)} marker, which only nbval runs")
    return bool(options.get("check"))


def mismatches(committed: dict, executed: dict) -> list[str]:
    """For every checked cell whose new outputs differ from the committed ones: what differs."""
    patterns = get_sanitize_patterns(SANITIZE.read_text())
    # As nbformat reads a file: multi-line strings joined, whoever wrote the notebook.
    committed, executed = (
        nbformat.reads(json.dumps(nb), as_version=4) for nb in (committed, executed)
    )
    old_cells, new_cells = committed.cells, executed.cells
    if len(old_cells) != len(new_cells):
        return [f"the notebook has {len(new_cells)} cells, the committed one {len(old_cells)}"]
    found = []
    for index, (old, new) in enumerate(zip(old_cells, new_cells, strict=True)):
        if old["cell_type"] != "code" or not is_checked(old):
            continue
        if old.get("execution_count") is None:  # never run when committed: nbval skips it
            if old["outputs"]:
                found.append(f"cell {index}: committed with outputs but no execution count")
            continue
        expected, got = _comparable(old["outputs"], patterns), _comparable(new["outputs"], patterns)
        if expected != got:
            code = [
                line for line in old.source.splitlines() if line.strip() and "NBVAL" not in line
            ]
            found.append(
                f"cell {index} ({(code or [''])[0].strip()[:60]}):\n{_diff(expected, got)}"
            )
    return found


def _comparable(outputs: list[dict], patterns: list[tuple[str, str]]) -> dict[str, list]:
    """Outputs as nbval compares them: {stream name or MIME type: [sanitized values]}."""
    kept = [nbformat.from_dict(copy.deepcopy(o)) for o in without_stderr(outputs)]
    flat = defaultdict(list)
    for output in coalesce_streams(kept):
        for key, value in output.items():
            if key == "data":
                for mime, content in value.items():
                    if mime not in SKIPPED:
                        flat[mime].append(_sanitized(content, patterns))
            elif output["output_type"] == "stream" and key == "text":
                flat[output["name"]].append(_sanitized(value, patterns))
            elif key not in IGNORED_KEYS:
                flat[key].append(_sanitized(value, patterns))
    return flat


def _diff(expected: dict[str, list], got: dict[str, list], max_lines: int = 40) -> str:
    """A unified diff, committed against this run, of each kind of output that differs."""
    lines = []
    for key in sorted(set(expected) | set(got)):
        old, new = _lines(expected.get(key, [])), _lines(got.get(key, []))
        if old != new:
            diff = difflib.unified_diff(old, new, "committed", "this run", lineterm="")
            lines += [f"  {key}:", *(f"    {line}" for line in itertools.islice(diff, max_lines))]
    return "\n".join(lines)


def _lines(values: list) -> list[str]:
    return "\n".join(str(value) for value in values).splitlines()


def _sanitized(value: object, patterns: list[tuple[str, str]]) -> object:
    if not isinstance(value, str):
        return value
    for regex, replacement in patterns:
        value = re.sub(regex, replacement, value)
    return value
