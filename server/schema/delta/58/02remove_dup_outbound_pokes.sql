-- 1.13.0: duplicate device-list pokes had piled up and slowed their pruning; remove them in
-- the background, after every update queued without an ordering.
INSERT INTO background_updates (ordering, update_name, progress_json)
    VALUES (5800, 'remove_dup_outbound_pokes', '{}');
