from django.contrib.auth import views as auth_views
from django.urls import path

from welcoming.accounts import views

staff_patterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_setup, name="two-factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
]
