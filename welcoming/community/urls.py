"""Public offer pages under /{lang}/offer/ (namespace `community`); staff pages join /staff/."""

from django.urls import URLPattern

app_name = "community"

urlpatterns: list[URLPattern] = []

staff_patterns: list[URLPattern] = []
