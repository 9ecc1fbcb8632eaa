-- 1.5.0: these per-event copies of room names, topics, visibility and guest access have not
-- been read for a long time (current state answers all of it).
DROP TABLE IF EXISTS room_names;
DROP TABLE IF EXISTS topics;
DROP TABLE IF EXISTS history_visibility;
DROP TABLE IF EXISTS guest_access;
