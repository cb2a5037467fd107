from django.urls import path

from notifications import push, views

app_name = "notifications"
urlpatterns = [
    path("notifikasi/berhenti/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifikasi/beres/<str:token>/", views.answer, name="answer"),
    path("notifikasi/ikuti/<str:token>/", views.supporter_confirm, name="supporter-confirm"),
    path("satgas/notifikasi/", views.staff_preferences, name="staff-preferences"),
    path("sw.js", push.service_worker, name="service-worker"),
    path("api/v1/push/key/", push.PushKey.as_view(), name="push-key"),
    path("api/v1/complaints/<str:tracking_code>/push/", push.ComplaintPush.as_view(), name="complaint-push"),
    path("api/v1/staff/push/", push.StaffPush.as_view(), name="staff-push"),
]
