from django.urls import path

from . import views

urlpatterns = [
    path("", views.PasskeyListView.as_view(), name="passkeys"),
    path("register/options/", views.RegistrationOptionsView.as_view(), name="passkey-register-options"),
    path("register/", views.RegisterView.as_view(), name="passkey-register"),
    path("sign-in/options/", views.SignInOptionsView.as_view(), name="passkey-sign-in-options"),
    path("sign-in/", views.SignInView.as_view(), name="passkey-sign-in"),
    path("<int:passkey_id>/", views.PasskeyDetailView.as_view(), name="passkey"),
    path("<int:passkey_id>/remove/", views.RemoveView.as_view(), name="passkey-remove"),
]
