-- 1.3.0: current state carries the membership of m.room.member rows, saving a join against
-- room_memberships on hot paths. Existing rows start NULL; the background update queued by
-- current_state_events_membership_mk2.sql fills them in, room by room.
ALTER TABLE current_state_events ADD membership TEXT;
