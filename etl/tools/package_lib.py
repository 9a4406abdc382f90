#!/usr/bin/env python3
"""Build the lake_etl library zip that Glue loads with --extra-py-files, byte-for-byte reproducible.

    python3 etl/tools/package_lib.py --out dist/etl/lake_etl.zip
    -> prints {"path": "dist/etl/lake_etl.zip", "sha256": "<hex>", "files": [...]}

Only etl/jobs/lake_etl/**/*.py goes in (no __pycache__, no tests), in sorted order with a fixed timestamp and
fixed permissions, so the same sources always give the same bytes: the S3 object can be keyed and change-
detected by this hash, and a job is redeployed only when its library really changed. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from pathlib import Path

LIB = Path(__file__).resolve().parent.parent / "jobs" / "lake_etl"
EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def sources() -> list[Path]:
    return sorted(p for p in LIB.rglob("*.py") if "__pycache__" not in p.parts)


def build(out: Path) -> dict[str, object]:
    out.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sources():
            name = (Path("lake_etl") / path.relative_to(LIB)).as_posix()
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
            names.append(name)
    return {"path": str(out), "sha256": hashlib.sha256(out.read_bytes()).hexdigest(), "files": names}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    print(json.dumps(build(parser.parse_args(argv).out)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
