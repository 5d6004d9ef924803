"""Create (or reset) the demo editor account and print its credentials."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from events.permissions import EDITOR_GROUP, PUBLISHER_GROUP


class Command(BaseCommand):
    help = "Create the demo editor (in the Editor and Publisher groups) with a fresh password."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--password", help="default: a new random password, printed")

    @transaction.atomic
    def handle(self, *args, username: str, password: str | None, **options):
        password = password or secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name__in=[EDITOR_GROUP, PUBLISHER_GROUP]))
        self.stdout.write(
            self.style.SUCCESS(f"Demo editor: username {username!r}, password {password!r}")
        )
