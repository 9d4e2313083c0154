"""Public offer pages under /{lang}/offer/ (namespace `community`); staff pages join /staff/."""

from django.urls import URLPattern, path

from welcoming.community import staff_views, views

app_name = "community"

urlpatterns: list[URLPattern] = [
    path("", views.start, name="start"),
    path("sent/", views.sent, name="sent"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("manage/", views.lost_link, name="lost-link"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/change/", views.change, name="change"),
    path("manage/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("manage/<str:token>/erase/", views.erase, name="erase"),
    path("<slug:kind>/", views.offer_form, name="form"),
]

staff_patterns: list[URLPattern] = [
    path("offers/", staff_views.offers, name="offers"),
    path("offers/<uuid:offer_id>/", staff_views.offer, name="offer"),
    path("offers/<uuid:offer_id>/publish/", staff_views.offer_publish, name="offer-publish"),
    path("offers/<uuid:offer_id>/reject/", staff_views.offer_reject, name="offer-reject"),
    path("offers/<uuid:offer_id>/erase/", staff_views.offer_erase, name="offer-erase"),
]
