from django.contrib import admin
from django_tasks_db.models import DBTaskResult

# The queue's rows are the worker's business; a run's progress and failure are shown on its own page.
admin.site.unregister(DBTaskResult)
