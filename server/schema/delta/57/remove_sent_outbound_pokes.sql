-- 1.13.0 (in the old folder 57, so databases already at 57 apply it too): pokes that were sent
-- are no longer kept; clear out the ones stored before.
DELETE FROM device_lists_outbound_pokes WHERE sent;
