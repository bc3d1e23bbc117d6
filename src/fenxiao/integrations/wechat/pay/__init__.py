"""WeChat Pay API v3 (JSAPI payments, refunds, notifications), live and offline.

Dependencies point one way: ``factory`` (chooses by ``WECHAT_MODE``) → ``sandbox`` → ``client``
→ ``signatures`` → ``types`` / ``errors`` / ``crypto``; the sandbox's WeChat side
(``sandbox_server``, ``sandbox_notifications``, ``sandbox_keys``) sits beside the client. Callers
ask ``factory.pay_gateway()`` and program against ``types.WechatPayGateway``."""
