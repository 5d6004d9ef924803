"""The public site: the chronology, its map and histogram; event, article, actor, place pages."""
