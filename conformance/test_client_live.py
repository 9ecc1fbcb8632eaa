"""A real Matrix client (matrix-nio) sees what happens around messages:
typing, read receipts, read markers, profile changes, and rate limits."""
import asyncio
import shutil
import tempfile
import time
import unittest
import uuid

from nio import (AsyncClient, AsyncClientConfig, FullyReadEvent, LoginResponse,
                 ReceiptEvent, RegisterResponse, RoomCreateResponse, RoomMemberEvent,
                 RoomSendError, RoomSendResponse, SyncResponse, TypingNoticeEvent)
from nio.api import RoomVisibility

import strata_process as sp

servers = {}
workdirs = []
cleanups = []


def start_server(name, edits=None):
    workdir = tempfile.mkdtemp(prefix="strata-conf-live-")
    workdirs.append(workdir)
    database, cleanup = sp.fresh_database_block()
    cleanups.append(cleanup)
    config, port = sp.make_config(workdir, database)
    if edits:
        with open(config) as f:
            text = f.read()
        for key, value in edits.items():
            text = sp._set_top_level(text, key, value)
        with open(config, "w") as f:
            f.write(text)
    servers[name] = sp.StrataServer(config, port).start()


def setUpModule():
    start_server("main")
    # rc_message as a busy admin might set it: 2 a second, bursts of 3.
    start_server("limited", {"rc_message": {"per_second": 2, "burst_count": 3}})


def tearDownModule():
    for s in servers.values():
        s.stop()
    for c in cleanups:
        c()
    for w in workdirs:
        shutil.rmtree(w, ignore_errors=True)


class LiveRoom(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.clients = []

    async def asyncTearDown(self):
        for c in self.clients:
            await c.close()

    async def new_user(self, prefix, server="main", config=None):
        base = servers[server].base
        localpart = "%s_%s" % (prefix, uuid.uuid4().hex[:8])
        reg = AsyncClient(base, "@%s:localhost" % localpart)
        self.clients.append(reg)
        r = await reg.register(localpart, "pass-" + localpart, "reg-device")
        self.assertIsInstance(r, RegisterResponse, r)
        c = AsyncClient(base, "@%s:localhost" % localpart, config=config)
        self.clients.append(c)
        r = await c.login("pass-" + localpart, device_name="nio-live")
        self.assertIsInstance(r, LoginResponse, r)
        return c

    async def shared_room(self, alice, bob):
        r = await alice.room_create(visibility=RoomVisibility.public, name="Live")
        self.assertIsInstance(r, RoomCreateResponse, r)
        room_id = r.room_id
        await bob.sync(timeout=0)
        r = await bob.join(room_id)
        self.assertEqual(getattr(r, "room_id", None), room_id, r)
        await alice.sync(timeout=0)
        await bob.sync(timeout=0)
        return room_id

    async def sync_until(self, client, found, attempts=10, timeout=2000):
        """Incremental syncs until found(response) is true; returns that response."""
        for _ in range(attempts):
            r = await client.sync(timeout=timeout)
            self.assertIsInstance(r, SyncResponse, r)
            if found(r):
                return r
        self.fail("not seen through sync after %d syncs" % attempts)

    @staticmethod
    def ephemeral(r, room_id, kind):
        room = r.rooms.join.get(room_id)
        return [e for e in (room.ephemeral if room else []) if isinstance(e, kind)]

    async def test_typing(self):
        alice = await self.new_user("typer")
        bob = await self.new_user("watcher")
        room_id = await self.shared_room(alice, bob)
        # bob long-polls; alice starts typing while he waits.
        waiting = asyncio.ensure_future(bob.sync(timeout=20000))
        await asyncio.sleep(0.3)
        r = await alice.room_typing(room_id, True, timeout=30000)
        self.assertEqual(type(r).__name__, "RoomTypingResponse", r)
        started = time.monotonic()
        r = await waiting
        self.assertLess(time.monotonic() - started, 10)
        typing = self.ephemeral(r, room_id, TypingNoticeEvent)
        self.assertEqual([t.users for t in typing], [[alice.user_id]], r)
        self.assertEqual(bob.rooms[room_id].typing_users, [alice.user_id])
        await alice.room_typing(room_id, False)
        r = await self.sync_until(bob, lambda r: self.ephemeral(r, room_id, TypingNoticeEvent))
        self.assertEqual(self.ephemeral(r, room_id, TypingNoticeEvent)[0].users, [])

    async def test_receipts_and_read_markers(self):
        alice = await self.new_user("sender")
        bob = await self.new_user("reader")
        room_id = await self.shared_room(alice, bob)
        ids = []
        for i in range(3):
            r = await alice.room_send(room_id, "m.room.message",
                                      {"msgtype": "m.text", "body": "read me %d" % i})
            self.assertIsInstance(r, RoomSendResponse, r)
            ids.append(r.event_id)
        await alice.sync(timeout=0)
        # bob's read receipt reaches alice.
        await bob.update_receipt_marker(room_id, ids[1])
        r = await self.sync_until(alice, lambda r: self.ephemeral(r, room_id, ReceiptEvent))
        receipts = [rc for e in self.ephemeral(r, room_id, ReceiptEvent) for rc in e.receipts]
        self.assertIn((ids[1], "m.read", bob.user_id),
                      [(rc.event_id, rc.receipt_type, rc.user_id) for rc in receipts])
        self.assertTrue(all(rc.timestamp > 0 for rc in receipts))
        # The read marker (and a receipt with it) through read_markers.
        r = await bob.room_read_markers(room_id, ids[2], ids[2])
        self.assertEqual(type(r).__name__, "RoomReadMarkersResponse", r)
        r = await self.sync_until(
            bob, lambda r: room_id in r.rooms.join and any(
                isinstance(e, FullyReadEvent) for e in r.rooms.join[room_id].account_data))
        marker = [e for e in r.rooms.join[room_id].account_data
                  if isinstance(e, FullyReadEvent)][0]
        self.assertEqual(marker.event_id, ids[2])
        self.assertEqual(bob.rooms[room_id].fully_read_marker, ids[2])
        r = await self.sync_until(alice, lambda r: self.ephemeral(r, room_id, ReceiptEvent))
        receipts = [rc for e in self.ephemeral(r, room_id, ReceiptEvent) for rc in e.receipts]
        self.assertIn((ids[2], bob.user_id), [(rc.event_id, rc.user_id) for rc in receipts])

    async def test_profile_change_seen_in_room(self):
        alice = await self.new_user("renamed")
        bob = await self.new_user("observer")
        room_id = await self.shared_room(alice, bob)
        r = await alice.set_displayname("Alice Renamed")
        self.assertEqual(type(r).__name__, "ProfileSetDisplayNameResponse", r)

        def renamed(r):
            room = r.rooms.join.get(room_id)
            return room and any(isinstance(e, RoomMemberEvent) and e.state_key == alice.user_id
                                and e.content.get("displayname") == "Alice Renamed"
                                for e in room.timeline.events)
        await self.sync_until(bob, renamed)
        self.assertEqual(bob.rooms[room_id].user_name(alice.user_id), "Alice Renamed")

    async def test_rate_limit_429(self):
        # A client that gives up at the first 429 sees the error and its retry_after_ms.
        impatient = await self.new_user("hasty", "limited",
                                        AsyncClientConfig(max_limit_exceeded=0))
        r = await impatient.room_create(name="Limited")  # counts once against rc_message
        self.assertIsInstance(r, RoomCreateResponse, r)
        room_id = r.room_id
        results = []
        for i in range(4):
            results.append(await impatient.room_send(
                room_id, "m.room.message", {"msgtype": "m.text", "body": "burst %d" % i}))
        self.assertTrue(all(isinstance(x, RoomSendResponse) for x in results[:2]), results)
        limited = [x for x in results if isinstance(x, RoomSendError)]
        self.assertTrue(limited, results)
        self.assertEqual(limited[0].status_code, "M_LIMIT_EXCEEDED", limited[0])
        self.assertTrue(0 < limited[0].retry_after_ms <= 1000, limited[0])
        # The same on the wire.
        status, body, raw = sp.request(
            servers["limited"].base, "PUT",
            "/_matrix/client/r0/rooms/%s/send/m.room.message/raw%s" % (room_id, uuid.uuid4().hex),
            {"msgtype": "m.text", "body": "raw"}, token=impatient.access_token)
        self.assertEqual(status, 429, raw)
        self.assertEqual(body["errcode"], "M_LIMIT_EXCEEDED", raw)
        self.assertIsInstance(body["retry_after_ms"], int, raw)
        # A patient client (nio's default) waits retry_after_ms and gets through.
        patient = await self.new_user("patient", "limited")
        r = await patient.room_create(name="Patient")
        room_id = r.room_id
        for i in range(5):
            r = await patient.room_send(room_id, "m.room.message",
                                        {"msgtype": "m.text", "body": "patient %d" % i})
            self.assertIsInstance(r, RoomSendResponse, r)


if __name__ == "__main__":
    unittest.main()
