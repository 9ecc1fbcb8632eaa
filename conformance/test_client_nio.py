"""A real Matrix client (Debian's python3-matrix-nio) against Strata."""
import asyncio
import shutil
import tempfile
import unittest
import urllib.parse
import uuid

from nio import (AsyncClient, JoinResponse, LoginResponse, LogoutResponse,
                 RegisterResponse, RoomCreateResponse, RoomMessageText,
                 RoomSendResponse, SyncResponse)
from nio.api import RoomVisibility

import strata_process as sp

server = None
workdir = None
cleanup_db = None


def setUpModule():
    global server, workdir, cleanup_db
    workdir = tempfile.mkdtemp(prefix="strata-conf-nio-")
    database, cleanup_db = sp.fresh_database_block()
    config, port = sp.make_config(workdir, database)
    server = sp.StrataServer(config, port).start()


def tearDownModule():
    if server:
        server.stop()
    if cleanup_db:
        cleanup_db()
    shutil.rmtree(workdir, ignore_errors=True)


def q(s):
    return urllib.parse.quote(s, safe="")


class NioClient(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.clients = []

    async def asyncTearDown(self):
        for c in self.clients:
            await c.close()

    def client(self, localpart):
        c = AsyncClient(server.base, "@%s:localhost" % localpart)
        self.clients.append(c)
        return c

    async def new_user(self, prefix):
        """Register (m.login.dummy), then log in with the password: a logged-in client."""
        localpart = "%s_%s" % (prefix, uuid.uuid4().hex[:8])
        reg = self.client(localpart)
        r = await reg.register(localpart, "pass-" + localpart, "reg-device")
        self.assertIsInstance(r, RegisterResponse, r)
        self.assertEqual(r.user_id, "@%s:localhost" % localpart)
        c = self.client(localpart)
        r = await c.login("pass-" + localpart, device_name="nio-conformance")
        self.assertIsInstance(r, LoginResponse, r)
        self.assertEqual(r.user_id, "@%s:localhost" % localpart)
        self.assertTrue(r.access_token and r.device_id)
        return c

    async def raw(self, method, path, body=None, token=None):
        return await asyncio.to_thread(sp.request, server.base, method, path, body, token)

    async def public_room_ids(self, token):
        status, body, raw = await self.raw("GET", "/_matrix/client/r0/publicRooms", token=token)
        self.assertEqual(status, 200, raw)
        return {r["room_id"]: r for r in body["chunk"]}

    async def test_register_login_whoami_logout(self):
        c = await self.new_user("solo")
        status, body, raw = await self.raw("GET", "/_matrix/client/r0/account/whoami",
                                           token=c.access_token)
        self.assertEqual((status, body.get("user_id")), (200, c.user_id), raw)
        token = c.access_token
        r = await c.logout()
        self.assertIsInstance(r, LogoutResponse, r)
        status, body, raw = await self.raw("GET", "/_matrix/client/r0/account/whoami",
                                           token=token)
        self.assertEqual(status, 401, raw)
        self.assertEqual(body.get("errcode"), "M_UNKNOWN_TOKEN", raw)

    async def test_rooms_directory_messages(self):
        alice = await self.new_user("alice")
        bob = await self.new_user("bob")

        alias_local = "pub_" + uuid.uuid4().hex[:8]
        alias = "#%s:localhost" % alias_local
        r = await alice.room_create(visibility=RoomVisibility.public, alias=alias_local,
                                    name="Conformance public", topic="nio")
        self.assertIsInstance(r, RoomCreateResponse, r)
        public_id = r.room_id
        r = await alice.room_create(visibility=RoomVisibility.private, name="Conformance private")
        self.assertIsInstance(r, RoomCreateResponse, r)
        private_id = r.room_id

        # The alias resolves; bob joins by alias.
        status, body, raw = await self.raw("GET", "/_matrix/client/r0/directory/room/" + q(alias))
        self.assertEqual((status, body.get("room_id")), (200, public_id), raw)
        r = await bob.sync(timeout=0)
        self.assertIsInstance(r, SyncResponse, r)
        r = await bob.join(alias)
        self.assertIsInstance(r, JoinResponse, r)
        self.assertEqual(r.room_id, public_id)

        # Bob's incremental sync shows the room joined.
        r = await bob.sync(timeout=0)
        self.assertIsInstance(r, SyncResponse, r)
        self.assertIn(public_id, r.rooms.join)
        self.assertNotIn(private_id, r.rooms.join)

        # Alice sends 20 messages; bob receives them in order through sync.
        for i in range(20):
            r = await alice.room_send(public_id, "m.room.message",
                                      {"msgtype": "m.text", "body": "message %02d" % i},
                                      tx_id="txn-%d" % i)
            self.assertIsInstance(r, RoomSendResponse, r)
        received = []
        for _ in range(20):
            r = await bob.sync(timeout=1000, sync_filter={"room": {"timeline": {"limit": 50}}})
            self.assertIsInstance(r, SyncResponse, r)
            room = r.rooms.join.get(public_id)
            if room:
                received += [e.body for e in room.timeline.events
                             if isinstance(e, RoomMessageText)]
            if len(received) >= 20:
                break
        self.assertEqual(received, ["message %02d" % i for i in range(20)])
        # Alice's initial sync has both rooms and bob's membership.
        r = await alice.sync(timeout=0, full_state=True)
        self.assertIsInstance(r, SyncResponse, r)
        self.assertIn(public_id, r.rooms.join)
        self.assertIn(private_id, r.rooms.join)
        self.assertIn(bob.user_id, alice.rooms[public_id].users)

        # The directory lists the public room only.
        listed = await self.public_room_ids(bob.access_token)
        self.assertIn(public_id, listed)
        self.assertNotIn(private_id, listed)
        entry = listed[public_id]
        self.assertEqual(entry.get("num_joined_members"), 2, entry)
        self.assertEqual(entry.get("canonical_alias"), alias, entry)
        self.assertEqual(entry.get("name"), "Conformance public", entry)
        self.assertTrue(entry.get("world_readable") is not None
                        and entry.get("guest_can_join") is not None, entry)

        # Toggle directory visibility.
        vis_path = "/_matrix/client/r0/directory/list/room/" + q(public_id)
        status, body, raw = await self.raw("GET", vis_path)
        self.assertEqual((status, body), (200, {"visibility": "public"}), raw)
        status, body, raw = await self.raw("PUT", vis_path, {"visibility": "private"},
                                           token=alice.access_token)
        self.assertEqual(status, 200, raw)
        status, body, raw = await self.raw("GET", vis_path)
        self.assertEqual((status, body), (200, {"visibility": "private"}), raw)
        listed = await self.public_room_ids(bob.access_token)
        self.assertNotIn(public_id, listed)
        self.assertNotIn(private_id, listed)
        # ... and back.
        status, body, raw = await self.raw("PUT", vis_path, {"visibility": "public"},
                                           token=alice.access_token)
        self.assertEqual(status, 200, raw)
        self.assertIn(public_id, await self.public_room_ids(bob.access_token))

        # Log out: the token stops working.
        for c in (alice, bob):
            token = c.access_token
            r = await c.logout()
            self.assertIsInstance(r, LogoutResponse, r)
            status, body, raw = await self.raw("GET", "/_matrix/client/r0/account/whoami",
                                               token=token)
            self.assertEqual((status, body.get("errcode")), (401, "M_UNKNOWN_TOKEN"), raw)


if __name__ == "__main__":
    unittest.main()
