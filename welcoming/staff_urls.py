"""Every staff page under /staff/, in the `staff` namespace: signing in (accounts) and the case work (cases)."""

from welcoming.accounts.urls import staff_patterns as accounts_patterns
from welcoming.cases.urls import staff_patterns as cases_patterns

app_name = "staff"

urlpatterns = [*accounts_patterns, *cases_patterns]
