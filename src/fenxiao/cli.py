"""The ``fenxiao`` console script: Django's management commands under the project's name,
so an operator types ``fenxiao migrate`` or ``fenxiao createsuperuser`` without a manage.py."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenxiao.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "fenxiao"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
