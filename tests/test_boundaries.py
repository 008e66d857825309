"""Project rules a test can check: seqcore is streamlit-free outside ui/, and light to import."""

import ast
import subprocess
import sys

from tests.conftest import ROOT


def test_seqcore_imports_streamlit_only_in_ui():
    offenders = []
    for path in (ROOT / "seqcore").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "seqcore").parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            if any(name.split(".")[0] == "streamlit" for name in names):
                offenders.append(str(path))
    assert offenders == []


def test_configs_and_registry_load_without_tensorflow():
    code = (
        "import sys, seqcore\n"
        "for s in seqcore.SCENARIOS.values(): s.Config.from_params({})\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False False"


def test_every_scenario_has_a_page():
    import seqcore

    for name in seqcore.SCENARIOS:
        assert (ROOT / "pages" / f"{name}.py").is_file(), name
