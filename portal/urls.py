from django.urls import path

from portal import change_views, grant_views, proof_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("calls/", views.programme_calls, name="calls"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/check/", views.eligibility_check, name="eligibility_check"),
    path("organisation/new/", views.organisation_new, name="organisation_new"),
    path("organisation/profile/", views.organisation_profile, name="organisation_profile"),
    path("directory/", views.organisation_directory, name="directory"),
    path("organisation/choose/", views.choose_organisation, name="choose_organisation"),
    path("calls/<int:call_id>/apply/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/edit/<slug:step>/", views.application_step, name="application_step"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/answer/", views.application_answer, name="application_answer"),
    path("applications/<int:pk>/early-start/", views.early_start, name="early_start"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/payments/new/", grant_views.payment_request, name="payment_request"),
    path("applications/<int:pk>/hearing/", grant_views.hearing_answer, name="hearing_answer"),
    path("applications/<int:pk>/changes/new/", change_views.change_report, name="change_report"),
    path("applications/<int:pk>/waive-appeal/", grant_views.appeal_waiver, name="appeal_waiver"),
    path("applications/<int:pk>/proof/", proof_views.proof_start, name="proof_start"),
    path("applications/<int:pk>/proof/interim/<int:year>/", proof_views.proof_start, name="interim_proof_start"),
    path("applications/<int:pk>/proofs/<int:proof_id>/submit/", proof_views.proof_submit_page, name="proof_submit"),
    path(
        "applications/<int:pk>/proofs/<int:proof_id>/receipt-list.<str:fmt>",
        proof_views.receipt_template,
        name="receipt_template",
    ),
    path(
        "applications/<int:pk>/proofs/<int:proof_id>/receipts/<int:receipt_id>/file/",
        proof_views.receipt_file,
        name="receipt_file",
    ),
    path("applications/<int:pk>/proofs/<int:proof_id>/<slug:step>/", proof_views.proof_step, name="proof_step"),
    path("applications/<int:pk>/letter-status/", views.letter_status, name="letter_status"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("letters/<int:pk>/download/", views.letter_download, name="letter_download"),
    path("grants/letters/<int:pk>/download/", grant_views.grant_letter_download, name="grant_letter_download"),
]
