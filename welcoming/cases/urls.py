"""The staff pages of case work, in the `staff` namespace under /staff/ (`welcoming/staff_urls.py`)."""

from django.urls import path

from welcoming.cases import views
from welcoming.cases.programme_urls import staff_patterns as programme_patterns

staff_patterns = [
    path("", views.home, name="home"),
    path("clients/", views.clients, name="clients"),
    path("clients/new/", views.client_new, name="client-new"),
    path("clients/<uuid:client_id>/", views.client, name="client"),
    path("clients/<uuid:client_id>/edit/", views.client_edit, name="client-edit"),
    path("clients/<uuid:client_id>/assign/", views.client_assign, name="client-assign"),
    path("clients/<uuid:client_id>/assessments/new/", views.client_assess, name="client-assess"),
    path("clients/<uuid:client_id>/consents/new/", views.client_consent, name="client-consent"),
    path(
        "clients/<uuid:client_id>/consents/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("clients/<uuid:client_id>/notes/new/", views.client_note, name="client-note"),
    path("clients/<uuid:client_id>/tasks/new/", views.client_task, name="client-task"),
    path("clients/<uuid:client_id>/tasks/<uuid:task_id>/done/", views.task_done, name="task-done"),
    path("clients/<uuid:client_id>/referrals/new/", views.client_refer, name="client-refer"),
    path("clients/<uuid:client_id>/duplicates/", views.client_duplicates, name="client-duplicates"),
    path("clients/<uuid:client_id>/merge/<uuid:other_id>/", views.client_merge, name="client-merge"),
    path("clients/<uuid:client_id>/erase/", views.client_erase, name="client-erase"),
    path("clients/<uuid:client_id>/export/", views.client_export, name="client-export"),
    path("clients/<uuid:client_id>/card/", views.client_card, name="client-card"),
    path("caseload/", views.caseload, name="caseload"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<uuid:referral_id>/", views.referral, name="referral"),
    path("referrals/<uuid:referral_id>/answer/", views.referral_answer, name="referral-answer"),
    path("referrals/<uuid:referral_id>/withdraw/", views.referral_withdraw, name="referral-withdraw"),
    path("referrals/<uuid:referral_id>/send/", views.referral_send, name="referral-send"),
    path("pending/", views.pending, name="pending"),
    *programme_patterns,
]
