"""Staff sign-in forms (/masuk/ and the admin) that refuse over-long input before authenticating.

Django's AuthenticationForm sets the username's max_length on the widget only, so a 10,000-character
username reached authentication, and the lockout log (django-axes, 255-character columns) failed
with a database error. Here both fields are validated for length first; a form whose fields fail
never calls authenticate.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

USERNAME_MAX = 150  # django.contrib.auth's User.username
PASSWORD_MAX = 1024


class _BoundedFields:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(USERNAME_MAX))
        self.fields["password"].validators.append(MaxLengthValidator(PASSWORD_MAX))


class SignInForm(_BoundedFields, AuthenticationForm):
    pass


class AdminSignInForm(_BoundedFields, AdminAuthenticationForm):
    pass
