-- 1.5.0: looking up a room's entry in an application service's published room list.
CREATE INDEX public_room_list_stream_network
    ON public_room_list_stream (appservice_id, network_id, room_id);
