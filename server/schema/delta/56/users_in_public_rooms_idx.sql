-- 1.4.0: the user directory looks up users_in_public_rooms by room too.
CREATE INDEX users_in_public_rooms_r_idx ON users_in_public_rooms (room_id);
