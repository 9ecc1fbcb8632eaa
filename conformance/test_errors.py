"""Plain-HTTP checks of the Matrix error shapes (client-server API spec,
"Standard error response" and "Common error codes")."""
import shutil
import tempfile
import unittest
import uuid

import strata_process as sp

server = None
workdir = None
cleanup_db = None


def setUpModule():
    global server, workdir, cleanup_db
    workdir = tempfile.mkdtemp(prefix="strata-conf-err-")
    database, cleanup_db = sp.fresh_database_block()
    config, port = sp.make_config(workdir, database)
    server = sp.StrataServer(config, port).start()


def tearDownModule():
    if server:
        server.stop()
    if cleanup_db:
        cleanup_db()
    shutil.rmtree(workdir, ignore_errors=True)


def register(base, username, password="s3cret-pass"):
    """User-interactive registration with m.login.dummy, as the spec shows it."""
    status, body, _ = sp.request(base, "POST", "/_matrix/client/r0/register",
                                 {"username": username, "password": password})
    assert status == 401 and "session" in body, (status, body)
    status, body, _ = sp.request(base, "POST", "/_matrix/client/r0/register",
                                 {"username": username, "password": password,
                                  "auth": {"type": "m.login.dummy",
                                           "session": body["session"]}})
    assert status == 200, (status, body)
    return body["access_token"]


class ErrorShapes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = server.base
        cls.token = register(cls.base, "err_" + uuid.uuid4().hex[:8])
        status, body, _ = sp.request(cls.base, "POST", "/_matrix/client/r0/createRoom",
                                     {"preset": "private_chat"}, token=cls.token)
        assert status == 200, (status, body)
        cls.room_id = body["room_id"]

    def assertError(self, result, statuses, errcodes):
        status, body, raw = result
        if isinstance(statuses, int):
            statuses = (statuses,)
        if isinstance(errcodes, str):
            errcodes = (errcodes,)
        self.assertIn(status, statuses, raw)
        self.assertIsInstance(body, dict, "error body is not a JSON object: %r" % raw)
        self.assertIn(body.get("errcode"), errcodes, raw)
        self.assertIsInstance(body.get("error", ""), str, raw)

    def test_unknown_endpoint(self):
        for prefix in ("r0", "v3"):
            with self.subTest(prefix=prefix):
                self.assertError(sp.request(self.base, "GET",
                                            "/_matrix/client/%s/no_such_endpoint" % prefix),
                                 404, "M_UNRECOGNIZED")

    def test_missing_token(self):
        self.assertError(sp.request(self.base, "GET", "/_matrix/client/r0/account/whoami"),
                         401, "M_MISSING_TOKEN")

    def test_bad_token(self):
        self.assertError(sp.request(self.base, "GET", "/_matrix/client/r0/account/whoami",
                                    token="not-a-real-token"),
                         401, "M_UNKNOWN_TOKEN")

    def test_malformed_json(self):
        self.assertError(sp.request(self.base, "POST", "/_matrix/client/r0/createRoom",
                                    raw=b'{"preset": "public_chat",', token=self.token),
                         400, "M_NOT_JSON")

    def test_body_not_an_object(self):
        path = "/_matrix/client/r0/rooms/%s/send/m.room.message/t%s" % (
            self.room_id, uuid.uuid4().hex)
        self.assertError(sp.request(self.base, "PUT", path, [1, 2], token=self.token),
                         400, "M_BAD_JSON")

    def test_wrong_field_type(self):
        # The spec: M_BAD_JSON "valid JSON, but malformed in some way"; Synapse
        # answers M_INVALID_PARAM for a value of the wrong type. Either is a 400.
        self.assertError(sp.request(self.base, "POST", "/_matrix/client/r0/createRoom",
                                    {"visibility": 5}, token=self.token),
                         400, ("M_BAD_JSON", "M_INVALID_PARAM"))
        self.assertError(sp.request(self.base, "PUT",
                                    "/_matrix/client/r0/directory/list/room/" + self.room_id,
                                    {"visibility": 5}, token=self.token),
                         400, ("M_BAD_JSON", "M_INVALID_PARAM"))

    def test_missing_field(self):
        self.assertError(sp.request(self.base, "POST", "/_matrix/client/r0/login",
                                    {"password": "x"}),
                         400, ("M_MISSING_PARAM", "M_BAD_JSON"))

    def test_unknown_room(self):
        room = "/_matrix/client/r0/rooms/!nosuchroom:localhost"
        self.assertError(sp.request(self.base, "GET", room + "/messages?dir=b",
                                    token=self.token),
                         (403, 404), ("M_FORBIDDEN", "M_NOT_FOUND"))
        self.assertError(sp.request(self.base, "PUT", room + "/send/m.room.message/t1",
                                    {"msgtype": "m.text", "body": "x"}, token=self.token),
                         (403, 404), ("M_FORBIDDEN", "M_NOT_FOUND"))
        self.assertError(sp.request(self.base, "GET",
                                    "/_matrix/client/r0/directory/room/%23nosuchalias:localhost"),
                         404, "M_NOT_FOUND")

    def test_public_rooms_needs_auth_by_default(self):
        # allow_public_rooms_without_auth defaults to false since Synapse 1.7.
        for method, body in (("GET", None), ("POST", {})):
            with self.subTest(method=method):
                self.assertError(sp.request(self.base, method, "/_matrix/client/r0/publicRooms",
                                            body),
                                 401, "M_MISSING_TOKEN")
        status, body, raw = sp.request(self.base, "GET", "/_matrix/client/r0/publicRooms",
                                       token=self.token)
        self.assertEqual(status, 200, raw)
        self.assertIn("chunk", body)

    def test_public_rooms_of_another_server(self):
        # No federation: answered as Synapse answers when it cannot fetch a remote list
        # (502 M_UNKNOWN, naming the server); the own name is the local list.
        for method, body in (("GET", None), ("POST", {})):
            with self.subTest(method=method):
                self.assertError(sp.request(self.base, method,
                                            "/_matrix/client/r0/publicRooms?server=example.org",
                                            body, token=self.token),
                                 502, "M_UNKNOWN")
                status, body, raw = sp.request(
                    self.base, method, "/_matrix/client/r0/publicRooms?server=localhost",
                    body, token=self.token)
                self.assertEqual(status, 200, raw)

    def test_oversized_event(self):
        # Events are limited to 65536 bytes: 413 M_TOO_LARGE, and nothing stored.
        marker = "big-" + uuid.uuid4().hex
        path = "/_matrix/client/r0/rooms/%s/send/m.room.message/t%s" % (
            self.room_id, uuid.uuid4().hex)
        self.assertError(sp.request(self.base, "PUT", path,
                                    {"msgtype": "m.text", "body": marker + "x" * 70000},
                                    token=self.token),
                         413, "M_TOO_LARGE")
        status, body, raw = sp.request(
            self.base, "GET", "/_matrix/client/r0/rooms/%s/messages?dir=b&limit=50"
            % self.room_id, token=self.token)
        self.assertEqual(status, 200, raw)
        self.assertNotIn(marker.encode(), raw)


if __name__ == "__main__":
    unittest.main()
