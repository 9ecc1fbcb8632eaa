-- 1.4.0: outbound device-list pokes remember the tracing context they were created in.
ALTER TABLE device_lists_outbound_pokes ADD opentracing_context TEXT;
