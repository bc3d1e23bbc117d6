"""Fenxiao's own import-linter contract types, loaded by ``[tool.importlinter]`` in pyproject.toml.

Every app keeps its routers in ``<app>.api`` and its console in ``<app>.admin`` (a module or a
package). Those faces sit above every app: a face of ``catalog`` may show inventory's stock
without making ``catalog`` depend on ``inventory``. So both contracts below first set aside the
imports a face makes *of another app* (import-linter hands each contract its own copy of the
graph), then check exactly what import-linter's own ``layers`` and ``acyclic_siblings`` check. A
face's imports inside its own app stay in the graph, and that no app code imports a face is a
contract of its own (``protected``), so no chain can climb through a face."""

from __future__ import annotations

from importlinter import fields
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract


def _app(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _is_face(module: str, faces: set[str]) -> bool:
    return any(part in faces for part in module.split(".")[2:])


def set_faces_aside(graph, faces: set[str]) -> None:
    """Remove every import by a face module of a module in another app."""
    for importer in sorted(graph.modules):
        if not _is_face(importer, faces):
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if _app(imported) != _app(importer):
                graph.remove_import(importer=importer, imported=imported)


class AppLayersContract(LayersContract):
    """``layers``, faces aside. Extra option ``faces``: the submodule names that are faces."""

    faces = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool):
        set_faces_aside(graph, set(self.faces))  # type: ignore[arg-type]
        return super().check(graph, verbose)


class AppAcyclicSiblingsContract(AcyclicSiblingsContract):
    """``acyclic_siblings``, faces aside. Extra option ``faces``: the submodule names that are faces."""

    faces = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool):
        set_faces_aside(graph, set(self.faces))  # type: ignore[arg-type]
        return super().check(graph, verbose)
