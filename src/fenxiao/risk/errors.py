"""Risk's domain errors: stable ``RISK_*`` codes for the API, Chinese messages for people."""

from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError, Forbidden, NotFound


class RiskError(DomainError):
    pass


class RiskConflict(Conflict):
    pass


class Blacklisted(Forbidden):
    """The person is on the blacklist: ``action`` names what they were refused."""


def case_not_found() -> NotFound:
    return NotFound("RISK_CASE_NOT_FOUND", "风险案件不存在")


def case_decided() -> RiskConflict:
    return RiskConflict("RISK_CASE_DECIDED", "该案件已处理，不能重复处理")


BLACKLIST_REFUSALS = {
    "distributor": ("RISK_BLACKLISTED_DISTRIBUTOR", "您的账号存在风险，暂不能成为分销商，如有疑问请联系客服"),
    "binding": ("RISK_BLACKLISTED_BINDING", "该账号存在风险，暂不能绑定推荐关系"),
    "invite": ("RISK_BLACKLISTED_INVITE", "您的账号存在风险，暂不能参与邀请有礼"),
    "withdrawal": ("RISK_BLACKLISTED_WITHDRAWAL", "您的账号存在风险，暂不能提现，如有疑问请联系客服"),
}


def blacklisted(action: str) -> Blacklisted:
    code, message = BLACKLIST_REFUSALS[action]
    return Blacklisted(code, message)
