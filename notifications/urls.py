from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifikasi/berhenti/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifikasi/beres/<str:token>/", views.answer, name="answer"),
]
