-- The plan a foreign-key check keeps (issue 22; bench/README.md, "Order cost at 1k vs 1M orders").
-- Run against a database that holds the analytics bench's million orders (it only reads them):
--   psql -h 127.0.0.1 -U postgres -d fenxiao_bench_analytics -f bench/order_placement/fk_check_plans.sql
-- A copy of orders_order is filled step by step; the statement is the one PostgreSQL's RI trigger
-- prepares for a reference to it (ri_triggers.c), held at the generic plan the plan cache settles on
-- after five runs. The copy is dropped at the end.
\pset pager off
DROP TABLE IF EXISTS scratch_order;
CREATE TABLE scratch_order (LIKE orders_order INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
INSERT INTO scratch_order SELECT * FROM orders_order ORDER BY id LIMIT 5;
\echo '--- 5 rows, never analyzed: PostgreSQL assumes at least 10 pages'
PREPARE never_analyzed(bigint) AS SELECT 1 FROM ONLY public.scratch_order x WHERE id OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x;
SET plan_cache_mode = force_generic_plan;
EXPLAIN EXECUTE never_analyzed(1);
ANALYZE scratch_order;  -- what autovacuum (after 50 rows changed) or a setup script does on a new shop
\echo '--- 5 rows, analyzed'
PREPARE ri(bigint) AS SELECT 1 FROM ONLY public.scratch_order x WHERE id OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x;
EXPLAIN EXECUTE ri(1);
INSERT INTO scratch_order SELECT * FROM orders_order ORDER BY id OFFSET 5 LIMIT 995;
\echo '--- the same prepared statement at 1,000 rows, nothing analyzed since'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE ri(1000);
INSERT INTO scratch_order SELECT * FROM orders_order ORDER BY id OFFSET 1000;
SELECT max(id) AS newest FROM scratch_order \gset
\echo '--- the same prepared statement with every order in the table, nothing analyzed since: the newest order'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE ri(:newest);
\echo '--- prepared now (a new connection): planned from the size on disk, statistics still of 5 rows'
PREPARE fresh(bigint) AS SELECT 1 FROM ONLY public.scratch_order x WHERE id OPERATOR(pg_catalog.=) $1 FOR KEY SHARE OF x;
EXPLAIN EXECUTE fresh(1);
\echo '--- the first statement after ANALYZE: invalidated and planned again'
ANALYZE scratch_order;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE ri(:newest);
DROP TABLE scratch_order;
