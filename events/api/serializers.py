"""Serializers: reference data, editors' event input, and the documented shape of entries."""

from urllib.parse import quote, urlencode

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events import dates, validators
from events.api.inputs import DateInput, IdRelatedField, IntegerInput
from events.api.links import per_request
from events.change_reasons import REASON_MAX
from events.chronology.entries import GROUPS, PLACES, Doc, Related, Side, entry_tree
from events.chronology.summary import BY as SUMMARY_BY
from events.models import (
    Actor,
    ActorRole,
    Article,
    Event,
    EventRelation,
    EventRemoval,
    EventSource,
    EventType,
    Location,
)
from events.params import as_id
from events.text import normalise_newlines

# --- The chronology entry (its shape generated from events.chronology.entries) --------------

_FIELDS = {
    "integer": serializers.IntegerField,
    "number": serializers.FloatField,
    "string": serializers.CharField,
    "slug": serializers.SlugField,
    "uuid": serializers.UUIDField,
    "date": serializers.DateField,
    "datetime": serializers.DateTimeField,
    "boolean": serializers.BooleanField,
    "url": serializers.URLField,
    "choice": serializers.ChoiceField,
}


def _field(doc: Doc, **extra) -> serializers.Field:
    options = {"help_text": doc.help} if doc.help else {}
    if doc.nullable:
        options["allow_null"] = True
    if doc.type == "choice":
        options["choices"] = list(doc.choices)
    return _FIELDS[doc.type](**options, **extra)


_MADE: dict[str, type[serializers.Serializer]] = {}


def _serializer(schema: str, fields, doc: str = "") -> type[serializers.Serializer]:
    """The Serializer class named for the schema ("Date": DateSerializer, as the component is
    named), made once from fields() (a shape used twice is one component)."""
    if schema not in _MADE:
        namespace = {**fields(), "__doc__": doc, "__module__": __name__}
        _MADE[schema] = type(f"{schema}Serializer", (serializers.Serializer,), namespace)
    return _MADE[schema]


def _related(related: Related) -> type[serializers.Serializer]:
    return _serializer(related.schema, lambda: {c.place: _field(c.doc) for c in related.columns})


def _member(item, place: str):
    """The serializer field for one member of the entry at `place`."""
    if isinstance(item, dict):
        group = GROUPS[place]
        options = {"help_text": group.help} if group.help else {}
        if group.present:
            options["allow_null"] = True
        return _object(item, place, group.schema)(**options)
    if isinstance(item, Side) and isinstance(item.doc, Related):
        options = {"help_text": item.help} if item.help else {}
        return _related(item.doc)(many=True, **options)
    return _field(item.doc)


def _object(tree: dict, place: str, schema: str, doc: str = "") -> type[serializers.Serializer]:
    prefix = f"{place}." if place else ""
    return _serializer(
        schema, lambda: {key: _member(item, f"{prefix}{key}") for key, item in tree.items()}, doc
    )


# The entry's documented shape, from the one column spec that reads and builds it.
EntrySerializer = _object(
    entry_tree(), "", "Entry", "One event of the chronology (null means unknown, never zero)."
)
TypeRefSerializer = _object(entry_tree()["type"]["parent"], "type.parent", "TypeRef")
PlaceRefSerializer = _related(PLACES)


class RelatedEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    headline = serializers.CharField()
    kind = serializers.ChoiceField(choices=EventRelation.Kind.choices)
    direction = serializers.ChoiceField(
        choices=[("outgoing", "this event → the other"), ("incoming", "the other → this event")],
        help_text="outgoing: this event <kind> the other; incoming: the other <kind> this one.",
    )
    note = serializers.CharField()
    url = serializers.URLField()


class HistoryRecordSerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    change = serializers.ChoiceField(choices=[("+", "created"), ("~", "changed"), ("-", "deleted")])
    reason = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Event.Status.choices)


class EventSerializer(EntrySerializer):
    """The full event: the entry, its typed links to other events and, for editors, its
    status and history (history only on the detail)."""

    related = RelatedEventSerializer(many=True)
    status = serializers.ChoiceField(choices=Event.Status.choices, required=False)
    history_url = serializers.URLField(required=False, help_text="Editors: the admin history.")
    history = HistoryRecordSerializer(many=True, required=False)


class HistogramBucketSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="The bucket's last day.")
    count = serializers.IntegerField(help_text="Events certainly in this bucket.")
    imprecise = serializers.IntegerField(
        help_text="Events whose bounds span several buckets, this one among them."
    )


class HistogramSerializer(serializers.Serializer):
    interval = serializers.ChoiceField(choices=["day", "week", "month", "year"])
    rule = serializers.CharField(help_text="How events are counted, in words.")
    events = serializers.IntegerField(help_text="Events matching the filters.")
    precise_events = serializers.IntegerField()
    imprecise_events = serializers.IntegerField()
    buckets = HistogramBucketSerializer(many=True)


class SummaryFatalitiesSerializer(serializers.Serializer):
    best = serializers.IntegerField(allow_null=True, help_text="Sum of the best estimates.")
    low = serializers.IntegerField(allow_null=True, help_text="Sum of the low estimates.")
    high = serializers.IntegerField(allow_null=True, help_text="Sum of the high estimates.")
    unknown = serializers.IntegerField(help_text="Events with neither a best nor a low estimate.")


class SummaryGroupSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text="Slug, or YYYY-MM; null for the null group."
    )
    name = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()
    fatalities = SummaryFatalitiesSerializer()
    # by=month only (not read_only: the schema would mark them required).
    start = serializers.DateField(required=False, help_text="by=month: the month's first day.")
    end = serializers.DateField(required=False, help_text="by=month: the month's last day.")
    imprecise = serializers.IntegerField(
        required=False, help_text="by=month: events whose bounds span several months."
    )
    imprecise_fatalities = SummaryFatalitiesSerializer(required=False)


class SummarySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=list(SUMMARY_BY))
    rule = serializers.CharField(help_text="How events are grouped and counted, in words.")
    events = serializers.IntegerField(help_text="Events matching the filters.")
    fatalities = SummaryFatalitiesSerializer(help_text="Over the events, each once.")
    precise_events = serializers.IntegerField(required=False, help_text="by=month only.")
    imprecise_events = serializers.IntegerField(required=False, help_text="by=month only.")
    groups = SummaryGroupSerializer(many=True)


class RemovalSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="event_id", help_text="The event's id.")

    class Meta:
        model = EventRemoval
        fields = ["id", "uid", "reason", "removed_at"]


class EditorRemovalSerializer(RemovalSerializer):
    # Editors see it; anonymous clients get RemovalSerializer's rows, without it: the one
    # declared shape (the editors') marks it optional.
    # Not read_only: the schema marks read-only fields required. It serves output only.
    previous_status = serializers.CharField(
        required=False, help_text="The status it had (editors only)."
    )

    class Meta(RemovalSerializer.Meta):
        fields = [*RemovalSerializer.Meta.fields, "previous_status"]


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Event.Status.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_MAX
    )
    expected_status = serializers.ChoiceField(
        choices=Event.Status.choices,
        required=False,
        help_text="The status you believe the event has; a 412 if it has another (compare-and-"
        "set, with If-Match or instead of a version: If-Match: *).",
    )


# --- Reference data ----------------------------------------------------------------------------


def chronology_url(request, **params) -> str:
    """The timeline filtered to one actor, place, type or article."""
    base = per_request(
        request, "api:timeline", lambda: request.build_absolute_uri(reverse("api:timeline"))
    )
    return f"{base}?{urlencode(params)}"


class IdentityUrlField(serializers.HyperlinkedIdentityField):
    """A row's detail URL, the path reversed once per request with a stand-in for the lookup
    value and each row's value put in its place, quoted as reverse() quotes it."""

    # Digits, so that it matches a numeric lookup's pattern as well as a slug's.
    STAND_IN = "90807060504030201090"
    # What django.urls.reverse leaves unquoted in a path (its own safe set).
    SAFE = RFC3986_SUBDELIMS + "/~:@"

    def get_url(self, obj, view_name, request, format):
        value = getattr(obj, self.lookup_field, None)
        if format is not None or request is None or value in (None, ""):
            return super().get_url(obj, view_name, request, format)
        template = per_request(
            request,
            (view_name, self.lookup_url_kwarg),
            lambda: self.reverse(
                view_name, kwargs={self.lookup_url_kwarg: self.STAND_IN}, request=request
            ),
        )
        return template.replace(self.STAND_IN, quote(str(value), safe=self.SAFE))


class ActorSerializer(serializers.ModelSerializer):
    """Reads aliases and country: the view prefetches them."""

    url = IdentityUrlField(view_name="api:actor-detail", lookup_field="slug")
    country = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    event_count = serializers.IntegerField(read_only=True, help_text="Published events.")
    chronology = serializers.SerializerMethodField()

    class Meta:
        model = Actor
        fields = ["id", "slug", "name", "kind", "country", "aliases", "event_count", "url"]
        fields += ["chronology"]

    def get_chronology(self, actor: Actor) -> str:
        return chronology_url(self.context["request"], actor=actor.slug)


class ActorMembershipSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)


class ActorDetailSerializer(ActorSerializer):
    """Adds memberships both ways: the view prefetches them with their actors."""

    members = serializers.SerializerMethodField()
    alliances = serializers.SerializerMethodField()

    class Meta(ActorSerializer.Meta):
        fields = [*ActorSerializer.Meta.fields, "description", "members", "alliances"]

    @staticmethod
    def _membership(actor: Actor, membership) -> dict:
        return {
            "slug": actor.slug,
            "name": actor.name,
            "since": membership.since,
            "until": membership.until,
        }

    @extend_schema_field(ActorMembershipSerializer(many=True))
    def get_members(self, actor: Actor) -> list[dict]:
        return [self._membership(m.member, m) for m in actor.memberships.all()]

    @extend_schema_field(ActorMembershipSerializer(many=True))
    def get_alliances(self, actor: Actor) -> list[dict]:
        return [self._membership(m.alliance, m) for m in actor.alliance_memberships.all()]


class LocationSerializer(serializers.ModelSerializer):
    """Reads parent and aliases: the view select_related / prefetches them."""

    url = IdentityUrlField(view_name="api:location-detail", lookup_field="slug")
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    event_count = serializers.IntegerField(
        read_only=True, help_text="Published events here or anywhere beneath."
    )
    chronology = serializers.SerializerMethodField()

    class Meta:
        model = Location
        fields = ["id", "slug", "name", "kind", "parent", "latitude", "longitude"]
        fields += ["geo_precision", "iso_code", "aliases", "event_count", "url", "chronology"]

    def get_chronology(self, location: Location) -> str:
        return chronology_url(self.context["request"], location=location.slug)


class LocationDetailSerializer(LocationSerializer):
    """Adds ancestors (one query) and children (prefetched by the view)."""

    ancestors = serializers.SerializerMethodField()
    children = PlaceRefSerializer(many=True, read_only=True)

    class Meta(LocationSerializer.Meta):
        fields = [*LocationSerializer.Meta.fields, "ancestors", "children"]

    @extend_schema_field(PlaceRefSerializer(many=True))
    def get_ancestors(self, location: Location) -> list[dict]:
        return [
            {"slug": place.slug, "name": place.name, "kind": place.kind}
            for place in location.ancestors()
        ]


class EventTypeSerializer(serializers.ModelSerializer):
    """Reads parent and subtypes: the view select_related / prefetches them."""

    url = IdentityUrlField(view_name="api:eventtype-detail", lookup_field="slug")
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    subtypes = TypeRefSerializer(many=True, read_only=True)
    event_count = serializers.IntegerField(
        read_only=True, help_text="Published events of this type or its sub-types."
    )
    chronology = serializers.SerializerMethodField()

    class Meta:
        model = EventType
        fields = ["id", "slug", "name", "parent", "description", "subtypes", "event_count"]
        fields += ["url", "chronology"]

    def get_chronology(self, event_type: EventType) -> str:
        return chronology_url(self.context["request"], type=event_type.slug)


class ArticleSerializer(serializers.ModelSerializer):
    """The article's record without its full text (quoted in excerpts; sha256 verifies a copy).
    Reads dateline: the view select_related it."""

    url = IdentityUrlField(view_name="api:article-detail")
    source_url = serializers.CharField(source="url", read_only=True, help_text="Where it ran.")
    dateline = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    event_count = serializers.IntegerField(read_only=True, help_text="Published events citing it.")
    chronology = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "outlet", "original_agency", "source_url", "publication_date"]
        fields += ["publication_date_source", "publication_date_note", "dateline", "language"]
        fields += ["sha256", "event_count", "url", "chronology"]

    def get_chronology(self, article: Article) -> str:
        return chronology_url(self.context["request"], article=article.pk)


# --- Editors' input ----------------------------------------------------------------------------


class ActorLinkInputSerializer(serializers.Serializer):
    actor = serializers.CharField(help_text="Slug, id, name or alias of the actor.")
    role = serializers.ChoiceField(choices=ActorRole.choices)

    def validate_actor(self, text: str) -> Actor:
        actor = Actor.objects.resolve(text)
        if actor is None:
            raise serializers.ValidationError(
                f"no single actor has the slug, id, name or alias {text!r}"
            )
        return actor


class SourceInputSerializer(serializers.Serializer):
    article = IdRelatedField(queryset=Article.objects.all())
    excerpt = serializers.CharField(trim_whitespace=False, help_text="Verbatim article text.")
    excerpt_start = IntegerInput(
        required=False, allow_null=True, column=EventSource._meta.get_field("excerpt_start")
    )
    attributed_to = serializers.CharField(required=False, allow_blank=True, max_length=300)
    date_phrase = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_excerpt(self, text: str) -> str:
        # As stored: an excerpt sent with '\r\n' is the same excerpt as the stored one.
        return normalise_newlines(text)


def _column(estimate: str):
    return Event._meta.get_field(f"fatalities_{estimate}")


class EventInputSerializer(serializers.Serializer):
    """What editors send to create or change an event. Shapes and references are checked here;
    the rules of the record (bounds, precision, fatalities, verbatim excerpts) by the models'
    full_clean(), the one validation path the admin uses too. Status changes go through
    events/{id}/transition/."""

    headline = serializers.CharField(max_length=300)
    summary = serializers.CharField(required=False, allow_blank=True)
    type = serializers.CharField(help_text="Event type slug or id.")
    location = serializers.CharField(
        required=False, allow_null=True, help_text="Place slug or id, or null."
    )
    when = serializers.CharField(
        required=False,
        help_text="Instead of the date fields: a date or phrase as in the admin's When box "
        "(2016-09-04, 'early August 2016', 'on Sunday' with when_reference).",
    )
    when_reference = DateInput(
        required=False, help_text="The publication date relative phrases are resolved against."
    )
    date_earliest = DateInput(required=False)
    date_latest = DateInput(required=False)
    date_precision = serializers.ChoiceField(choices=Event.Precision.choices, required=False)
    date_approximate = serializers.BooleanField(required=False)
    date_display = serializers.CharField(required=False, allow_blank=True, max_length=100)
    fatalities_best = IntegerInput(required=False, allow_null=True, column=_column("best"))
    fatalities_low = IntegerInput(required=False, allow_null=True, column=_column("low"))
    fatalities_high = IntegerInput(required=False, allow_null=True, column=_column("high"))
    actors = ActorLinkInputSerializer(many=True, required=False, help_text="Replaces the links.")
    sources = SourceInputSerializer(many=True, required=False, help_text="Replaces the sources.")

    DATE_FIELDS = ("date_earliest", "date_latest", "date_precision")

    def validate_type(self, text: str) -> EventType:
        found = (
            EventType.objects.filter(slug=text.lower()).first()
            or EventType.objects.filter(pk=as_id(text)).first()
        )
        if found is None:
            raise serializers.ValidationError(f"no event type has the slug or id {text!r}")
        return found

    def validate_location(self, text: str | None) -> Location | None:
        if text in (None, ""):
            return None
        found = (
            Location.objects.filter(slug=text.lower()).first()
            or Location.objects.filter(pk=as_id(text)).first()
        )
        if found is None:
            raise serializers.ValidationError(f"no place has the slug or id {text!r}")
        return found

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            "status changes only through POST events/{id}/transition/"
                            if name == "status"
                            else "unknown field"
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        when = (attrs.pop("when", "") or "").strip()
        reference = attrs.pop("when_reference", None)
        if when:
            try:
                fuzzy = dates.parse_date_input(when, reference=reference)
                validators.validate_event_dates(
                    fuzzy.earliest, fuzzy.latest, fields=("when", "when")
                )
            except dates.DateError as exc:
                raise serializers.ValidationError({"when": [str(exc)]}) from exc
            attrs.update(
                date_earliest=fuzzy.earliest,
                date_latest=fuzzy.latest,
                date_precision=fuzzy.precision.value,
                date_approximate=fuzzy.approximate,
                date_display=attrs.get("date_display") or fuzzy.display,
            )
        elif not self.partial:
            missing = [name for name in self.DATE_FIELDS if name not in attrs]
            if missing:
                raise serializers.ValidationError(
                    {name: ["Give this date field, or give when."] for name in missing}
                )
        return attrs
