#!/usr/bin/env python3
"""Checks a `sentinel export dpo` folder with the real `datasets` package (PyPI): it must load as JSON with TRL's
preference columns, in the format the export used.

    python3 examples/dpo/check_export.py DIR [--format standard|conversational]

Exit 0 and a summary when the dataset loads with the right columns and types; exit 1 with the reason otherwise.
"""
import argparse
import sys

import datasets


def check_split(name, split, fmt):
    columns = set(split.column_names)
    missing = {"prompt", "chosen", "rejected"} - columns
    if missing:
        sys.exit(f"{name}: missing TRL columns {sorted(missing)} (has {sorted(columns)})")
    for row in split:
        if fmt == "standard":
            for column in ("prompt", "chosen", "rejected"):
                if not isinstance(row[column], str) or not row[column]:
                    sys.exit(f"{name}: {column} must be a non-empty string, got {row[column]!r}")
        else:
            roles = {"prompt": "user", "chosen": "assistant", "rejected": "assistant"}
            for column, role in roles.items():
                messages = row[column]
                if not isinstance(messages, list) or not messages or messages[-1].get("role") != role:
                    sys.exit(f"{name}: {column} must be a list of messages ending with role {role}, got {messages!r}")
        if row["chosen"] == row["rejected"]:
            sys.exit(f"{name}: chosen equals rejected in {row!r}")
    print(f"{name}: {split.num_rows} rows, columns {sorted(columns)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--format", choices=["standard", "conversational"], default="standard")
    args = parser.parse_args()
    # As the dataset card says: the folder, whose card types the columns (`dataset_info`).
    loaded = datasets.load_dataset(args.folder)
    for name, split in loaded.items():
        check_split(name, split, args.format)
    print(f"datasets {datasets.__version__}: OK")


if __name__ == "__main__":
    main()
