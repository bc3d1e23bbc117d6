"""Materials for the content tests: written as an operator would (rows, then the publish service)."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.content.models import Material, MaterialCategory, MaterialImage, MaterialKind
from fenxiao.content.services import material_publish
from fenxiao.distribution.models import Distributor
from fenxiao.distribution.network.enrolment import distributor_create
from tests.factories import UserFactory
from tests.support import Api


def png_bytes(colour: str = "red", size: int = 8) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buf, "PNG")
    return buf.getvalue()


def shelf(name: str = "朋友圈文案", position: int = 0) -> MaterialCategory:
    return MaterialCategory.objects.get_or_create(name=name, defaults={"position": position})[0]


def material(
    *,
    kind: str = MaterialKind.COPY,
    title: str = "早安文案",
    category: MaterialCategory | None = None,
    published: bool = True,
    pictures: int = 0,
    **fields,
) -> Material:
    defaults = (
        {"copy_text": "早安！好物都在我的小店～"} if kind != MaterialKind.ARTICLE else {"body": "第一段\n\n第二段"}
    )
    m = Material.objects.create(kind=kind, title=title, category=category or shelf(), **{**defaults, **fields})
    for i in range(pictures):
        picture = MaterialImage(material=m, position=i)
        picture.image.save(f"p{i}.png", ContentFile(png_bytes()), save=True)
    if published:
        material_publish(material_id=m.id)
        m.refresh_from_db()
    return m


def distributor_user(nickname: str = "小分") -> tuple[User, Distributor]:
    user = UserFactory(nickname=nickname)
    return user, distributor_create(user_id=user.id, source="apply", real_name="张三", phone="13800138000")


def api_for(user: User) -> Api:
    return Api(token_pair_issue(user_id=user.id, scope="user").access)
