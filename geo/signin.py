"""Staff sign-in (/masuk/ and the admin): forms that refuse over-long input before authenticating, and
the lockout's count of failures.

Django's AuthenticationForm sets the username's max_length on the widget only, so a 10,000-character
username reached authentication, and the lockout log (django-axes, 255-character columns) failed
with a database error. Here both fields are validated for length first; a form whose fields fail
never calls authenticate.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db.models import Sum

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


class PairOrUsernameLockout(AxesDatabaseHandler):
    """django-axes' database handler with a limit for each lockout parameter set.

    AXES_LOCKOUT_PARAMETERS is ``[["username", "ip_address"], "username"]``: a username from one
    address is paused after AXES_FAILURE_LIMIT failures (PEKA_LOGIN_FAILURE_LIMIT, 5), so the other
    officers behind the same office address still sign in; a username from all addresses together after
    PEKA_LOGIN_USERNAME_FAILURE_LIMIT (20), for slow guessing from many addresses. django-axes 8 compares
    the largest count of any set with its one limit, so the username's count is given on the pair's
    scale: it reaches AXES_FAILURE_LIMIT only when it reaches its own, higher limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        pair, username = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.AXES_FAILURE_LIMIT
        by_username = limit if username >= settings.PEKA_LOGIN_USERNAME_FAILURE_LIMIT else min(username, limit - 1)
        return max(pair, by_username)
