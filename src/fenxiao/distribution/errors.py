"""Distribution's domain errors: stable codes for the API, Chinese messages for people."""

from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError, Forbidden


class DistributionError(DomainError):
    pass


class DistributionConflict(Conflict):
    pass


class NotADistributor(Forbidden):
    def __init__(self) -> None:
        super().__init__("NOT_A_DISTRIBUTOR", "您还不是分销商")


class SettingsInvalid(DomainError):
    """Every broken rule at once, so a merchant fixes the form in one go; ``code`` and ``message``
    are the first rule's, ``violations`` all of them."""

    def __init__(self, violations: list) -> None:
        first = violations[0]
        super().__init__(first.code, "；".join(v.message for v in violations), field=first.field)
        self.violations = violations

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["violations"] = [{"code": v.code, "message": v.message, "field": v.field} for v in self.violations]
        return body
