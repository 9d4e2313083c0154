from welcoming.cases import programme_admin  # noqa: F401  (registers the Fair Entry programmes)
