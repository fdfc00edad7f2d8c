"""The renderer and the exports stand apart from the Streamlit app (the displacy model)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(
    "module",
    [
        "annotator.render",
        "annotator.render.article",
        "annotator.render.palette",
        "annotator.render.tables",
        "annotator.render.rewrites",
        "annotator.export",
        "annotator.export.html_writer",
        "annotator.export.docx_writer",
        "annotator.export.compare_html",
        "annotator.export.md_writer",
    ],
)
def test_render_and_export_import_no_streamlit_and_no_app(module: str):
    code = (
        f"import importlib, json, sys; importlib.import_module({module!r}); "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] == 'streamlit' or m.startswith('annotator.ui'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [], f"{module} pulls in the app or Streamlit"


@pytest.mark.parametrize(
    "module", ["annotator.render.tables", "annotator.export.md_writer", "annotator.export.html_writer"]
)
def test_render_row_functions_import_no_pandas(module: str):
    """The exports use the row functions; pandas (slow to import) is only for the app's tables."""
    code = f"import importlib, sys; importlib.import_module({module!r}); print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
