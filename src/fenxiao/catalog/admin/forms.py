"""Admin forms for the catalogue: operators type yuan and ``颜色:红色;容量:50ml``; the models keep
fen and a specs dict. Stock is inventory's (``inventory/admin``): never a field here."""

from __future__ import annotations

from django import forms

from fenxiao.catalog import sheet
from fenxiao.catalog.import_plan import MAX_PRICE_FEN
from fenxiao.catalog.models import Category, Product, ProductImage, Sku
from fenxiao.catalog.uploads import clean_image_upload, image_upload_field, product_image_store
from fenxiao.core.money import fen_to_yuan, yuan_to_fen
from fenxiao.core.rich_text import sanitize_html

MONEY_FIELDS = {"price_yuan": "price_fen", "market_price_yuan": "market_price_fen", "cost_yuan": "cost_fen"}


class SkuInlineForm(forms.ModelForm):
    spec_text = forms.CharField(
        label="规格", required=False, help_text="如 颜色:红色;容量:50ml", widget=forms.TextInput(attrs={"size": 24})
    )
    price_yuan = forms.CharField(label="售价(元)", widget=forms.TextInput(attrs={"size": 8}))
    market_price_yuan = forms.CharField(label="划线价(元)", required=False, widget=forms.TextInput(attrs={"size": 8}))
    cost_yuan = forms.CharField(label="成本价(元)", required=False, widget=forms.TextInput(attrs={"size": 8}))

    class Meta:
        model = Sku
        fields = ("code", "weight_g", "barcode", "image", "is_active")
        widgets = {
            "code": forms.TextInput(attrs={"size": 14}),
            "weight_g": forms.NumberInput(attrs={"style": "width: 6em"}),
            "barcode": forms.TextInput(attrs={"size": 14}),
            "image": forms.TextInput(attrs={"size": 16}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("spec_text", sheet.format_specs(self.instance.specs))
            for name, model_field in MONEY_FIELDS.items():
                self.initial.setdefault(name, fen_to_yuan(getattr(self.instance, model_field)))

    def clean_spec_text(self) -> dict:
        try:
            return sheet.parse_specs(self.cleaned_data["spec_text"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def _clean_money(self, name: str) -> int:
        text = self.cleaned_data.get(name, "")
        if not text:
            return 0
        try:
            fen = yuan_to_fen(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not 0 <= fen <= MAX_PRICE_FEN:
            raise forms.ValidationError("金额超出范围")
        return fen

    def clean_price_yuan(self) -> int:
        fen = self._clean_money("price_yuan")
        if fen <= 0:
            raise forms.ValidationError("售价必须大于 0")
        return fen

    def clean_market_price_yuan(self) -> int:
        return self._clean_money("market_price_yuan")

    def clean_cost_yuan(self) -> int:
        return self._clean_money("cost_yuan")

    def clean(self):
        cleaned = super().clean()
        # Set before model validation (_post_clean) so full_clean sees the fen values.
        if "spec_text" in cleaned:
            self.instance.specs = cleaned["spec_text"]
        for name, model_field in MONEY_FIELDS.items():
            if name in cleaned:
                setattr(self.instance, model_field, cleaned[name])
        return cleaned


class SkuInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Two SKUs of one product may not share the same specs: shoppers could not tell them apart."""
        super().clean()
        seen: dict[frozenset, str] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            specs = form.cleaned_data.get("spec_text")
            if specs is None:
                continue
            key = frozenset(specs.items())
            if key in seen:
                form.add_error("spec_text", f"与 SKU「{seen[key]}」的规格相同")
            seen.setdefault(key, form.cleaned_data.get("code", ""))


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("parent", "name", "icon", "sort_order", "is_active")

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and self.instance.children.exists():
            raise forms.ValidationError("该分类下还有二级分类，不能再设置上级分类（分类最多两级）")
        return parent


class ProductForm(forms.ModelForm):
    main_image_upload = image_upload_field("上传主图")

    class Meta:
        model = Product
        fields = ("code", "title", "subtitle", "supplier", "category", "main_image", "detail_html", "sort_order")
        widgets = {"main_image": forms.TextInput(attrs={"size": 60})}
        help_texts = {
            "main_image": "图片地址或存储路径；上传主图后自动填写",
            "detail_html": "HTML：支持段落、标题、列表、表格、图片（http(s) 地址或本站上传的图片）和常用文字格式；"
            "脚本、事件属性（如 onerror）、iframe 和其他不支持的内容保存时会被自动去除",
        }

    def clean_detail_html(self) -> str:
        """Stored clean, so the admin shows exactly what shoppers will get."""
        return sanitize_html(self.cleaned_data.get("detail_html") or "")

    def clean_main_image_upload(self):
        return clean_image_upload(self.cleaned_data.get("main_image_upload"))

    def save(self, commit: bool = True):
        upload = self.cleaned_data.get("main_image_upload")
        if upload is not None:
            self.instance.main_image = product_image_store(upload)
        return super().save(commit=commit)


class ProductImageForm(forms.ModelForm):
    upload = image_upload_field("上传图片")

    class Meta:
        model = ProductImage
        fields = ("image", "upload", "sort_order")
        widgets = {"image": forms.TextInput(attrs={"size": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].required = False

    def clean_upload(self):
        return clean_image_upload(self.cleaned_data.get("upload"))

    def clean(self):
        data = super().clean()
        if not data.get("image") and not data.get("upload") and not data.get("DELETE"):
            raise forms.ValidationError("请填写图片地址或上传图片")
        return data

    def save(self, commit: bool = True):
        upload = self.cleaned_data.get("upload")
        if upload is not None:
            self.instance.image = product_image_store(upload)
        return super().save(commit=commit)
