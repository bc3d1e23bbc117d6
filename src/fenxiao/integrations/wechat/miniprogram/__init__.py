"""The WeChat mini-program server API (login, access token, phone number, shipping upload, the
mini-program code), live and offline.

Dependencies point one way: ``gateway`` (the calls the mall makes, with the shared access token)
→ ``factory`` (chooses by ``WECHAT_MODE``) → ``client`` / ``sandbox`` → ``types`` / ``wxacode`` /
``errors``."""
