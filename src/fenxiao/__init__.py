"""Fenxiao 分销商城: a WeChat mini-program distribution mall."""
