#!/usr/bin/env python3
"""Print each Glue job script's argument list as JSON, read from the script's source with `ast`.

    python3 etl/tools/job_args.py                 # every etl/jobs/*.py entry point
    python3 etl/tools/job_args.py etl/jobs/silver_to_gold.py

Nothing is imported (awsglue and pyspark need not be installed); any Python 3.9+ runs it. Output, keyed by the
script's name without .py (the name the platform's job resources refer to):

    {"bronze_to_silver": {"script": "etl/jobs/bronze_to_silver.py",
                          "args": ["JOB_NAME", "JOB_RUN_ID", "TempDir", "source_database", ...],
                          "glueProvided": ["JOB_NAME", "JOB_RUN_ID"],
                          "jobArguments": ["--TempDir", "--source_database", ...]}, ...}

`args` is the script's ARGS list exactly as getResolvedOptions receives it; `glueProvided` are those Glue passes
on its own at every run; `jobArguments` are the rest, as the `--name` keys a job's default arguments must hold,
each exactly once. Exit status 1 (and a message on stderr) when a script has no literal ARGS list, does not pass
ARGS to getResolvedOptions, or reads an `args["..."]` that ARGS lacks.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

GLUE_PROVIDED = ("JOB_NAME", "JOB_RUN_ID", "JOB_ID")
JOBS_DIR = Path(__file__).resolve().parent.parent / "jobs"
REPO = JOBS_DIR.parent.parent


class ScriptError(Exception):
    pass


def args_list(tree: ast.Module, name: str) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "ARGS" for t in node.targets):
            value = node.value
            if not isinstance(value, ast.List) or not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
                raise ScriptError(f"{name}: ARGS must be a literal list of strings")
            items = [e.value for e in value.elts]
            if len(set(items)) != len(items):
                raise ScriptError(f"{name}: ARGS lists an argument twice")
            return items
    raise ScriptError(f"{name}: no module-level ARGS = [...] list")


def check_usage(tree: ast.Module, name: str, args: list[str]) -> None:
    passes_args = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if called == "getResolvedOptions":
                if len(node.args) != 2 or not (isinstance(node.args[1], ast.Name) and node.args[1].id == "ARGS"):
                    raise ScriptError(f"{name}: getResolvedOptions must be called with ARGS, the one list")
                passes_args = True
        # args["x"]: every key the script reads must be declared.
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "args"
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
                and node.slice.value not in args):
            raise ScriptError(f"{name}: reads args[{node.slice.value!r}], which ARGS does not list")
    if not passes_args:
        raise ScriptError(f"{name}: never calls getResolvedOptions(sys.argv, ARGS)")


def describe(path: Path) -> dict[str, object]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    args = args_list(tree, path.name)
    check_usage(tree, path.name, args)
    try:
        shown = path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        shown = str(path)
    return {
        "script": shown,
        "args": args,
        "glueProvided": [a for a in args if a in GLUE_PROVIDED],
        "jobArguments": [f"--{a}" for a in args if a not in GLUE_PROVIDED],
    }


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(p for p in JOBS_DIR.glob("*.py") if not p.name.startswith("_"))
    try:
        result = {p.stem: describe(p) for p in paths}
    except (ScriptError, SyntaxError, OSError) as e:
        print(f"job_args: {e}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
