-- 1.8.0: a community (group) is now deleted when its last member leaves. Remove the ones that
-- were already empty, with everything that refers to them.
DELETE FROM group_attestations_remote WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM group_attestations_renewals WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM group_invites WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM group_roles WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM group_room_categories WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM group_rooms WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM group_summary_roles WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM group_summary_room_categories WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM group_summary_rooms WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM group_summary_users WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM local_group_membership WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
DELETE FROM local_group_updates WHERE group_id IN (
    SELECT g.group_id FROM groups AS g
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = g.group_id));
-- The groups themselves last, since every statement above looks them up.
DELETE FROM groups
    WHERE NOT EXISTS (SELECT 1 FROM group_users AS u WHERE u.group_id = groups.group_id);
