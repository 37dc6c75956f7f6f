"""Write the published JSON Schemas (site_builder.schemas) into schemas/ at the repository root.

Run it after changing catalog/schema/*.schema.yaml and commit the result:

    python scripts/export-schemas.py

The files in schemas/ are generated, never edited by hand; tests/test_published_schemas.py fails
while they differ from what the YAML gives. Stale `*.schema.json` files (a kind that is no longer
published) are removed, so the folder always holds exactly the published set.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # runs from a checkout too, without `pip install -e .`

from site_builder.schemas import published_schemas  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "schemas", help="folder to write (default: schemas/)")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    schemas = published_schemas()
    for stale in sorted(set(p.name for p in out.glob("*.schema.json")) - set(schemas)):
        (out / stale).unlink()
        print(f"removed {out / stale}")
    for name, data in sorted(schemas.items()):
        target = out / name
        if target.exists() and target.read_bytes() == data:
            continue
        target.write_bytes(data)
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
