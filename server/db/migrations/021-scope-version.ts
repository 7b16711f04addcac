// Migration 021: a counter of every change that can change who may read or write a household — an assignment, a
// household's place (unit, village, own assignee), a household added or removed, a release grant given, changed or
// ended. Triggers keep it, so a change made by any path counts: the console, the command line in another process, an
// import, another relay on the same PostgreSQL. A relay reads it a few times a second and keeps its scope answers for
// as long as it does not move (server/relay/scope-cache.ts), instead of looking every household up again every 2 s.

import { execFor, type Migration } from '../migrate.ts'

const BUMP = 'UPDATE scope_version SET n = n + 1 WHERE id = 1;'

export const scopeVersion: Migration = {
  id: 21,
  name: 'scope-version',
  up(db) {
    execFor(db, {
      sqlite: `
      CREATE TABLE scope_version (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
      INSERT INTO scope_version (id, n) VALUES (1, 0);
      CREATE TRIGGER scope_assignment_added AFTER INSERT ON assignments BEGIN ${BUMP} END;
      CREATE TRIGGER scope_assignment_removed AFTER DELETE ON assignments BEGIN ${BUMP} END;
      CREATE TRIGGER scope_assignment_changed AFTER UPDATE ON assignments BEGIN ${BUMP} END;
      CREATE TRIGGER scope_household_added AFTER INSERT ON households BEGIN ${BUMP} END;
      CREATE TRIGGER scope_household_removed AFTER DELETE ON households BEGIN ${BUMP} END;
      CREATE TRIGGER scope_household_moved AFTER UPDATE OF id, unit_code, village_id, assignee_id ON households
        WHEN OLD.id IS NOT NEW.id OR OLD.unit_code IS NOT NEW.unit_code OR OLD.village_id IS NOT NEW.village_id
          OR OLD.assignee_id IS NOT NEW.assignee_id
        BEGIN ${BUMP} END;
      CREATE TRIGGER scope_grant_given AFTER INSERT ON released_households BEGIN ${BUMP} END;
      CREATE TRIGGER scope_grant_ended AFTER DELETE ON released_households BEGIN ${BUMP} END;
      CREATE TRIGGER scope_grant_changed AFTER UPDATE OF household_id, user_id, released_at ON released_households
        BEGIN ${BUMP} END;
      `,
      postgres: `
      CREATE TABLE scope_version (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
      INSERT INTO scope_version (id, n) VALUES (1, 0);
      CREATE FUNCTION scope_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN ${BUMP} RETURN NULL; END
      $$;
      CREATE TRIGGER scope_assignments AFTER INSERT OR UPDATE OR DELETE ON assignments
        FOR EACH STATEMENT EXECUTE FUNCTION scope_changed();
      CREATE TRIGGER scope_households_added_removed AFTER INSERT OR DELETE ON households
        FOR EACH STATEMENT EXECUTE FUNCTION scope_changed();
      CREATE TRIGGER scope_household_moved AFTER UPDATE OF id, unit_code, village_id, assignee_id ON households
        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.unit_code IS DISTINCT FROM NEW.unit_code
          OR OLD.village_id IS DISTINCT FROM NEW.village_id OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
        EXECUTE FUNCTION scope_changed();
      CREATE TRIGGER scope_grants AFTER INSERT OR DELETE ON released_households
        FOR EACH STATEMENT EXECUTE FUNCTION scope_changed();
      CREATE TRIGGER scope_grant_changed AFTER UPDATE OF household_id, user_id, released_at ON released_households
        FOR EACH STATEMENT EXECUTE FUNCTION scope_changed();
      `,
    })
  },
}
