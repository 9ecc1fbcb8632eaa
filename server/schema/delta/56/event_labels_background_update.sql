-- 1.6.0: extract labels from events stored before 1.6.0.
INSERT INTO background_updates (update_name, progress_json)
    VALUES ('event_store_labels', '{}');
