// Package migrations owns the database schema's history: numbered gormigrate
// steps that create the common, guild_identity and patt tables and seed the
// reference data, on Postgres and SQLite alike.
//
// Steps are frozen: once released, a step's SQL never changes; a schema
// change is a new numbered file appended to steps. DDL is written once, in
// Postgres syntax, and translated for SQLite by render (see ddl.go).
package migrations

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"patt/models"
)

// steps is the schema history, oldest first.
var steps = []*gormigrate.Migration{
	step0001Schemas,
	step0002CommonAccounts,
	step0003IdentityReference,
	step0004IdentityMembers,
	step0005CommonInvitesAndBot,
	step0006PattVoting,
	step0007PattMito,
	step0008PattScheduling,
	step0009ReferenceData,
	step0030VotingBallots,
	step0040ContentVersion,
	step0050PattCalendarTokens,
	step0060CommonJobRuns,
	step0070CommonOfficerActions,
	step0071CommonSessions,
	step0080CommonBot,
	step0090GuildSync,
	step0100AddonUploads,
	step0101CharacterAddonColumns,
	step0110PattRaidSignups,
	step0120GuildSettings,
	step0140AgentDelivery,
	step0141RoleSyncSafeguards,
	step0150BlizzardSettings,
	step0160RaidHelperUnknownDetails,
	step0170CommonInstanceSecrets,
	step0190BallotChangedAt,
	step0200OnboardingFlow,
}

// historyTable records which steps ran (gormigrate's bookkeeping). It sits
// outside the three schemas: on Postgres in the connection's default schema.
const historyTable = "migrations"

// lockKey is the Postgres advisory lock that keeps two app instances from
// migrating at the same moment.
const lockKey = 0x7A77_0001

// ErrNoneApplied is returned by Down when there is nothing to roll back.
var ErrNoneApplied = errors.New("no migration has been applied")

// ErrUnknownSteps is what Down and RollbackTo return (wrapped in
// an *UnknownStepsError naming the steps) when the database has applied
// steps this build does not know: a newer version migrated it. Rolling
// back "the most recent step" would then undo the wrong one.
var ErrUnknownSteps = errors.New("the database has steps this build does not know")

// UnknownStepsError names the applied steps this build does not know.
type UnknownStepsError struct{ IDs []string }

func (e *UnknownStepsError) Error() string {
	return fmt.Sprintf("%s: %s (was it migrated by a newer version? use that version's binary)",
		ErrUnknownSteps, strings.Join(e.IDs, ", "))
}

func (e *UnknownStepsError) Unwrap() error { return ErrUnknownSteps }

// StepStatus says whether one step has run on a database. Unknown marks a
// step the history lists but this build does not have (always Applied).
type StepStatus struct {
	ID      string
	Applied bool
	Unknown bool
}

// IDs lists every step, oldest first.
func IDs() []string {
	ids := make([]string, len(steps))
	for i, s := range steps {
		ids[i] = s.ID
	}
	return ids
}

// Migrate applies every step that has not run yet, all in one transaction:
// either the database reaches the latest schema or it is left untouched.
// Running it again is a no-op.
func Migrate(db *gorm.DB) error {
	return withLock(db, func() error {
		err := migrator(db).Migrate()
		if errors.Is(err, gormigrate.ErrUnknownPastMigration) {
			return fmt.Errorf("migrate: the database has steps this build does not know (was it migrated by a newer version?): %w", err)
		}
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		return nil
	})
}

// Status lists every step and whether it has run, oldest first, with the
// applied steps this build does not know among them, marked Unknown.
func Status(db *gorm.DB) ([]StepStatus, error) {
	ids, err := appliedIDs(db)
	if err != nil {
		return nil, err
	}
	applied := map[string]bool{}
	for _, id := range ids {
		applied[id] = true
	}
	out := make([]StepStatus, 0, len(steps))
	for _, s := range steps {
		out = append(out, StepStatus{ID: s.ID, Applied: applied[s.ID]})
	}
	for _, id := range unknownOf(ids) {
		out = append(out, StepStatus{ID: id, Applied: true, Unknown: true})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// appliedIDs reads the history table (none yet: nothing applied).
func appliedIDs(db *gorm.DB) ([]string, error) {
	if !db.Migrator().HasTable(historyTable) {
		return nil, nil
	}
	var ids []string
	if err := db.Table(historyTable).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("read migration history: %w", err)
	}
	return ids, nil
}

// unknownOf returns the ids this build has no step for, sorted.
func unknownOf(ids []string) []string {
	known := map[string]bool{}
	for _, s := range steps {
		known[s.ID] = true
	}
	var out []string
	for _, id := range ids {
		if !known[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// refuseUnknown returns an *UnknownStepsError when the database has applied
// steps this build does not know.
func refuseUnknown(db *gorm.DB) error {
	ids, err := appliedIDs(db)
	if err != nil {
		return err
	}
	if unknown := unknownOf(ids); len(unknown) > 0 {
		return &UnknownStepsError{IDs: unknown}
	}
	return nil
}

// Down rolls back the most recently applied step, in one transaction. It
// returns ErrNoneApplied when no step has run, and refuses (ErrUnknownSteps)
// when the database has steps this build does not know: the most recent step
// this build knows is then not the most recent step.
func Down(db *gorm.DB) error {
	return withLock(db, func() error {
		ids, err := appliedIDs(db)
		if err != nil {
			return err
		}
		if unknown := unknownOf(ids); len(unknown) > 0 {
			return &UnknownStepsError{IDs: unknown}
		}
		applied := map[string]bool{}
		for _, id := range ids {
			applied[id] = true
		}
		for i := len(steps) - 1; i >= 0; i-- {
			if !applied[steps[i].ID] {
				continue
			}
			if err := migrator(db).RollbackMigration(steps[i]); err != nil {
				return fmt.Errorf("roll back %s: %w", steps[i].ID, err)
			}
			return nil
		}
		return ErrNoneApplied
	})
}

// RollbackTo rolls back every applied step newer than id, newest first,
// leaving id itself applied. Like Down it refuses unknown applied steps.
func RollbackTo(db *gorm.DB, id string) error {
	return withLock(db, func() error {
		if err := refuseUnknown(db); err != nil {
			return err
		}
		if err := migrator(db).RollbackTo(id); err != nil {
			return fmt.Errorf("roll back to %s: %w", id, err)
		}
		return nil
	})
}

// RollbackAll rolls back every applied step, newest first, leaving only the
// (empty) history table.
func RollbackAll(db *gorm.DB) error {
	for {
		err := Down(db)
		if errors.Is(err, ErrNoneApplied) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func migrator(db *gorm.DB) *gormigrate.Gormigrate {
	// gormigrate fills defaults into the options it is given, so each run
	// gets its own copy.
	return gormigrate.New(db, &gormigrate.Options{
		TableName:                 historyTable,
		IDColumnName:              "id",
		IDColumnSize:              255,
		UseTransaction:            true,
		ValidateUnknownMigrations: true,
	}, steps)
}

// withLock runs fn while holding the migration advisory lock on Postgres.
// The lock lives on its own pinned connection and gormigrate's transaction
// uses another, so the pool must allow two connections. SQLite needs
// nothing: its writers already queue (BEGIN IMMEDIATE, busy_timeout).
func withLock(db *gorm.DB, fn func() error) error {
	if models.DialectOf(db) != models.Postgres {
		return fn()
	}
	return db.Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("SELECT pg_advisory_lock(?)", lockKey).Error; err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		defer conn.Exec("SELECT pg_advisory_unlock(?)", lockKey)
		return fn()
	})
}
