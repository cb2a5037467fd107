from rest_framework_gis.serializers import GeoFeatureModelSerializer

from boundaries.models import Kecamatan


class KecamatanSerializer(GeoFeatureModelSerializer):
    class Meta:
        model = Kecamatan
        geo_field = "boundary"
        id_field = "code"
        fields = ["code", "name"]
