"""The portal's routes, under /portal/ (namespace ``portal``)."""

from django.urls import path, re_path

from certificates.issuance.numbering import NUMBER_PATTERN
from certificates.portal.views import account, application, documents, exporter, officer, review

app_name = "portal"
CERTIFICATE = rf"^portal/certificates/(?P<number>{NUMBER_PATTERN})/"

urlpatterns = [
    path("portal/", account.home, name="home"),
    path("portal/login/", account.login, name="login"),
    path("portal/logout/", account.logout, name="logout"),
    path("portal/language/", account.language, name="language"),
    path("portal/password-reset/", account.password_reset, name="password-reset"),
    path("portal/password-reset/sent/", account.password_reset_done, name="password-reset-done"),
    path("portal/reset/<uidb64>/<token>/", account.password_reset_confirm, name="password-reset-confirm"),
    path("portal/reset/done/", account.password_reset_complete, name="password-reset-complete"),
    path("portal/applications/", exporter.dashboard, name="applications"),
    path("portal/applications/new/", exporter.application_new, name="application-new"),
    path("portal/applications/<int:pk>/", application.application_detail, name="application"),
    path("portal/applications/<int:pk>/edit/", exporter.application_edit, name="application-edit"),
    path("portal/applications/<int:pk>/submit/", exporter.application_submit, name="application-submit"),
    path(
        "portal/applications/<int:pk>/withdraw/", exporter.application_withdraw, name="application-withdraw"
    ),
    path("portal/applications/<int:pk>/approve/", officer.approve, name="application-approve"),
    path("portal/applications/<int:pk>/reject/", officer.reject, name="application-reject"),
    path("portal/applications/<int:pk>/return/", officer.return_, name="application-return"),
    path("portal/applications/<int:pk>/assign/", review.assign, name="application-assign"),
    path("portal/applications/<int:pk>/diff/", review.diff, name="application-diff"),
    path("portal/applications/<int:pk>/import/", documents.goods_import, name="application-import"),
    path("portal/applications/<int:pk>/documents/", documents.document_upload, name="document-upload"),
    path("portal/applications/<int:pk>/documents/<int:doc_id>/", documents.document_file, name="document"),
    path(
        "portal/applications/<int:pk>/documents/<int:doc_id>/remove/",
        documents.document_remove,
        name="document-remove",
    ),
    path("portal/goods-template.<str:file_format>", documents.goods_template_file, name="goods-template"),
    path("portal/queue/", officer.queue, name="queue"),
    path("portal/dashboard/", review.dashboard, name="dashboard"),
    re_path(CERTIFICATE + "pdf$", application.certificate_pdf, name="certificate-pdf"),
    re_path(CERTIFICATE + "jws$", application.certificate_jws, name="certificate-jws"),
    re_path(CERTIFICATE + "revoke/$", officer.certificate_revoke, name="certificate-revoke"),
    re_path(CERTIFICATE + "replace/$", officer.certificate_replace, name="certificate-replace"),
]
