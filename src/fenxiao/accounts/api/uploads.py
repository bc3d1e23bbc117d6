"""Shoppers' picture uploads (``/api/v1/uploads``): the evidence pictures complaints and
after-sales then link to (``accounts.uploads``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Schema, Status, UploadedFile
from ninja.throttling import AuthRateThrottle

from fenxiao.accounts.auth import user_auth
from fenxiao.accounts.uploads import picture_upload
from fenxiao.core.media import media_url
from fenxiao.core.openapi_errors import answers

uploads_router = Router(tags=["uploads"], auth=user_auth)


class PictureUploadThrottle(AuthRateThrottle):
    """Per user, counted apart from other throttles (the avatar's): each upload is decoded and
    redrawn, a bound on how much of that one user can ask for. The H5 upload shares it."""

    scope = "picture_upload"


def picture_upload_throttle() -> PictureUploadThrottle:
    return PictureUploadThrottle("60/h")


class UploadOut(Schema):
    url: str


@uploads_router.post(
    "/images",
    response={201: UploadOut},
    summary="上传图片（投诉、售后凭证）",
    description="multipart/form-data，图片字段 `file`（JPG/PNG/WebP/GIF，不超过 5MB），"
    "即 `wx.uploadFile({name: 'file'})` 或浏览器 FormData 发送的内容；保存为长边不超过 1600 像素、"
    "不含 EXIF 的 JPEG，`url` 返回其绝对地址，可填入投诉的 `photos` 或售后申请的 `photos`。",
    throttle=[picture_upload_throttle()],
)
@answers(400, 413)
def upload_image(request: HttpRequest, file: File[UploadedFile]):
    return Status(201, {"url": picture_upload(upload=file, public_url=lambda name: media_url(name, request))})
