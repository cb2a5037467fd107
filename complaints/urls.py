from django.urls import path

from complaints import views

urlpatterns = [
    path("complaints/", views.ComplaintListCreate.as_view(), name="complaint-list"),
    path("complaints/<str:tracking_code>/", views.ComplaintDetail.as_view(), name="complaint-detail"),
    path("locate/", views.Locate.as_view(), name="locate"),
]
