"""WeChat Pay merchant transfer (商家转账, user-confirm mode), live and offline.

Dependencies point one way: ``sandbox_controls`` (the payee's side, sandbox only) → ``factory``
(chooses by ``WECHAT_MODE``) → ``sandbox`` → ``client`` → ``config`` / ``types`` / ``errors``,
and on to the WeChat Pay client in ``wechat.pay`` that it extends; ``sandbox_server`` plays
WeChat's side. Callers ask ``factory.transfer_gateway()`` and program against
``types.WechatTransferGateway``."""
