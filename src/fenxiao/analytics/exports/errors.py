"""Why an export is refused: stable codes for clients, Chinese messages for operators."""

from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError, Forbidden, NotFound


def unknown_kind(kind: str) -> DomainError:
    return DomainError("EXPORT_KIND_UNKNOWN", f"不支持的导出内容：{kind[:32]}", status=422, field="kind")


def unknown_format(fmt: str) -> DomainError:
    return DomainError("EXPORT_FORMAT_UNKNOWN", "导出格式只能是 csv 或 xlsx", status=422, field="format")


def bad_range() -> DomainError:
    return DomainError("EXPORT_RANGE_INVALID", "开始日期不能晚于结束日期", status=422, field="from")


def bad_filter(name: str, message: str) -> DomainError:
    return DomainError("EXPORT_FILTER_INVALID", message, status=422, field=name)


def not_allowed() -> Forbidden:
    return Forbidden("EXPORT_FORBIDDEN", "没有查看该数据的权限，不能导出")


def job_not_found() -> NotFound:
    return NotFound("EXPORT_JOB_NOT_FOUND", "导出任务不存在")


def job_not_ready() -> Conflict:
    return Conflict("EXPORT_JOB_NOT_READY", "导出尚未完成，请稍后再下载")


def file_expired() -> Conflict:
    return Conflict("EXPORT_FILE_EXPIRED", "导出文件已过期被清理，请重新导出")
