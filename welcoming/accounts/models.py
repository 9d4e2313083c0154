from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A staff or partner user. Newcomers never need an account."""
