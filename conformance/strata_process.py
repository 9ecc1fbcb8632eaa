"""Start and stop a Strata server for the conformance tests.

Everything here talks only to 127.0.0.1. Every process started is tracked and
killed by stop_all() (the runner calls it at exit, also on failure).
"""
import atexit
import json
import os
import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.request
import re
import uuid

_RUNNING = []


def strata_binary():
    return os.environ["STRATA_BIN"]


def engine():
    return os.environ.get("STRATA_ENGINE", "sqlite")


def reference_dir():
    ref = os.environ.get("STRATA_REFERENCE")
    if ref:
        return ref
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(os.path.dirname(repo), "shared", "reference")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- PostgreSQL -------------------------------------------------------------

def _conninfo_dict(conninfo):
    out = {}
    for part in shlex.split(conninfo):
        key, _, value = part.partition("=")
        out[key] = value
    return out


def _psql(conninfo, sql):
    subprocess.run(["psql", conninfo, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
                   check=True, stdout=subprocess.DEVNULL, timeout=60)


class PgDatabase:
    """A fresh database on the STRATA_TEST_PG server, dropped by drop()."""

    def __init__(self, conninfo):
        self.conninfo = conninfo
        self.name = "strata_conf_" + uuid.uuid4().hex[:12]
        _psql(conninfo, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' "
                        "LC_COLLATE 'C' LC_CTYPE 'C'" % self.name)

    def config_block(self):
        info = _conninfo_dict(self.conninfo)
        args = {"database": self.name}
        for key in ("host", "port", "user", "password"):
            if key in info:
                args[key] = int(info[key]) if key == "port" else info[key]
        return {"name": "psycopg2", "args": args}

    def drop(self):
        _psql(self.conninfo, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.name)


# --- config -----------------------------------------------------------------

def _set_top_level(text, key, value):
    """Replace a top-level key's block in YAML text (or append it). The value
    is written as JSON, which is YAML too: no YAML library needed."""
    lines = text.splitlines()
    out, skipping = [], False
    for line in lines:
        if skipping:
            if line[:1] in (" ", "\t", "#") or not line.strip():
                continue
            skipping = False
        if re.match(r"%s\s*:" % re.escape(key), line):
            skipping = True
            continue
        out.append(line)
    out.append("%s: %s" % (key, json.dumps(value)))
    return "\n".join(out) + "\n"


def top_level_string(config_path, key):
    """A top-level scalar of a config, e.g. registration_shared_secret."""
    with open(config_path) as f:
        m = re.search(r'^%s:\s*"?([^"\n]*)"?\s*$' % re.escape(key), f.read(), re.M)
    return m.group(1) if m else None


def make_config(workdir, database=None):
    """Generate a config in workdir with Strata itself, then edit it.

    database: a `database:` block (dict) replacing the generated sqlite one.
    Returns (config_path, port).
    """
    os.makedirs(workdir, exist_ok=True)
    path = os.path.join(workdir, "homeserver.yaml")
    subprocess.run([strata_binary(), "--generate-config", "--server-name", "localhost",
                    "--report-stats=no", "--config-path", path,
                    "--data-directory", workdir],
                   check=True, stdout=subprocess.DEVNULL, timeout=60)
    with open(path) as f:
        text = f.read()
    port = free_port()
    lots = {"per_second": 1000, "burst_count": 1000}
    edits = {
        "listeners": [{"port": port, "tls": False, "type": "http", "x_forwarded": True,
                       "bind_addresses": ["127.0.0.1"],
                       "resources": [{"names": ["client", "federation"],
                                      "compress": False}]}],
        "enable_registration": True,
        "report_stats": False,
        "trusted_key_servers": [],
        # Generous limits: the tests send bursts of requests on purpose.
        "rc_message": lots,
        "rc_registration": lots,
        "rc_login": {"address": lots, "account": lots, "failed_attempts": lots},
    }
    if database is not None:
        edits["database"] = database
    for key, value in edits.items():
        text = _set_top_level(text, key, value)
    with open(path, "w") as f:
        f.write(text)
    return path, port


def fresh_database_block():
    """For the engine under test: (database block or None, cleanup callable)."""
    if engine() == "postgres":
        db = PgDatabase(os.environ["STRATA_TEST_PG"])
        return db.config_block(), db.drop
    return None, lambda: None


# --- the process ------------------------------------------------------------

def http_status(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


class StrataServer:
    def __init__(self, config_path, port, as_release=None):
        self.config_path = config_path
        self.port = port
        self.as_release = as_release
        self.base = "http://127.0.0.1:%d" % port
        self.proc = None
        self.log_path = os.path.join(os.path.dirname(config_path), "strata.out")

    def start(self, timeout=60):
        cmd = [strata_binary(), "--config-path", self.config_path]
        if self.as_release:
            cmd += ["--as-release", self.as_release]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        _RUNNING.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("strata exited with %s before serving:\n%s"
                                   % (self.proc.returncode, self.log_tail()))
            if http_status(self.base + "/_matrix/client/versions") == 200:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("strata did not answer /versions with 200 in %ss:\n%s"
                           % (timeout, self.log_tail()))

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self in _RUNNING:
            _RUNNING.remove(self)
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None


def run_upgrade(config_path, as_release, background=True, timeout=300):
    cmd = [strata_binary(), "--config-path", config_path, "--upgrade-only",
           "--as-release", as_release]
    if background:
        cmd.append("--run-background-updates")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError("upgrade to %s failed (%d):\n%s"
                           % (as_release, r.returncode, r.stdout.decode()[-4000:]))


def stop_all():
    for server in list(_RUNNING):
        server.stop()


atexit.register(stop_all)


# --- plain HTTP -------------------------------------------------------------

def request(base, method, path, body=None, token=None, raw=None, timeout=30):
    """Returns (status, parsed JSON or None, raw bytes)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, payload = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, payload = e.code, e.read()
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = None
    return status, parsed, payload
