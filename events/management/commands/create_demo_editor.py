"""Create the demo editor account (or, with --force, reset an existing one) and print its login."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.permissions import EDITOR_GROUP, PUBLISHER_GROUP


class Command(BaseCommand):
    help = (
        "Create the demo editor (in the Editor and Publisher groups) with a fresh password. "
        "An existing account is left alone unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument(
            "--password",
            help="default: a new random password, printed; checked by the password validators",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="take over an existing account of that name: reset its password and make it "
            "a staff editor and publisher",
        )

    @transaction.atomic
    def handle(self, *args, username: str, password: str | None, force: bool, **options):
        users = get_user_model()
        _check_username(users, username)
        user = users.objects.select_for_update().filter(username=username).first()
        if user is not None and not force:
            raise CommandError(
                f"The account {username!r} exists already; it was not changed. Give --force to "
                "reset its password and make it an editor and publisher, or choose another "
                "--username."
            )
        existed = user is not None
        user = user or users(username=username)
        password = password or secrets.token_urlsafe(12)
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise CommandError("--password: " + " ".join(exc.messages)) from None
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name__in=[EDITOR_GROUP, PUBLISHER_GROUP]))
        if existed:
            self.stdout.write(
                self.style.WARNING(f"Reset the password of the existing account {username!r}.")
            )
        self.stdout.write(
            self.style.SUCCESS(f"Demo editor: username {username!r}, password {password!r}")
        )


def _check_username(users: type[AbstractBaseUser], username: str) -> None:
    """The username field's own rules (required, its length, its validators), as the admin's
    user form applies them; the field's error messages name what is wrong."""
    field = users._meta.get_field(users.USERNAME_FIELD)
    try:
        field.clean(username, None)
    except ValidationError as exc:
        raise CommandError("--username: " + " ".join(exc.messages)) from None
