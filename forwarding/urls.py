from django.urls import path

from forwarding import views

urlpatterns = [
    path("staff/complaints/<str:tracking_code>/forward/", views.StaffForward.as_view(), name="staff-forward"),
    path(
        "staff/forwardings/<str:reference>/reply/", views.StaffForwardingReply.as_view(), name="staff-forwarding-reply"
    ),
]
