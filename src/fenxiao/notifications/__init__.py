"""Telling people what happened (issue 20 §1-2): every event worth knowing lands in the message
centre, and, when the user consented, also as a WeChat subscription message (订阅消息)."""
