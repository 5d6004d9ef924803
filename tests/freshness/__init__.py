"""What anonymous readers see after every kind of write: fresh pages and ETags, nothing
unpublished, and dataset exports that say what the event and its row say."""
