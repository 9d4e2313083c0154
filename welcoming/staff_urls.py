"""Every staff page under /staff/, in the `staff` namespace: signing in (accounts), the case work (cases),
offers (community) and matching."""

from welcoming.accounts.urls import staff_patterns as accounts_patterns
from welcoming.cases.urls import staff_patterns as cases_patterns
from welcoming.community.urls import staff_patterns as community_patterns
from welcoming.matching.urls import staff_patterns as matching_patterns

app_name = "staff"

urlpatterns = [*accounts_patterns, *cases_patterns, *community_patterns, *matching_patterns]
