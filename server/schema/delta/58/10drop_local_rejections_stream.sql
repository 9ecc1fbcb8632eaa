-- 1.16.1: the 1.16.0 package on PyPI carried an unreleased delta that created an unused
-- table local_rejections_stream. Remove it wherever that happened.
DROP TABLE IF EXISTS local_rejections_stream;
