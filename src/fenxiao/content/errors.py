"""Content's domain errors: stable codes for the API, Chinese messages for people."""

from __future__ import annotations

from fenxiao.core.errors import DomainError, NotFound


class ContentError(DomainError):
    pass


class MaterialNotFound(NotFound):
    """Also for a material that exists but is not published: distributors never learn of drafts."""

    def __init__(self) -> None:
        super().__init__("MATERIAL_NOT_FOUND", "素材不存在或已下架")
