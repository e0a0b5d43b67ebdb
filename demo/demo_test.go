package demo_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/demo"
	"patt/identity"
	"patt/models"
)

var fixedNow = func() time.Time { return time.Date(2026, 3, 10, 18, 0, 0, 0, time.UTC) }

func TestDemoBuildsABelievableGuild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		res, err := demo.Seed(db, demo.Options{Now: fixedNow})
		require.NoError(t, err)
		require.InDelta(t, 45, res.Players, 3)
		require.InDelta(t, 300, res.Characters, 40)
		require.GreaterOrEqual(t, res.Quotes, 10)
		require.GreaterOrEqual(t, res.Titles, 5)
		require.GreaterOrEqual(t, res.RaidNights, 2)

		var classes, specs int64
		require.NoError(t, db.Model(&models.Character{}).Distinct("class_id").Count(&classes).Error)
		require.NoError(t, db.Model(&models.Character{}).Distinct("active_spec_id").Count(&specs).Error)
		require.EqualValues(t, 13, classes, "every class")
		require.EqualValues(t, 39, specs, "every spec")

		var lo, hi int
		require.NoError(t, db.Model(&models.Character{}).Where("level = 80").Select("MIN(item_level)").Scan(&lo).Error)
		require.NoError(t, db.Model(&models.Character{}).Select("MAX(item_level)").Scan(&hi).Error)
		require.GreaterOrEqual(t, lo, 600)
		require.LessOrEqual(t, hi, 680)

		var linked, withMainSpec, removed int64
		db.Model(&models.Player{}).Where("discord_user_id IS NOT NULL").Count(&linked)
		db.Model(&models.Player{}).Where("main_spec_id IS NOT NULL").Count(&withMainSpec)
		db.Model(&models.Character{}).Where("removed_at IS NOT NULL").Count(&removed)
		require.Greater(t, linked, int64(3))
		require.Greater(t, withMainSpec, int64(25))

		roster, err := identity.Roster(db)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(roster), 35)
		comp := identity.CompositionOf(roster)
		require.Equal(t, identity.StatusOK, comp.Roles[0].Status, "two tanks")
		require.Equal(t, identity.StatusWarn, comp.Roles[1].Status, "a healer short")
		require.Len(t, comp.Classes, 13)

		officers, err := identity.Officers(db)
		require.NoError(t, err)
		require.Len(t, officers, 5)
		require.Equal(t, "Trog", officers[0].DisplayName)
		require.NotEmpty(t, officers[0].MainName)

		var seasons int64
		db.Model(&models.RaidSeason{}).Where("is_active = ?", true).Count(&seasons)
		require.EqualValues(t, 1, seasons)
	})
}

func TestDemoIsDeterministic(t *testing.T) {
	names := func(db *gorm.DB) []string {
		var out []string
		require.NoError(t, db.Model(&models.Character{}).Order("id").Pluck("character_name", &out).Error)
		return out
	}
	a, _ := dbtest.Migrated(t, models.SQLite)
	b, _ := dbtest.Migrated(t, models.SQLite)
	_, err := demo.Seed(a, demo.Options{Now: fixedNow, Seed: 7})
	require.NoError(t, err)
	_, err = demo.Seed(b, demo.Options{Now: fixedNow, Seed: 7})
	require.NoError(t, err)
	require.Equal(t, names(a), names(b))
}

func TestDemoRefusesAPopulatedDatabase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		require.NoError(t, db.Create(&models.Player{DisplayName: "Real Member", IsActive: true}).Error)
		_, err := demo.Seed(db, demo.Options{Now: fixedNow})
		require.ErrorIs(t, err, demo.ErrNotEmpty)
		var n int64
		db.Model(&models.Player{}).Count(&n)
		require.EqualValues(t, 1, n, "nothing added")

		res, err := demo.Seed(db, demo.Options{Now: fixedNow, Force: true})
		require.NoError(t, err, "--force adds it anyway")
		require.Greater(t, res.Players, 40)
		_, err = demo.Seed(db, demo.Options{Now: fixedNow, Force: true, Seed: 2})
		require.NoError(t, err, "a second forced run avoids name clashes")
	})
}

func TestExtraStepsRunAfterTheGuild(t *testing.T) {
	var sawPlayers int
	hook := demo.Step{Name: "test hook", Run: func(tx *gorm.DB, g *demo.Guild, _ *rand.Rand) error {
		sawPlayers = len(g.Players)
		return nil
	}}
	db, _ := dbtest.Migrated(t, models.SQLite)
	res, err := demo.Seed(db, demo.Options{Now: fixedNow, Extra: []demo.Step{hook}})
	require.NoError(t, err)
	require.Equal(t, res.Players, sawPlayers)
	require.Equal(t, "test hook", res.Steps[len(res.Steps)-1])
}
