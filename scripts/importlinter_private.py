"""An import-linter contract: no app imports another app's private names (`from balai.lapor.x import _helper`)
or private modules (`balai.lapor.services._steps`). Within an app, private names are fair game."""

from __future__ import annotations

import re
from typing import Any

from importlinter import Contract, ContractCheck, fields, output

_FROM_IMPORT = re.compile(r"^\s*from\s+[\w.]+\s+import\s+\(?(?P<names>[^)#]*)")


def _app(module: str, apps: list[str]) -> str | None:
    return next((app for app in apps if module == app or module.startswith(app + ".")), None)


def _private_segment(module: str, app: str) -> str | None:
    rest = module[len(app) :].strip(".")
    return next((part for part in rest.split(".") if part.startswith("_") and not part.startswith("__")), None)


def _private_names(line: str) -> list[str]:
    match = _FROM_IMPORT.match(line)
    if not match:
        return []
    names = [n.strip().split(" as ")[0].strip() for n in match.group("names").split(",")]
    return [n for n in names if n.startswith("_") and not n.startswith("__")]


class PrivateNamesContract(Contract):
    apps = fields.ListField(subfield=fields.StringField())

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        apps = [str(a) for a in self.apps]  # type: ignore[attr-defined]
        problems: list[dict[str, Any]] = []
        for importer in sorted(graph.modules):
            importer_app = _app(importer, apps)
            if importer_app is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = _app(imported, apps)
                if imported_app is None or imported_app == importer_app:
                    continue
                segment = _private_segment(imported, imported_app)
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    names = _private_names(detail["line_contents"])
                    if segment or names:
                        problems.append(
                            {
                                "importer": importer,
                                "imported": imported,
                                "line_number": detail["line_number"],
                                "line": detail["line_contents"].strip(),
                                "what": f"private module part {segment!r}" if segment else ", ".join(names),
                            }
                        )
        return ContractCheck(kept=not problems, metadata={"problems": problems})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for problem in check.metadata["problems"]:
            output.print_error(
                f"{problem['importer']}:{problem['line_number']} imports {problem['what']} of "
                f"{problem['imported']}: {problem['line']}"
            )
            output.new_line()
