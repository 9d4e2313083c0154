"""Admin support for translatable records: every language of a text side by side on one row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from welcoming.lib.i18n import LANGUAGE_CODES, RTL_LANGUAGES
from welcoming.lib.models import Translatable


def translation_key(field: str, language: str) -> str:
    return f"{field}__{language}"


class TranslationForm(forms.ModelForm):
    """Adds `<field>__<lang>` inputs for each translated field and stores them in `translations`."""

    languages: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance: Translatable = self.instance
        for field in instance.translated_fields:
            for language in self.languages:
                key = translation_key(field, language)
                if key in self.fields:
                    self.fields[key].initial = (instance.translations.get(language) or {}).get(field, "")

    def save(self, commit: bool = True) -> Any:
        instance: Translatable = self.instance
        for field in instance.translated_fields:
            for language in self.languages:
                key = translation_key(field, language)
                if key in self.cleaned_data:
                    instance.set_translation(language, field, self.cleaned_data[key] or "")
        return super().save(commit=commit)


def translation_form(
    model: type[Translatable], base: type[forms.ModelForm], source_language: str
) -> type[forms.ModelForm]:
    languages = tuple(code for code in LANGUAGE_CODES if code != source_language)
    attrs: dict[str, Any] = {"languages": languages}
    for field in model.translated_fields:
        model_field = model._meta.get_field(field)
        assert isinstance(model_field, models.Field)
        for language in languages:
            widget_attrs = {"lang": language, "dir": "rtl" if language in RTL_LANGUAGES else "ltr"}
            widget: forms.Widget = (
                forms.Textarea(attrs={**widget_attrs, "rows": 3, "cols": 30})
                if isinstance(model_field, models.TextField)
                else forms.TextInput(attrs=widget_attrs)
            )
            attrs[translation_key(field, language)] = forms.CharField(
                required=False, label=f"{model_field.verbose_name} [{language}]", widget=widget
            )
    return type(f"{model.__name__}TranslationForm", (TranslationForm, base), attrs)


def _translated_rows(model: type[Translatable], form: Any, source: str) -> list[Any]:
    """Each field, with its translations after it on the same row."""
    languages = [code for code in LANGUAGE_CODES if code != source]
    rows: list[Any] = []
    for name in form.base_fields:
        if "__" in name:
            continue
        if name in model.translated_fields:
            rows.append((name, *(translation_key(name, lang) for lang in languages)))
        else:
            rows.append(name)
    return rows


class TranslatableAdmin(admin.ModelAdmin):
    """Shows each translated field followed by its translations on the same row."""

    def source_language(self, obj: Any) -> str:
        if obj is not None:
            return obj.source_language()
        return settings.LANGUAGE_CODE

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = translation_form(self.model, self.form, self.source_language(obj))
        kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        form = self.get_form(request, obj)
        rows = _translated_rows(self.model, form, self.source_language(obj))
        readonly = [f for f in self.get_readonly_fields(request, obj) if f not in form.base_fields]
        return [(None, {"fields": rows + readonly})]


class TranslatableStackedInline(admin.StackedInline):
    """Inline rows of a translatable child, its translations beside each field; `obj` is the parent."""

    def source_language(self, parent: Any) -> str:
        if parent is not None:
            return parent.source_language()
        return settings.LANGUAGE_CODE

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = translation_form(self.model, self.form, self.source_language(obj))
        kwargs["fields"] = None
        return super().get_formset(request, obj, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        form = self.get_formset(request, obj).form
        return [(None, {"fields": _translated_rows(self.model, form, self.source_language(obj))})]
