"""Create the Editor and Publisher groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from events.permissions import (
    EDITOR_GROUP,
    EDITOR_PERMISSIONS,
    PUBLISHER_GROUP,
    PUBLISHER_PERMISSIONS,
)


def create_groups(apps, schema_editor):
    # Permissions normally appear after migrate (post_migrate); the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (
        (EDITOR_GROUP, EDITOR_PERMISSIONS),
        (PUBLISHER_GROUP, PUBLISHER_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="events", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions missing for group {name}: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[EDITOR_GROUP, PUBLISHER_GROUP]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
