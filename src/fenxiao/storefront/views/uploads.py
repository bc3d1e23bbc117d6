"""The H5 pages' picture upload: the complaint and after-sales forms' picker (``uploads.js``) posts
each picture here with the session cookie and the CSRF header, and gets the JSON answer of
``POST /api/v1/uploads/images`` (same service, same per-user throttle, same error codes)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from fenxiao.accounts.api.uploads import picture_upload_throttle
from fenxiao.accounts.uploads import picture_upload
from fenxiao.core.errors import DomainError
from fenxiao.core.media import media_url


@require_POST
def image_upload(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"code": "UNAUTHORIZED", "message": "请先登录"}, status=401)
    request.auth = request.user  # the API throttle's key: the same user, the same budget
    if not picture_upload_throttle().allow_request(request):
        return JsonResponse({"code": "THROTTLED", "message": "上传过于频繁，请稍后再试"}, status=429)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"code": "UPLOAD_NOT_IMAGE", "message": "请选择图片", "field": "file"}, status=400)
    try:
        url = picture_upload(upload=upload, public_url=lambda name: media_url(name, request))
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"url": url}, status=201)
