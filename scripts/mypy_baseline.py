"""What the mypy baseline still hides: each ``ignore_errors`` module of pyproject.toml with its error count.

Runs mypy with the project's configuration minus ``ignore_errors`` (its own cache, so the normal
``mypy`` cache stays valid), then prints one JSON object: the errors per baselined module, the
total, the entries that no longer hide anything (``stale``: delete them) and those naming no module
yet (``absent``). Exits 1 when an entry is stale, so the baseline can only shrink. Usage: ``python scripts/mypy_baseline.py`` (``make types-baseline``).
"""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+: error:")


def baselined(config: dict) -> list[str]:
    """The module patterns of every override that ignores errors, in file order."""
    return [
        module
        for override in config["tool"]["mypy"].get("overrides", [])
        if override.get("ignore_errors")
        for module in ([override["module"]] if isinstance(override["module"], str) else override["module"])
    ]


def module_of(path: str) -> str:
    name = path.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__")


def main() -> int:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    patterns = baselined(tomllib.loads(text))
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "pyproject.toml"
        config.write_text(
            re.sub(r"(?m)^ignore_errors = true$", "ignore_errors = false", text), encoding="utf-8"
        )
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(config),
                "--cache-dir",
                str(ROOT / ".mypy_cache" / "baseline"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    if run.returncode not in (0, 1):
        sys.stderr.write(run.stdout + run.stderr)
        return 2
    per_module = Counter(module_of(m["path"]) for line in run.stdout.splitlines() if (m := ERROR.match(line)))
    hidden = {
        p: sum(n for module, n in per_module.items() if fnmatch.fnmatchcase(module, p)) for p in patterns
    }
    existing = {
        module_of(str(path.relative_to(ROOT))) for path in ROOT.rglob("*.py") if ".venv" not in path.parts
    }
    absent = [p for p in patterns if not any(fnmatch.fnmatchcase(m, p) for m in existing)]
    stale = [p for p, n in hidden.items() if n == 0 and p not in absent]
    print(
        json.dumps(
            {"modules": hidden, "total": sum(hidden.values()), "stale": stale, "absent": absent}, indent=2
        )
    )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
