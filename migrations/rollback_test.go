package migrations_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/migrations"
	"patt/models"
)

// A newer binary applied a step this build does not know. Down must not roll
// back "the most recent step it knows" (that is not the most recent step),
// RollbackTo must not either, and Status lists the stranger.
func TestDownRefusesStepsThisBuildDoesNotKnow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		const newer = "0999_from_a_newer_build"
		require.NoError(t, db.Exec("INSERT INTO migrations (id) VALUES (?)", newer).Error)
		before, err := migrations.Status(db)
		require.NoError(t, err)

		err = migrations.Down(db)
		require.ErrorIs(t, err, migrations.ErrUnknownSteps)
		require.Contains(t, err.Error(), newer)
		err = migrations.RollbackTo(db, "0009_reference_data")
		require.ErrorIs(t, err, migrations.ErrUnknownSteps)
		after, err := migrations.Status(db)
		require.NoError(t, err)
		require.Equal(t, before, after, "nothing was rolled back")

		ids := migrations.IDs()
		require.Len(t, after, len(ids)+1)
		last := after[len(after)-1]
		require.Equal(t, migrations.StepStatus{ID: newer, Applied: true, Unknown: true}, last)
		for i, s := range after[:len(ids)] {
			require.Equal(t, migrations.StepStatus{ID: ids[i], Applied: true}, s)
		}

		// Once the newer binary has rolled its step back, down works again.
		require.NoError(t, db.Exec("DELETE FROM migrations WHERE id = ?", newer).Error)
		require.NoError(t, migrations.Down(db))
	})
}

// Rolling back the reference data while players still hold a rank fails
// with a sentence, not the step's SQL template.
func TestRollingBackReferenceDataInUseSaysWhy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		var rank models.GuildRank
		require.NoError(t, db.Where("name = ?", "Member").First(&rank).Error)
		require.NoError(t, db.Create(&models.Player{DisplayName: "Holder", GuildRankID: &rank.ID, IsActive: true}).Error)

		err := migrations.RollbackTo(db, "0008_patt_scheduling")
		require.Error(t, err)
		msg := err.Error()
		require.NotContains(t, msg, "{{", "no raw template text")
		require.NotContains(t, msg, "DELETE FROM")
		require.Contains(t, msg, "0009_reference_data")
		require.Contains(t, msg, "seeded guild ranks")
		require.Contains(t, msg, "still refer to them")
	})
}

// What a campaign's close computed (turnout snapshot, IRV rounds), the
// agent's memory and its queued messages survive a down/up of step 0030.
func TestDownUpKeepsCampaignTallies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		closed := time.Date(2026, 3, 4, 21, 0, 0, 0, time.UTC)
		camp := models.Campaign{Title: "Mount vote", MinRankToVote: 1, StartAt: closed.Add(-48 * time.Hour), DurationHours: 48, Status: "closed"}
		require.NoError(t, db.Create(&camp).Error)
		gone := models.Campaign{Title: "Deleted later", MinRankToVote: 1, StartAt: closed, DurationHours: 1}
		require.NoError(t, db.Create(&gone).Error)
		rounds := `[{"round":1}]`
		tally := models.CampaignTally{CampaignID: camp.ID, TotalEligible: 40, TotalVoted: 31, TotalBallots: 31, Rounds: &rounds, ClosedAt: closed}
		require.NoError(t, db.Create(&tally).Error)
		require.NoError(t, db.Create(&models.CampaignTally{CampaignID: gone.ID, TotalEligible: 1, ClosedAt: closed}).Error)
		leader := 7
		state := models.ContestAgentState{CampaignID: camp.ID, LeaderEntryID: &leader, ChallengerPasses: 2, LastVoted: 31, LastEligible: 40}
		require.NoError(t, db.Create(&state).Error)
		title := "Results are in"
		queued := closed.Add(time.Minute)
		msg := models.ContestAgentLog{CampaignID: &camp.ID, EventType: "results", Message: "m", Status: "pending", QueuedAt: &queued, EmbedTitle: &title, LeaderEntryID: &leader, AnnouncesResults: true}
		require.NoError(t, db.Create(&msg).Error)

		require.NoError(t, migrations.RollbackTo(db, "0009_reference_data"))
		require.False(t, db.Migrator().HasTable(&models.CampaignTally{}))
		// A campaign deleted while the step was rolled back takes its kept
		// tally with it.
		require.NoError(t, db.Exec("DELETE FROM "+models.Table(db, &models.Campaign{})+" WHERE id = ?", gone.ID).Error)
		require.NoError(t, migrations.Migrate(db))

		var tallies []models.CampaignTally
		require.NoError(t, db.Find(&tallies).Error)
		require.Len(t, tallies, 1)
		got := tallies[0]
		require.Equal(t, tally.CampaignID, got.CampaignID)
		require.Equal(t, 40, got.TotalEligible)
		require.Equal(t, 31, got.TotalVoted)
		require.Equal(t, 31, got.TotalBallots)
		require.Equal(t, rounds, *got.Rounds)
		require.True(t, closed.Equal(got.ClosedAt), "closed_at %v", got.ClosedAt)

		var gotState models.ContestAgentState
		require.NoError(t, db.First(&gotState, "campaign_id = ?", camp.ID).Error)
		require.Equal(t, leader, *gotState.LeaderEntryID)
		require.Equal(t, 2, gotState.ChallengerPasses)
		require.Equal(t, 31, gotState.LastVoted)

		var gotMsg models.ContestAgentLog
		require.NoError(t, db.First(&gotMsg, msg.ID).Error)
		require.Equal(t, "pending", gotMsg.Status, "a queued message stays queued")
		require.Equal(t, title, gotMsg.Title())
		require.True(t, gotMsg.AnnouncesResults)
		require.True(t, queued.Equal(*gotMsg.QueuedAt))

		requireNoKeptTables(t, db)
		// All the way down leaves no kept copy behind either (on Postgres
		// one would keep 0001 from dropping the schema).
		require.NoError(t, migrations.RollbackTo(db, "0009_reference_data"))
		require.NoError(t, db.Exec("DELETE FROM "+models.Table(db, &models.ContestAgentLog{})).Error)
		require.NoError(t, db.Exec("DELETE FROM "+models.Table(db, &models.Campaign{})).Error)
		require.NoError(t, migrations.RollbackAll(db))
		requireNoKeptTables(t, db)
	})
}

func requireNoKeptTables(t *testing.T, db *gorm.DB) {
	t.Helper()
	namer := models.NamerOf(db)
	for _, name := range []string{"campaign_tallies_kept", "contest_agent_state_kept", "contest_agent_log_kept"} {
		require.False(t, db.Migrator().HasTable(namer.QualifiedName("patt", name)), "kept copy %s left behind", name)
	}
}
