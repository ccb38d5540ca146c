from django.urls import path

from .views import ActivityView

urlpatterns = [path("account/activity/", ActivityView.as_view(), name="activity")]
