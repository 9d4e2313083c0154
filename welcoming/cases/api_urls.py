"""The staff API for clients and referrals, included under /api/v1/.

Ids are matched as any string so that a malformed one reaches the view and gets the same 404 as an
id that does not exist, rather than the URL resolver's."""

from django.urls import path

from welcoming.cases import api

app_name = "cases-api"

urlpatterns = [
    path("clients/", api.ClientList.as_view(), name="clients"),
    path("clients/<str:id>/", api.ClientDetail.as_view(), name="client"),
    path("clients/<str:id>/consents/", api.ClientConsents.as_view(), name="client-consents"),
    path(
        "clients/<str:id>/consents/<str:consent_id>/withdraw",
        api.ConsentWithdraw.as_view(),
        name="client-consent-withdraw",
    ),
    path("clients/<str:id>/assessments/", api.ClientAssessments.as_view(), name="client-assessments"),
    path("clients/<str:id>/notes/", api.ClientNotes.as_view(), name="client-notes"),
    path("clients/<str:id>/notes/<str:note_id>/", api.ClientNote.as_view(), name="client-note"),
    path("clients/<str:id>/referrals/", api.ClientReferrals.as_view(), name="client-referrals"),
    path("referrals/", api.ReferralList.as_view(), name="referrals"),
    path("referrals/<str:id>/", api.ReferralDetail.as_view(), name="referral"),
    path("referrals/<str:id>/transition", api.ReferralTransition.as_view(), name="referral-transition"),
]
