-- 1.10.0: drop the current state of rooms this server has left, in the background. The
-- update reads current_state_events.membership.
--
-- As first shipped it did not wait for that column to be filled; on a database coming straight
-- from 1.2.x or older it could delete the state of rooms the server is still in (fixed by the
-- 1.11.0 edit of this file).
INSERT INTO background_updates (update_name, progress_json)
    VALUES ('delete_old_current_state_events', '{}');
