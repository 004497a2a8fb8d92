"""Regenerate timeline/extract/data/model_checksums.json from the installed default spaCy model.

Run by hand after deliberately changing the pinned model version:
    python benchmarks/model_checksums.py
"""

from __future__ import annotations

import json

from timeline.extract.nlp import CHECKSUMS_FILE, default_model_dir, digest_tree


def main() -> None:
    """Hash every file of the default model's data directory and write the JSON artefact."""
    digests = digest_tree(default_model_dir())
    CHECKSUMS_FILE.write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(digests)} checksums to {CHECKSUMS_FILE}")


if __name__ == "__main__":
    main()
