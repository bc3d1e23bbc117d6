"""Fenxiao's own import-linter contract type, loaded by ``[tool.importlinter]`` in pyproject.toml.

``app_layers`` is import-linter's ``layers`` contract with the faces taken out of the picture.
Every app keeps its routers in ``<app>.api`` and its console in ``<app>.admin`` (a module or a
package). Faces sit above every app: a face of ``catalog`` may show inventory's stock without
making ``catalog`` depend on ``inventory``. So the contract removes the face modules from its copy
of the graph (import-linter hands each contract its own copy) and checks the layers on what is
left. That no app code imports a face is a contract of its own (``protected``), so no chain can
climb through a face."""

from __future__ import annotations

from importlinter import fields
from importlinter.contracts.layers import LayersContract


class AppLayersContract(LayersContract):
    """Options: those of ``layers``, plus ``faces``: the submodule names of an app that are faces
    (``api``, ``admin``)."""

    faces = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool):
        wanted = set(self.faces)  # type: ignore[arg-type]
        for module in sorted(graph.modules):
            parts = module.split(".")
            if len(parts) >= 3 and parts[2] in wanted and module in graph.modules:
                graph.remove_module(module)
        return super().check(graph, verbose)
