from django.urls import path

from web.public import views
from web.staff import api as staff_api
from web.staff import forwarding

urlpatterns = [
    path("complaints/", views.ComplaintListCreate.as_view(), name="complaint-list"),
    path("complaints/nearby/", views.NearbyComplaints.as_view(), name="complaint-nearby"),
    path("complaints/<str:tracking_code>/", views.ComplaintDetail.as_view(), name="complaint-detail"),
    path("complaints/<str:tracking_code>/reopen/", views.ComplaintReopen.as_view(), name="complaint-reopen"),
    path("complaints/<str:tracking_code>/rating/", views.ComplaintRating.as_view(), name="complaint-rating"),
    path("complaints/<str:tracking_code>/support/", views.ComplaintSupport.as_view(), name="complaint-support"),
    path(
        "complaints/<str:tracking_code>/information/",
        views.ComplaintAddInformation.as_view(),
        name="complaint-information",
    ),
    path("locate/", views.Locate.as_view(), name="locate"),
    path("photo-location/", views.PhotoLocation.as_view(), name="photo-location"),
    path("staff/jurisdictions/", staff_api.StaffJurisdictionList.as_view(), name="staff-jurisdiction-list"),
    path("staff/complaints/", staff_api.StaffComplaintList.as_view(), name="staff-complaint-list"),
    path("staff/complaints/assign/", staff_api.StaffAssignMany.as_view(), name="staff-assign-many"),
    path(
        "staff/complaints/<str:tracking_code>/", staff_api.StaffComplaintDetail.as_view(), name="staff-complaint-detail"
    ),
    path(
        "staff/complaints/<str:tracking_code>/transition/", staff_api.StaffTransition.as_view(), name="staff-transition"
    ),
    path(
        "staff/complaints/<str:tracking_code>/contact/", staff_api.StaffReporterContact.as_view(), name="staff-contact"
    ),
    path("staff/complaints/<str:tracking_code>/notes/", staff_api.StaffNote.as_view(), name="staff-note"),
    path("staff/complaints/<str:tracking_code>/replies/", staff_api.StaffReplies.as_view(), name="staff-replies"),
    path("staff/complaints/<str:tracking_code>/reassign/", staff_api.StaffReassign.as_view(), name="staff-reassign"),
    path("staff/complaints/<str:tracking_code>/assign/", staff_api.StaffAssign.as_view(), name="staff-assign"),
    path("staff/complaints/<str:tracking_code>/redact/", staff_api.StaffRedact.as_view(), name="staff-redact"),
    path("staff/complaints/<str:tracking_code>/hide-photo/", staff_api.StaffHidePhoto.as_view(), name="staff-hide-photo"),
    path("staff/complaints/<str:tracking_code>/forward/", forwarding.StaffForward.as_view(), name="staff-forward"),
    path(
        "staff/forwardings/<str:reference>/reply/", forwarding.StaffForwardingReply.as_view(), name="staff-forwarding-reply"
    ),
]
