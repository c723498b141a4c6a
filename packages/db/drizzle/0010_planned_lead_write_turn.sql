-- The engine sends a write unit's transaction before the unit ahead of it has committed (its turn statement then
-- waits on the organization's row), so that the database goes from one unit to the next without waiting for the
-- engine. Such a unit was planned against the turns counted so far: it may proceed only with the very next turn. This
-- takes the turn like takeLeadWriteTurn and fails with SQLSTATE LS001 when the turn taken is not the expected one
-- (another writer took one in between), which aborts the transaction; the engine then plans the unit again.
CREATE FUNCTION leadsync_take_planned_lead_write_turn(organization uuid, expected bigint) RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
  taken bigint;
BEGIN
  UPDATE organizations SET lead_writes = lead_writes + 1 WHERE id = organization RETURNING lead_writes INTO taken;
  IF taken IS DISTINCT FROM expected THEN
    RAISE EXCEPTION 'the lead-write turn taken (%) is not the one the write was planned for (%)', taken, expected
      USING ERRCODE = 'LS001';
  END IF;
  RETURN taken;
END
$fn$;
