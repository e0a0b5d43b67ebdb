package sync_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/fault"
	"patt/models"
	guildsync "patt/sync"
)

func str(s string) *string { return &s }

func discordUser(t *testing.T, db *gorm.DB, snowflake, user, display, role string) models.DiscordUser {
	t.Helper()
	du := models.DiscordUser{DiscordID: snowflake, Username: user, IsPresent: true}
	if display != "" {
		du.DisplayName = &display
	}
	if role != "" {
		du.HighestGuildRole = &role
	}
	require.NoError(t, db.Create(&du).Error)
	return du
}

func char(t *testing.T, db *gorm.DB, name, note string) models.Character {
	t.Helper()
	c := models.Character{Name: name, RealmSlug: "senjin"}
	if note != "" {
		c.AddonNote = &note
	}
	require.NoError(t, db.Create(&c).Error)
	return c
}

func ownerOf(t *testing.T, db *gorm.DB, charID int) (models.PlayerCharacter, bool) {
	var pc models.PlayerCharacter
	err := db.Where("character_id = ?", charID).Take(&pc).Error
	return pc, err == nil
}

func TestIdentityEngineLinksSuggestsAndNeverUndoesManualLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		trog := discordUser(t, db, "1001", "trog", "Trog / Mike", "Officer")
		rocket := discordUser(t, db, "1002", "rocketman99", "", "Member")
		discordUser(t, db, "1003", "ghost", "", "") // no guild role: never a candidate
		trogmoon := char(t, db, "Trogmoon", "Trog's main")
		trogalt := char(t, db, "Trogalt", "alt of Trogmoon")
		rockdh := char(t, db, "Rockdh", "Rocket's DH")
		ghost := char(t, db, "Ghost", "")
		// An officer linked Mike's character to someone else on purpose.
		mike := char(t, db, "Mike", "")
		other := models.Player{DisplayName: "Not Mike", IsActive: true}
		require.NoError(t, db.Create(&other).Error)
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: other.ID, CharacterID: mike.ID}).Error)

		dry, err := guildsync.MatchIdentities(context.Background(), db, now, true)
		require.NoError(t, err)
		require.Len(t, dry.Links, 2)
		var n int64
		require.NoError(t, db.Model(&models.PlayerCharacter{}).Count(&n).Error)
		require.Equal(t, int64(1), n, "a dry run writes nothing")
		raw, err := json.Marshal(dry)
		require.NoError(t, err)
		var shape struct {
			Links, Suggestions []map[string]any
		}
		require.NoError(t, json.Unmarshal(raw, &shape))
		require.NotNil(t, shape.Suggestions)
		first := shape.Links[0]
		for _, k := range []string{"character_id", "character_name", "realm_slug", "discord_id", "player_id", "confidence", "source"} {
			require.Contains(t, first, k)
		}
		require.Equal(t, "1001", first["discord_id"])
		require.Nil(t, first["player_id"], "the player does not exist yet")

		res, err := guildsync.MatchIdentities(context.Background(), db, now, false)
		require.NoError(t, err)
		require.Equal(t, 1, res.PlayersCreated)
		require.Equal(t, 2, res.CharsLinked)
		a, ok := ownerOf(t, db, trogmoon.ID)
		require.True(t, ok)
		b, ok := ownerOf(t, db, trogalt.ID)
		require.True(t, ok)
		require.Equal(t, a.PlayerID, b.PlayerID)
		require.Equal(t, guildsync.LinkEngine, *a.LinkSource)
		require.GreaterOrEqual(t, *a.Confidence, 0.9)
		var p models.Player
		require.NoError(t, db.Preload("Rank").Take(&p, a.PlayerID).Error)
		require.Equal(t, trog.ID, *p.DiscordUserID)
		require.Equal(t, "Trog / Mike", p.DisplayName)
		_, ok = ownerOf(t, db, ghost.ID)
		require.False(t, ok)
		pc, _ := ownerOf(t, db, mike.ID)
		require.Equal(t, other.ID, pc.PlayerID, "an officer's link is never moved")

		// Rockdh is only a suggestion, filed once as an audit issue.
		_, ok = ownerOf(t, db, rockdh.ID)
		require.False(t, ok)
		var sugg []models.AuditIssue
		require.NoError(t, db.Where("issue_type = ? AND resolved_at IS NULL", guildsync.IssueSuggestion).Find(&sugg).Error)
		require.Len(t, sugg, 1)
		require.Contains(t, sugg[0].Summary, "Rockdh ↔ rocketman99")
		_, err = guildsync.MatchIdentities(context.Background(), db, now, false)
		require.NoError(t, err)
		require.NoError(t, db.Model(&models.AuditIssue{}).Where("issue_type = ?", guildsync.IssueSuggestion).Count(&n).Error)
		require.Equal(t, int64(1), n, "a second run files no duplicate")

		// Rejected: gone for good. Accepting is the officer's link.
		require.NoError(t, guildsync.RejectSuggestion(context.Background(), db, sugg[0].ID, "Officer4", now))
		_, err = guildsync.MatchIdentities(context.Background(), db, now, false)
		require.NoError(t, err)
		require.NoError(t, db.Model(&models.AuditIssue{}).Where("issue_type = ? AND resolved_at IS NULL", guildsync.IssueSuggestion).Count(&n).Error)
		require.Zero(t, n, "a rejected suggestion is not filed again")
		require.Equal(t, fault.KindConflict, fault.KindOf(guildsync.RejectSuggestion(context.Background(), db, sugg[0].ID, "x", now)))

		rock2 := char(t, db, "Rocketalt", "Rocket alt")
		_ = rock2
		_, err = guildsync.MatchIdentities(context.Background(), db, now, false)
		require.NoError(t, err)
		var open models.AuditIssue
		require.NoError(t, db.Where("issue_type = ? AND resolved_at IS NULL", guildsync.IssueSuggestion).Take(&open).Error)
		require.NoError(t, guildsync.AcceptSuggestion(context.Background(), db, open.ID, "Officer4", now))
		pc, ok = ownerOf(t, db, rock2.ID)
		require.True(t, ok)
		require.Equal(t, guildsync.LinkOfficer, *pc.LinkSource)
		var rp models.Player
		require.NoError(t, db.Take(&rp, pc.PlayerID).Error)
		require.Equal(t, rocket.ID, *rp.DiscordUserID)
	})
}

// The notes of a character an officer already linked count: "Tank - Leah"
// on Leah's linked main places the alt whose officer note says "Leah -
// alt", though no Discord name says Leah.
func TestIdentityEngineUsesTheNotesOfLinkedCharacters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		du := discordUser(t, db, "2001", "orshade", "Orshade", "Member")
		main := char(t, db, "Orshade", "Tank - Leah")
		alt := char(t, db, "Orshahunt", "")
		require.NoError(t, db.Model(&alt).Update("addon_officer_note", "Leah - alt").Error)
		p := models.Player{DisplayName: "Orshade", IsActive: true, DiscordUserID: &du.ID}
		require.NoError(t, db.Create(&p).Error)
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: main.ID}).Error)

		res, err := guildsync.MatchIdentities(context.Background(), db, now, false)
		require.NoError(t, err)
		require.Equal(t, 1, res.CharsLinked, "%+v", res)
		pc, ok := ownerOf(t, db, alt.ID)
		require.True(t, ok)
		require.Equal(t, p.ID, pc.PlayerID)
		require.Equal(t, "shared_key", res.Links[0].Source)
	})
}
