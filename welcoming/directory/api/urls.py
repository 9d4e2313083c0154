from django.urls import path

from welcoming.directory.api import views

app_name = "hsds"

urlpatterns = [
    path("", views.ApiMeta.as_view(), name="meta"),
    path("services", views.ServiceList.as_view(), name="services"),
    path("services/<str:id>", views.ServiceDetail.as_view(), name="service"),
    path("organizations", views.OrganizationList.as_view(), name="organizations"),
    path("organizations/<str:id>", views.OrganizationDetail.as_view(), name="organization"),
    path("locations", views.LocationList.as_view(), name="locations"),
    path("locations/<str:id>", views.LocationDetail.as_view(), name="location"),
    path("service_at_locations", views.ServiceAtLocationList.as_view(), name="service_at_locations"),
    path("service_at_locations/<str:id>", views.ServiceAtLocationDetail.as_view(), name="service_at_location"),
    path("taxonomies", views.TaxonomyList.as_view(), name="taxonomies"),
    path("taxonomies/<str:id>", views.TaxonomyDetail.as_view(), name="taxonomy"),
    path("taxonomy_terms", views.TaxonomyTermList.as_view(), name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", views.TaxonomyTermDetail.as_view(), name="taxonomy_term"),
    path("_ping", views.Trivial.as_view(), name="ping"),
]
