from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "welcoming.directory"
    label = "directory"
    verbose_name = "Service directory (HSDS 3.0)"
