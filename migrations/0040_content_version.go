package migrations

import (
	"fmt"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// ContentVersionTables are the tables the public pages (landing page,
// roster, Mito's corner) are rendered from. Every committed write to one of
// them moves common.content_version, whichever process made it (the site,
// a second instance, the CLI, psql), so a page rendered from memory can ask
// one cheap question before serving: has anything changed?
var ContentVersionTables = []string{
	"common.guild_ranks",
	"guild_identity.roles",
	"guild_identity.classes",
	"guild_identity.specializations",
	"guild_identity.players",
	"guild_identity.wow_characters",
	"guild_identity.player_characters",
	"patt.recurring_events",
	"patt.raid_seasons",
	"patt.mito_quotes",
	"patt.mito_titles",
	"patt.campaigns",
	"patt.campaign_entries",
	"patt.votes",
	"patt.campaign_results",
}

// step0040ContentVersion creates the one-row change counter and the
// triggers that bump it.
//
// Postgres: a deferred constraint trigger per table runs at commit and
// bumps the counter once per transaction (a transaction-local setting
// remembers it did), so the counter row is locked only for the instant
// before commit — writers never deadlock on it — and the new value becomes
// visible together with the data. SQLite has one writer at a time, so plain
// AFTER triggers are enough.
var step0040ContentVersion = &gormigrate.Migration{
	ID: "0040_content_version",
	Migrate: func(tx *gorm.DB) error {
		err := exec(tx, `
CREATE TABLE {{common.content_version}} (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL DEFAULT 0
)`, `INSERT INTO {{common.content_version}} (id, version) VALUES (1, 0)`)
		if err != nil {
			return err
		}
		if models.DialectOf(tx) == models.Postgres {
			if err := exec(tx, `
CREATE FUNCTION {{common.bump_content_version}}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('patt.content_bumped', true) IS DISTINCT FROM 'on' THEN
        UPDATE {{common.content_version}} SET version = version + 1 WHERE id = 1;
        PERFORM set_config('patt.content_bumped', 'on', true);
    END IF;
    RETURN NULL;
END
$$`); err != nil {
				return err
			}
		}
		for _, t := range ContentVersionTables {
			if err := BumpContentVersionOn(tx, t); err != nil {
				return err
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, t := range ContentVersionTables {
			if err := dropContentVersionTriggers(tx, t); err != nil {
				return err
			}
		}
		if models.DialectOf(tx) == models.Postgres {
			if err := exec(tx, `DROP FUNCTION IF EXISTS {{common.bump_content_version}}()`); err != nil {
				return err
			}
		}
		return exec(tx, `DROP TABLE IF EXISTS {{common.content_version}}`)
	},
}

// BumpContentVersionOn adds the change-counter triggers to a table
// ("schema.table"). A later step that creates a table the public pages read
// calls it too (and dropContentVersionTriggers in its rollback, before
// dropping the table).
func BumpContentVersionOn(tx *gorm.DB, table string) error {
	name := triggerName(table)
	if models.DialectOf(tx) == models.Postgres {
		return exec(tx, fmt.Sprintf(`
CREATE CONSTRAINT TRIGGER %s AFTER INSERT OR UPDATE OR DELETE ON {{%s}}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {{common.bump_content_version}}()`, name, table))
	}
	for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
		err := exec(tx, fmt.Sprintf(`
CREATE TRIGGER %s_%s AFTER %s ON {{%s}}
BEGIN UPDATE {{common.content_version}} SET version = version + 1 WHERE id = 1; END`,
			name, strings.ToLower(op), op, table))
		if err != nil {
			return err
		}
	}
	return nil
}

func dropContentVersionTriggers(tx *gorm.DB, table string) error {
	name := triggerName(table)
	if models.DialectOf(tx) == models.Postgres {
		return exec(tx, fmt.Sprintf(`DROP TRIGGER IF EXISTS %s ON {{%s}}`, name, table))
	}
	for _, op := range []string{"insert", "update", "delete"} {
		if err := exec(tx, fmt.Sprintf(`DROP TRIGGER IF EXISTS %s_%s`, name, op)); err != nil {
			return err
		}
	}
	return nil
}

// triggerName is unique per table on both dialects.
func triggerName(table string) string {
	return "content_version_" + strings.ReplaceAll(table, ".", "_")
}
