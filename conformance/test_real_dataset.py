"""A copy of the real Synapse 1.2.1 `big` dataset, served and upgraded by Strata:
the SQLite file, or on PostgreSQL the dump real Synapse made there."""
import asyncio
import gzip
import hashlib
import hmac
import os
import time
import shutil
import sqlite3
import tempfile
import unittest

from nio import AsyncClient, LoginResponse

import subprocess

import strata_process as sp

PUBLIC_NAMES = {"Public room 1", "Public room 2", "Public room 3"}


def dataset_path():
    name = "v1.2.1-big.postgres.sql.gz" if sp.engine() == "postgres" else "v1.2.1-big.sqlite.gz"
    return os.path.join(sp.reference_dir(), "real-synapse", "datasets", name)


class RealDataset(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        src = dataset_path()
        if not os.path.exists(src):
            raise RuntimeError("real dataset missing: %s (set STRATA_REFERENCE)" % src)
        cls.tmp = tempfile.mkdtemp(prefix="strata-conf-real-")
        cls.pristine = os.path.join(cls.tmp, "pristine.db")
        if sp.engine() == "sqlite":
            with gzip.open(src, "rb") as f, open(cls.pristine, "wb") as out:
                shutil.copyfileobj(f, out)

    @classmethod
    def tearDownClass(cls):
        sp.stop_all()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def config_for_copy(self, name):
        """A fresh config whose database is a new copy of the dataset."""
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        if sp.engine() == "postgres":
            db = sp.PgDatabase(os.environ["STRATA_TEST_PG"])
            self.addCleanup(db.drop)
            self.pg_conninfo = self.database_conninfo(db)
            with gzip.open(dataset_path(), "rb") as dump:
                subprocess.run(["psql", self.pg_conninfo, "-v", "ON_ERROR_STOP=1", "-q"],
                               input=dump.read(), check=True, stdout=subprocess.DEVNULL,
                               timeout=120)
            return sp.make_config(d, db.config_block())
        db = os.path.join(d, "homeserver.db")
        shutil.copyfile(self.pristine, db)
        self.sqlite_path = db
        return sp.make_config(d, {"name": "sqlite3", "args": {"database": db}})

    @staticmethod
    def database_conninfo(db):
        parts = [p for p in db.conninfo.split() if not p.startswith("dbname=")]
        return " ".join(parts + ["dbname=" + db.name])

    def query_row(self, sql, param):
        """One row of a query with one parameter, on the copy under test."""
        if sp.engine() == "postgres":
            # Fed on stdin: psql interpolates :'p' (quoted) there, not in -c.
            out = subprocess.run(["psql", self.pg_conninfo, "-At", "-F", "\t", "-v",
                                  "ON_ERROR_STOP=1", "-v", "p=" + param],
                                 input=sql.replace("?", ":'p'") + ";\n", check=True,
                                 capture_output=True, text=True, timeout=60)
            line = out.stdout.strip()
            return tuple(line.split("\t")) if line else None
        with sqlite3.connect(self.sqlite_path) as conn:
            return conn.execute(sql, (param,)).fetchone()

    def serve(self, config, port, release):
        """Serve as `release`, and wait until its background updates are done:
        publicRooms is then what that release lists once it has settled."""
        s = sp.StrataServer(config, port, as_release=release).start(timeout=120)
        self.addCleanup(s.stop)
        self.wait_background_updates(s.base, self.register_admin(s.base, config))
        return s

    def register_admin(self, base, config):
        """Shared-secret registration (/_synapse/admin/v1/register) of an admin."""
        secret = sp.top_level_string(config, "registration_shared_secret").encode()
        path = "/_synapse/admin/v1/register"
        status, body, raw = sp.request(base, "GET", path)
        self.assertEqual(status, 200, raw)
        nonce, user, password = body["nonce"], "conformance_admin", "admin-pass-1"
        mac = hmac.new(secret, b"\x00".join([nonce.encode(), user.encode(),
                                              password.encode(), b"admin"]),
                       hashlib.sha1).hexdigest()
        status, body, raw = sp.request(base, "POST", path, {
            "nonce": nonce, "username": user, "password": password, "admin": True,
            "mac": mac})
        self.assertEqual(status, 200, raw)
        return body["access_token"]

    def wait_background_updates(self, base, token, timeout=90):
        deadline = time.monotonic() + timeout
        while True:
            status, body, raw = sp.request(
                base, "GET", "/_synapse/admin/v1/background_updates/status", token=token)
            self.assertEqual(status, 200, raw)
            pending = body["current_updates"].get("master") or {}
            runnable = [n for n, u in pending.items() if u.get("state") != "unknown"]
            if not runnable:
                return
            if time.monotonic() > deadline:
                self.fail("background updates still pending after %ss: %s"
                          % (timeout, sorted(pending)))
            time.sleep(0.25)

    def login_alice(self, base):
        async def go():
            c = AsyncClient(base, "@alice:localhost")
            try:
                r = await c.login("alicepass1", device_name="conformance")
                self.assertIsInstance(r, LoginResponse, r)
                self.assertEqual(r.user_id, "@alice:localhost")
                return r.access_token
            finally:
                await c.close()
        return asyncio.run(go())

    def public_names(self, base, token):
        status, body, raw = sp.request(base, "GET", "/_matrix/client/r0/publicRooms?limit=100",
                                       token=token)
        self.assertEqual(status, 200, raw)
        return [r.get("name") for r in body["chunk"] if r.get("name") in PUBLIC_NAMES]

    def test_served_as_1_18_lists_three(self):
        config, port = self.config_for_copy("as-1.18")
        s = self.serve(config, port, "1.18.0")
        token = self.login_alice(s.base)
        names = self.public_names(s.base, token)
        self.assertEqual(sorted(names), sorted(PUBLIC_NAMES))
        self.alice_renames(s.base, token, config)

    def alice_renames(self, base, token, config):
        """alice's new name reaches the rooms Synapse had her in and the user directory
        Synapse filled, and the directory still lists the same rooms."""
        status, body, raw = sp.request(base, "PUT",
                                       "/_matrix/client/r0/profile/@alice:localhost/displayname",
                                       {"displayname": "Alice Liddell"}, token=token)
        self.assertEqual(status, 200, raw)
        status, body, raw = sp.request(base, "GET", "/_matrix/client/r0/joined_rooms",
                                       token=token)
        self.assertEqual(status, 200, raw)
        self.assertTrue(body["joined_rooms"], raw)
        for room_id in body["joined_rooms"]:
            status, members, raw = sp.request(
                base, "GET", "/_matrix/client/r0/rooms/%s/members" % room_id, token=token)
            self.assertEqual(status, 200, raw)
            mine = [m for m in members["chunk"] if m["state_key"] == "@alice:localhost"]
            self.assertEqual(mine[0]["content"].get("displayname"), "Alice Liddell", raw)
        self.assertEqual(self.query_row(
            "SELECT display_name FROM user_directory WHERE user_id = ?", "@alice:localhost"),
            ("Alice Liddell",))
        if sp.engine() == "postgres":
            # Searchable by the new name, as Synapse's tsvector has it.
            self.assertEqual(self.query_row(
                "SELECT user_id FROM user_directory_search WHERE vector @@ "
                "to_tsquery('english', ?)", "liddell"), ("@alice:localhost",))
        else:
            self.assertEqual(self.query_row(
                "SELECT value FROM user_directory_search WHERE user_id = ?", "@alice:localhost"),
                ("@alice:localhost Alice Liddell",))
        self.assertEqual(sorted(self.public_names(base, token)), sorted(PUBLIC_NAMES))

    def test_served_as_1_4_lists_three(self):
        # Before 1.5 the directory read current state.
        config, port = self.config_for_copy("as-1.4")
        s = self.serve(config, port, "1.4.0")
        names = self.public_names(s.base, self.login_alice(s.base))
        self.assertEqual(sorted(names), sorted(PUBLIC_NAMES))

    def test_upgraded_by_1_4_served_as_1_12_lists_one(self):
        # The 1.4 stats runner filled room stats so that 1.5-1.12 (stats-table
        # directory with joined_members > 0) lists only one of the three.
        config, port = self.config_for_copy("up-1.4")
        sp.run_upgrade(config, "1.4.0", background=True)
        s = self.serve(config, port, "1.12.4")
        names = self.public_names(s.base, self.login_alice(s.base))
        self.assertEqual(len(names), 1, names)


if __name__ == "__main__":
    unittest.main()
