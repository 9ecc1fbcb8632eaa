-- 1.13.0: background updates run one at a time, in (ordering, update_name) order. Updates
-- queued without an ordering sort first.
ALTER TABLE background_updates ADD COLUMN ordering INT NOT NULL DEFAULT 0;
