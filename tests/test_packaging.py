"""The wheel carries the ontology, the shapes, the question cues, the corpus, the example queries
and the `kgqa` script's top-level module (not only an editable install)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_ontology_shapes_and_corpus(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("kgqa-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert archive.read("kg/data/ontology.ttl") == (ROOT / "ontology.ttl").read_bytes()
        assert archive.read("kg/data/shapes.ttl") == (ROOT / "shapes.ttl").read_bytes()
        hints = ROOT / "qa" / "data" / "hints.ttl"
        assert archive.read("qa/data/hints.ttl") == hints.read_bytes()
        for doc in (ROOT / "kg" / "corpus").glob("*.txt"):
            assert archive.read(f"kg/corpus/{doc.name}") == doc.read_bytes()
        for claims in (ROOT / "kg" / "corpus").glob("*.claims.yaml"):
            assert f"kg/corpus/{claims.name}" in names
        examples = sorted((ROOT / "kg" / "queries").glob("*.rq"))
        assert len(examples) == 12
        for query in examples:
            assert archive.read(f"kg/queries/{query.name}") == query.read_bytes()
        entry_points = archive.read(
            next(n for n in names if n.endswith("entry_points.txt"))
        ).decode()
    assert "kgqa = kgqa_cli:main" in entry_points
    assert "kgqa_cli.py" in names
    assert any(n.startswith("qa/") for n in names)
    assert any(n.startswith("ingest/") for n in names)
    assert any(n.startswith("web/") for n in names)
