"""External records keep their row verbatim, what the import wrote, and a newer row awaiting
review; event-actor links keep the actor's type in that event; possible duplicate places."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0014_proposal_note"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlaceSuggestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("distance_km", models.FloatField(blank=True, null=True)),
                ("reason", models.CharField(max_length=200)),
                ("created", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "possible duplicate place",
                "ordering": ["-created", "id"],
            },
        ),
        # The columns an import kept beside the event become the start of the stored row.
        migrations.RenameField(
            model_name="externalrecord",
            old_name="extra",
            new_name="row",
        ),
        migrations.AddField(
            model_name="eventactor",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("state_forces", "state forces"),
                    ("rebel_group", "rebel group"),
                    ("political_militia", "political militia"),
                    ("identity_militia", "identity militia"),
                    ("rioters", "rioters"),
                    ("protesters", "protesters"),
                    ("civilians", "civilians"),
                    ("external", "external / other forces"),
                    ("government", "state / government"),
                    ("alliance", "alliance / coalition"),
                    ("international_organisation", "international organisation"),
                    ("person", "person"),
                    ("other", "other"),
                ],
                db_default="",
                default="",
                help_text="The actor's type as the source coded it for this event; empty: its own type.",
                max_length=30,
                verbose_name="type in this event",
            ),
        ),
        migrations.AddField(
            model_name="externalrecord",
            name="pending",
            field=models.JSONField(
                blank=True,
                help_text="A newer row of the dataset that was not applied because an editor had changed the event: {release, row, fingerprint}. Review it here.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="externalrecord",
            name="row",
            field=models.JSONField(
                blank=True,
                db_default=models.Value({}, models.JSONField()),
                default=dict,
                help_text="The row as the dataset gave it: every column, verbatim (older layouts' columns under today's names). An export of the unedited event writes it back.",
            ),
        ),
        migrations.AddField(
            model_name="externalrecord",
            name="row_date",
            field=models.DateField(
                blank=True,
                help_text="The row's own date (ACLED event_date, UCDP date_start): with the country, which file a row can vanish from.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="externalrecord",
            name="snapshot",
            field=models.JSONField(
                blank=True,
                db_default=models.Value({}, models.JSONField()),
                default=dict,
                help_text="What the import wrote into the event, one fingerprint per group of fields (dates, type, place, actors, sources, …): a group that differs now was changed by an editor.",
            ),
        ),
        migrations.AddField(
            model_name="historicaleventactor",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("state_forces", "state forces"),
                    ("rebel_group", "rebel group"),
                    ("political_militia", "political militia"),
                    ("identity_militia", "identity militia"),
                    ("rioters", "rioters"),
                    ("protesters", "protesters"),
                    ("civilians", "civilians"),
                    ("external", "external / other forces"),
                    ("government", "state / government"),
                    ("alliance", "alliance / coalition"),
                    ("international_organisation", "international organisation"),
                    ("person", "person"),
                    ("other", "other"),
                ],
                db_default="",
                default="",
                help_text="The actor's type as the source coded it for this event; empty: its own type.",
                max_length=30,
                verbose_name="type in this event",
            ),
        ),
        migrations.AlterField(
            model_name="externalrecord",
            name="fingerprint",
            field=models.CharField(
                help_text="Hash of the row's cells: a row seen before is skipped unread.",
                max_length=64,
            ),
        ),
        migrations.AlterField(
            model_name="externalrecord",
            name="release",
            field=models.CharField(
                blank=True,
                help_text="The version stamp of the row: ACLED's timestamp of the row, UCDP's release (19.1). A row replaces the stored one only when its stamp is not older.",
                max_length=64,
            ),
        ),
        migrations.AddIndex(
            model_name="externalrecord",
            index=models.Index(
                fields=["dataset", "country", "row_date"], name="events_externalrecord_scope"
            ),
        ),
        migrations.AddField(
            model_name="placesuggestion",
            name="place",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="suggestions",
                to="events.location",
            ),
        ),
        migrations.AddField(
            model_name="placesuggestion",
            name="same_as",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="events.location"
            ),
        ),
        migrations.AddConstraint(
            model_name="placesuggestion",
            constraint=models.UniqueConstraint(
                fields=("place", "same_as"), name="events_placesuggestion_pair"
            ),
        ),
        migrations.AddConstraint(
            model_name="placesuggestion",
            constraint=models.CheckConstraint(
                condition=models.Q(("place", models.F("same_as")), _negated=True),
                name="events_placesuggestion_not_self",
            ),
        ),
    ]
