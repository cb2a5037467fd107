from django.urls import path

from whatsapp import webhook

app_name = "whatsapp"
urlpatterns = [
    path("webhooks/whatsapp/", webhook.webhook, name="webhook"),
]
