"""Operators write materials here: pictures inline (uploaded to MEDIA, in order), the same
completeness rule as publishing on every save of a published material, and 发布 / 下架 as actions
that call the services. Home banners too: a link that stays on the site and a window that ends
after it starts, both checked by the model's ``clean`` and shown on the form."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.html import format_html

from fenxiao.catalog.uploads import clean_image_upload
from fenxiao.content import services
from fenxiao.content.models import Banner, Material, MaterialCategory, MaterialImage, MaterialKind
from fenxiao.core.errors import DomainError
from fenxiao.core.limits import is_row_id_text
from fenxiao.core.media import media_url


@admin.register(MaterialCategory)
class MaterialCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "created_at")
    list_editable = ("position",)
    search_fields = ("name",)


class MaterialImageForm(forms.ModelForm):
    class Meta:
        model = MaterialImage
        fields = ("image", "position")

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image is not None and hasattr(image, "image"):  # a new upload, not the stored file
            clean_image_upload(image)
        return image


class MaterialForm(forms.ModelForm):
    """A draft may be incomplete; a published material must stay complete through every edit."""

    class Meta:
        model = Material
        fields = ("kind", "title", "category", "product", "pinned", "position", "body", "copy_text")

    def clean(self):
        data = super().clean()
        if self.instance.is_published:
            problems = services.material_problems(
                kind=data.get("kind", ""),
                body=data.get("body", ""),
                copy_text=data.get("copy_text", ""),
                image_count=1,  # the pictures are the inline formset's to check
            )
            for p in problems:
                self.add_error(p.field if p.field in self.fields else None, p.message)
        return data


class MaterialImageFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """The admin hands the formset the edited (unsaved) material, so its kind is the new one."""
        super().clean()
        material = self.instance
        if not material.is_published or material.kind != MaterialKind.IMAGES:
            return
        kept = sum(
            1
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("image")
        )
        problems = services.material_problems(kind=material.kind, body="", copy_text="", image_count=kept)
        if problems:
            raise forms.ValidationError([p.message for p in problems])


class MaterialImageInline(admin.TabularInline):
    model = MaterialImage
    form = MaterialImageForm
    formset = MaterialImageFormSet
    fields = ("preview", "image", "position")
    readonly_fields = ("preview",)
    extra = 1

    @admin.display(description="预览")
    def preview(self, obj: MaterialImage) -> str:
        if not obj.pk or not obj.image:
            return "-"
        return format_html('<img src="{}" alt="" style="height:64px;border-radius:4px">', media_url(obj.image.name))


class IdAutocompleteSelect(AutocompleteSelect):
    """Re-showing a refused form, the chosen option is looked up by id: a value that is not one
    (a tampered ``product=abc``, already a form error) is not looked up at all."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if v and is_row_id_text(str(v))], attr)


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    form = MaterialForm
    list_display = ("title", "kind", "category", "pinned", "is_published", "published_at", "position",
                    "copy_count", "updated_at")  # fmt: skip
    list_filter = ("is_published", "kind", "category", "pinned")
    search_fields = ("title", "body", "copy_text")
    list_select_related = ("category",)
    autocomplete_fields = ("product",)
    readonly_fields = ("is_published", "published_at", "copy_count", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "title", "category", "product", ("pinned", "position"))}),
        ("内容", {"fields": ("body", "copy_text")}),
        ("发布", {"fields": (("is_published", "published_at"), "copy_count", ("created_at", "updated_at"))}),
    )
    inlines = (MaterialImageInline,)
    actions = ("publish_selected", "unpublish_selected")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = IdAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _run(self, request, queryset, action, done: str) -> None:
        ok = 0
        for material in queryset:
            try:
                action(material_id=material.pk)
                ok += 1
            except DomainError as exc:
                messages.error(request, f"「{material.title}」：{exc.message}")
        if ok:
            messages.success(request, f"已{done} {ok} 条素材")

    @admin.action(description="发布所选素材", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._run(request, queryset, services.material_publish, "发布")

    @admin.action(description="下架所选素材", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        self._run(request, queryset, services.material_unpublish, "下架")


class BannerForm(forms.ModelForm):
    class Meta:
        model = Banner
        fields = ("title", "subtitle", "image", "link", "position", "is_active", "starts_at", "ends_at")

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "image"):  # a new upload, not the stored file
            clean_image_upload(image)
        return image


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    form = BannerForm
    list_display = ("title", "preview", "link", "position", "is_active", "starts_at", "ends_at", "updated_at")
    list_display_links = ("title",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active", "starts_at", "ends_at")
    search_fields = ("title", "subtitle", "link")
    readonly_fields = ("preview", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "subtitle", ("image", "preview"), "link")}),
        ("展示", {"fields": (("position", "is_active"), ("starts_at", "ends_at"), ("created_at", "updated_at"))}),
    )

    @admin.display(description="预览")
    def preview(self, obj: Banner) -> str:
        if not obj.pk or not obj.image:
            return "-"
        return format_html('<img src="{}" alt="" style="height:48px;border-radius:4px">', media_url(obj.image.name))
