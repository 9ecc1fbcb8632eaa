-- 1.3.0: queue the fill of current_state_events.membership. (Synapse moved this insert into a
-- second file during 1.3.0's development so that test databases would run it again; the
-- recorded name is what matters.)
INSERT INTO background_updates (update_name, progress_json)
    VALUES ('current_state_events_membership', '{}');
