"""Public housing pages under /{lang}/housing/ (namespace `housing`); staff pages join /staff/."""

from django.urls import URLPattern

app_name = "housing"

urlpatterns: list[URLPattern] = []

staff_patterns: list[URLPattern] = []
