from django.urls import path

from boundaries import views

urlpatterns = [
    path("boundaries/kecamatan/", views.KecamatanList.as_view(), name="kecamatan-list"),
    path("boundaries/kelurahan/", views.KelurahanList.as_view(), name="kelurahan-list"),
]
