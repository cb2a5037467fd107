from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("api/v1/subscriptions/", views.SubscriptionCreate.as_view(), name="subscription-list"),
    path("api/v1/subscriptions/<str:token>/", views.SubscriptionDetail.as_view(), name="subscription-detail"),
    path("ikuti/konfirmasi/<str:token>/", views.confirm, name="confirm"),
    path("ikuti/berhenti/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("lacak/<str:code>/ikuti/", views.follow_complaint, name="follow-complaint"),
    path("feeds/complaints.atom", views.feed, {"kind": "atom"}, name="feed-atom"),
    path("feeds/complaints.rss", views.feed, {"kind": "rss"}, name="feed-rss"),
]
