#!/usr/bin/env python3
"""Run Strata's black-box conformance tests on one storage engine.

  run_conformance.py --strata PATH --engine sqlite|postgres

PostgreSQL needs STRATA_TEST_PG (a libpq conninfo for a server where the
tests may create and drop databases). Without it the postgres run is skipped
(exit 77), or fails when STRATA_REQUIRE_PG is set.
"""
import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = ["test_errors", "test_client_nio", "test_client_live", "test_real_dataset"]
SKIP = 77


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strata", required=True, help="path to the strata binary")
    ap.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("-k", dest="pattern", action="append",
                    help="only tests whose name contains this (repeatable)")
    args = ap.parse_args()

    if args.engine == "postgres" and not os.environ.get("STRATA_TEST_PG"):
        if os.environ.get("STRATA_REQUIRE_PG"):
            print("FAIL: STRATA_REQUIRE_PG is set but STRATA_TEST_PG is not", flush=True)
            return 1
        print("SKIP: STRATA_TEST_PG is not set; no PostgreSQL conformance run", flush=True)
        return SKIP

    os.environ["STRATA_BIN"] = os.path.abspath(args.strata)
    os.environ["STRATA_ENGINE"] = args.engine
    sys.path.insert(0, HERE)
    import strata_process

    loader = unittest.TestLoader()
    if args.pattern:
        loader.testNamePatterns = ["*%s*" % p for p in args.pattern]
    suite = unittest.TestSuite(loader.loadTestsFromName(m) for m in MODULES)
    print("conformance on %s with %s" % (args.engine, args.strata), flush=True)
    try:
        result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    finally:
        strata_process.stop_all()
    run = result.testsRun
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    print("conformance (%s): %d passed, %d failed, %d skipped"
          % (args.engine, run - failed - skipped, failed, skipped), flush=True)
    return 0 if result.wasSuccessful() and run > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
