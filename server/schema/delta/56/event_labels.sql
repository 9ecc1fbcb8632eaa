-- 1.6.0: labels attached to events (MSC2326), for filtering /sync and /messages by label.
CREATE TABLE IF NOT EXISTS event_labels (
    event_id TEXT,
    label TEXT,
    room_id TEXT NOT NULL,
    topological_ordering BIGINT NOT NULL,
    PRIMARY KEY (event_id, label)
);
CREATE INDEX event_labels_room_id_label_idx ON event_labels (room_id, label, topological_ordering);
