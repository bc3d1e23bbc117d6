"""120 days of demo history (issue #18): a growing shop replayed through the real services, so
every chart of the 数据中心 has a shape. ``plan.py`` decides, ``replay.py`` makes it happen."""

from .replay import HistoryResult, history_exists, seed_demo_history

DEFAULT_HISTORY_DAYS = 120

__all__ = ["DEFAULT_HISTORY_DAYS", "HistoryResult", "history_exists", "seed_demo_history"]
