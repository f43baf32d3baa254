"""PostgreSQL: look leads up by duplicate key in a table of their own, `lead_key`.

PostgreSQL writes a new row version for every UPDATE, and unless no indexed column changes
(owner, stage … always do in a disposition) every index of the table takes a new entry for it.
`lead.email_key` and `lead.phone_key` were two such indexes over every lead ever imported, with
random keys: a third of a 10,000-lead bulk reassign's UPDATE (246 → 176 ms at 1M leads,
bench/RESULTS.md, Bulk), though no disposition ever changes a key.

`lead_key (kind, value, lead_id)` holds one row per non-empty key, kept by triggers whatever
writes the lead (services, import, seed, SQL by hand): after an INSERT (one statement-level
trigger over the inserted rows: a COPY of 100,000 leads runs it once), after an UPDATE that
changes a key (row-level, and only when the UPDATE sets a key column at all: a disposition's
UPDATE never fires it), after a DELETE or TRUNCATE. The functions are SECURITY DEFINER: team
mode's logins have no privilege on `lead_key` (a key would tell them of a lead they may not
see), yet their INSERTs must keep it. `doctor` reports keys out of step with the leads.
SQLite keeps its indexes: its UPDATE rewrites only the index entries whose columns changed.
"""

import peewee

KEY_TRIGGERS = """
CREATE TABLE lead_key (
    kind text NOT NULL CHECK (kind IN ('email', 'phone')),
    value text NOT NULL,
    lead_id integer NOT NULL,
    PRIMARY KEY (kind, value, lead_id)
);

CREATE FUNCTION qc_lead_keys_added() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    INSERT INTO lead_key (kind, value, lead_id)
    SELECT 'email', email_key, id FROM added WHERE email_key <> ''
    UNION ALL
    SELECT 'phone', phone_key, id FROM added WHERE phone_key <> '';
    RETURN NULL;
END $$;
CREATE TRIGGER qc_lead_keys_added AFTER INSERT ON lead
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION qc_lead_keys_added();

CREATE FUNCTION qc_lead_keys_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    DELETE FROM lead_key WHERE lead_id = OLD.id
        AND (kind, value) IN (('email', OLD.email_key), ('phone', OLD.phone_key));
    INSERT INTO lead_key (kind, value, lead_id)
    SELECT k, v, NEW.id FROM (VALUES ('email', NEW.email_key), ('phone', NEW.phone_key)) AS t (k, v)
    WHERE v <> '';
    RETURN NULL;
END $$;
CREATE TRIGGER qc_lead_keys_changed AFTER UPDATE OF email_key, phone_key, id ON lead
    FOR EACH ROW
    WHEN (OLD.email_key IS DISTINCT FROM NEW.email_key
          OR OLD.phone_key IS DISTINCT FROM NEW.phone_key OR OLD.id <> NEW.id)
    EXECUTE FUNCTION qc_lead_keys_changed();

CREATE FUNCTION qc_lead_keys_removed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    DELETE FROM lead_key k USING removed r
    WHERE k.lead_id = r.id
        AND (k.kind, k.value) IN (('email', r.email_key), ('phone', r.phone_key));
    RETURN NULL;
END $$;
CREATE TRIGGER qc_lead_keys_removed AFTER DELETE ON lead
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION qc_lead_keys_removed();

CREATE FUNCTION qc_lead_keys_truncated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    TRUNCATE lead_key;
    RETURN NULL;
END $$;
CREATE TRIGGER qc_lead_keys_truncated AFTER TRUNCATE ON lead
    FOR EACH STATEMENT EXECUTE FUNCTION qc_lead_keys_truncated();

REVOKE ALL ON FUNCTION qc_lead_keys_added(), qc_lead_keys_changed(), qc_lead_keys_removed(),
    qc_lead_keys_truncated() FROM PUBLIC;

INSERT INTO lead_key (kind, value, lead_id)
SELECT 'email', email_key, id FROM lead WHERE email_key <> ''
UNION ALL
SELECT 'phone', phone_key, id FROM lead WHERE phone_key <> '';
"""

TEAM_LOOKUP = """
CREATE OR REPLACE FUNCTION qc_lead_with_key(p_kind text, p_key text) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    IF p_key IS NULL OR p_key = '' THEN
        RETURN NULL;
    ELSIF p_kind IN ('email', 'phone') THEN
        RETURN (SELECT min(lead_id) FROM lead_key WHERE kind = p_kind AND value = p_key);
    END IF;
    RAISE EXCEPTION 'qc_lead_with_key: kind must be email or phone, not %', p_kind;
END $$;
"""
"""Team mode's duplicate lookup (`db.team.FUNCTIONS`), replaced where team mode is set up:
CREATE OR REPLACE keeps the function's owner and grants."""


def up(migrator, db):  # type: ignore[no-untyped-def]
    if not isinstance(db, peewee.PostgresqlDatabase):
        return
    schema = db.execute_sql("SELECT current_schema()").fetchone()[0]
    quoted = '"' + schema.replace('"', '""') + '"'
    db.execute_sql(KEY_TRIGGERS.format(schema=quoted))
    for index in ("lead_email_key", "lead_phone_key"):
        db.execute_sql(f'DROP INDEX IF EXISTS "{index}"')
    team = db.execute_sql("SELECT to_regprocedure('qc_lead_with_key(text,text)')").fetchone()[0]
    if team is not None:  # a cursor without parameters: the `%` in RAISE stays as it is
        db.cursor().execute(TEAM_LOOKUP.format(schema=quoted))
    db.execute_sql("ANALYZE lead_key")
