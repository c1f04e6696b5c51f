"""How long `import` takes to refuse a workbook past the office's limits (issue 14 §6).

A 15 MB .xlsx whose one sheet expands to 3,000,000 rows (220 MB of XML, no <dimension>):
refused by its uncompressed size (the default [limits] import_mb = 200), and with
import_mb raised, by its rows (import_rows = 200,000). Time and peak memory per run.

.venv/bin/python bench/import_limits.py [--rows 3000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from seed import BIN  # noqa: E402

PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def bomb(path: Path, rows: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
        body = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>' for i in range(1, rows + 1))
        z.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{body}</sheetData></worksheet>",
        )


def timed(env: dict[str, str], path: Path, runs: int) -> tuple[float, float, str]:
    times, peaks, said = [], [], ""
    for _ in range(runs):
        start = time.perf_counter()
        # GNU time's %M: the child's own peak (RUSAGE_CHILDREN would count the pages it
        # shared with this process, which built the workbook, before it exec'd)
        result = subprocess.run(
            ["/usr/bin/time", "-f", "%M", str(BIN), "import", str(path)], env=env, capture_output=True, text=True
        )
        times.append(time.perf_counter() - start)
        lines = result.stderr.strip().splitlines()
        peaks.append(int(lines[-1]) / 1024)
        said = next(line for line in lines if line.startswith("error:"))
        assert "exited with non-zero status 2" in result.stderr, result.stderr
    return statistics.median(times), max(peaks), said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bomb.xlsx"
        bomb(path, args.rows)
        env = {**os.environ, "COMPLAINTCTL_DB": str(Path(tmp) / "register.db")}
        subprocess.run([str(BIN), "init"], env=env, check=True, capture_output=True)
        print(f"{path.stat().st_size / 1e6:.1f} MB workbook, {args.rows:,} rows")
        seconds, peak, said = timed(env, path, args.runs)
        print(f"by size: {seconds:.2f} s, peak {peak:.0f} MB  ({said})")
        (Path(tmp) / "limits.toml").write_text("[limits]\nimport_mb = 1000\n", encoding="utf-8")
        subprocess.run([str(BIN), "rules", "install", str(Path(tmp) / "limits.toml")], env=env, check=True, capture_output=True)
        seconds, peak, said = timed(env, path, args.runs)
        print(f"by rows: {seconds:.2f} s, peak {peak:.0f} MB  ({said})")


if __name__ == "__main__":
    main()
