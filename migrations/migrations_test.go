package migrations_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/migrations"
	"patt/models"
)

// seedSchema is the schema of seeds/000 ("Database Schema"), table by table,
// plus the columns the specs add: guild_ranks.wow_rank_index,
// users.token_version, the discord_config feature flags and Raid-Helper
// columns, wow_characters.realm_name, recurring_events, and raid_events'
// recurring_event_id, auto_booked and raid_helper_payload; and the platform's own
// tables (common.job_runs, common.officer_actions, common.sessions, patt.ballots,
// patt.campaign_tallies, patt.contest_agent_state, patt.calendar_tokens).
var seedSchema = []struct {
	table   string
	model   any
	columns []string
}{
	{"common.guild_ranks", &models.GuildRank{}, []string{"id", "name", "level", "discord_role_id", "description", "scheduling_weight", "wow_rank_index", "created_at", "updated_at"}},
	{"common.users", &models.User{}, []string{"id", "email", "phone", "password_hash", "is_active", "token_version", "created_at", "updated_at"}},
	{"common.discord_config", &models.DiscordConfig{}, []string{"id", "guild_discord_id", "role_sync_interval_hours", "default_announcement_channel_id", "last_role_sync_at", "bot_dm_enabled", "feature_invite_dm", "feature_onboarding_dm", "raid_helper_api_key", "raid_helper_server_id", "raid_creator_discord_id", "raid_channel_id", "raid_voice_channel_id", "raid_default_template_id", "created_at", "updated_at"}},
	{"common.invite_codes", &models.InviteCode{}, []string{"id", "code", "player_id", "created_by_player_id", "used_at", "expires_at", "generated_by", "onboarding_session_id", "created_at"}},
	{"guild_identity.roles", &models.Role{}, []string{"id", "name", "display_name"}},
	{"guild_identity.classes", &models.Class{}, []string{"id", "name", "color_hex"}},
	{"guild_identity.specializations", &models.Specialization{}, []string{"id", "name", "class_id", "default_role_id"}},
	{"guild_identity.discord_users", &models.DiscordUser{}, []string{"id", "discord_id", "username", "display_name", "highest_guild_role", "all_guild_roles", "joined_server_at", "last_sync", "is_present", "removed_at", "first_seen"}},
	{"guild_identity.wow_characters", &models.Character{}, []string{"id", "character_name", "realm_slug", "realm_name", "blizzard_id", "class_id", "active_spec_id", "level", "item_level", "guild_rank_id", "achievement_points", "last_login_at", "profile_json", "addon_note", "addon_officer_note", "addon_last_sync", "addon_guid", "addon_last_online_at", "first_seen", "last_api_sync", "removed_at"}},
	{"guild_identity.players", &models.Player{}, []string{"id", "display_name", "discord_user_id", "website_user_id", "guild_rank_id", "guild_rank_source", "main_character_id", "main_spec_id", "offspec_character_id", "offspec_spec_id", "is_active", "notes", "timezone", "auto_invite_events", "created_at", "updated_at"}},
	{"guild_identity.player_characters", &models.PlayerCharacter{}, []string{"id", "player_id", "character_id", "created_at"}},
	{"guild_identity.audit_issues", &models.AuditIssue{}, []string{"id", "issue_type", "severity", "wow_character_id", "discord_member_id", "summary", "details", "issue_hash", "created_at", "resolved_at", "resolved_by", "notified_at"}},
	{"guild_identity.sync_log", &models.SyncLog{}, []string{"id", "source", "status", "characters_found", "characters_updated", "characters_new", "characters_removed", "error_message", "duration_seconds", "started_at", "completed_at"}},
	{"guild_identity.onboarding_sessions", &models.OnboardingSession{}, []string{"id", "discord_member_id", "discord_id", "state", "reported_main_name", "reported_main_realm", "reported_alt_names", "is_in_guild", "verification_attempts", "last_verification_at", "verified_at", "verified_player_id", "website_invite_sent", "website_invite_code", "roster_entries_created", "discord_role_assigned", "dm_sent_at", "dm_completed_at", "deadline_at", "escalated_at", "completed_at", "created_at", "updated_at"}},
	{"patt.campaigns", &models.Campaign{}, []string{"id", "title", "description", "type", "picks_per_voter", "min_rank_to_vote", "min_rank_to_view", "start_at", "duration_hours", "status", "early_close_if_all_voted", "discord_channel_id", "agent_enabled", "agent_chattiness", "created_by_player_id", "created_at", "updated_at"}},
	{"patt.campaign_entries", &models.CampaignEntry{}, []string{"id", "campaign_id", "name", "description", "image_url", "sort_order", "player_id", "created_at"}},
	{"patt.votes", &models.Vote{}, []string{"id", "campaign_id", "player_id", "entry_id", "rank", "voted_at"}},
	{"patt.campaign_results", &models.CampaignResult{}, []string{"id", "campaign_id", "entry_id", "first_place_count", "second_place_count", "third_place_count", "weighted_score", "final_rank", "calculated_at"}},
	{"patt.contest_agent_log", &models.ContestAgentLog{}, []string{"id", "campaign_id", "event_type", "message", "discord_message_id", "posted_at", "status", "queued_at", "embed_title", "channel_id", "leader_entry_id", "announces_results"}},
	{"patt.ballots", &models.Ballot{}, []string{"id", "campaign_id", "player_id", "submitted_at"}},
	{"patt.campaign_tallies", &models.CampaignTally{}, []string{"campaign_id", "total_eligible", "total_voted", "total_ballots", "rounds", "closed_at"}},
	{"patt.contest_agent_state", &models.ContestAgentState{}, []string{"campaign_id", "leader_entry_id", "challenger_entry_id", "challenger_passes", "last_voted", "last_eligible", "last_tick"}},
	{"patt.calendar_tokens", &models.CalendarToken{}, []string{"player_id", "token", "created_at"}},
	{"patt.mito_quotes", &models.MitoQuote{}, []string{"id", "quote", "created_at"}},
	{"patt.mito_titles", &models.MitoTitle{}, []string{"id", "title", "created_at"}},
	{"patt.player_availability", &models.AvailabilityWindow{}, []string{"id", "player_id", "day_of_week", "earliest_start", "available_hours", "updated_at"}},
	{"patt.raid_seasons", &models.RaidSeason{}, []string{"id", "name", "start_date", "is_active", "created_at"}},
	{"patt.raid_events", &models.RaidEvent{}, []string{"id", "season_id", "title", "event_date", "start_time_utc", "end_time_utc", "raid_helper_event_id", "discord_channel_id", "log_url", "notes", "created_by_player_id", "created_at", "recurring_event_id", "auto_booked", "raid_helper_payload", "origin", "status", "rh_state", "rh_state_at", "signups_imported_at"}},
	{"patt.raid_attendance", &models.RaidAttendance{}, []string{"id", "event_id", "player_id", "signed_up", "attended", "character_id", "noted_absence", "source", "created_at"}},
	{"common.guild_settings", &models.GuildSettings{}, []string{"id", "count_unverified_characters", "updated_at"}},
	{"guild_identity.blizzard_settings", &models.BlizzardSettings{}, []string{"id", "client_id", "secret_sealed", "secret_hint", "region", "realm_name", "realm_slug", "guild_name", "guild_slug", "updated_at", "updated_by"}},
	{"common.job_runs", &models.JobRun{}, []string{"id", "job", "trigger", "status", "instance", "summary", "error", "started_at", "finished_at", "duration_ms"}},
	{"patt.raid_signups", &models.RaidSignup{}, []string{"id", "event_id", "player_id", "status", "character_id", "role", "note", "source", "rh_signup_id", "changed_at", "pushed_at", "created_at"}},
	{"patt.raid_bookings", &models.RaidBooking{}, []string{"id", "event_id", "action", "trigger", "status", "rh_event_id", "error", "officer_player_id", "started_at", "finished_at"}},
	{"patt.raid_helper_unknown_signups", &models.RaidHelperUnknownSignup{}, []string{"id", "event_id", "discord_id", "name", "status", "seen_at"}},
	{"guild_identity.addon_uploaders", &models.AddonUploader{}, []string{"id", "name", "key_prefix", "key_hash", "created_by_player_id", "created_at", "last_used_at", "revoked_at"}},
	{"guild_identity.addon_uploads", &models.AddonUpload{}, []string{"id", "uploader_id", "uploader_name", "status", "schema_version", "addon_version", "export_time", "exporter_name", "exporter_realm", "guild_name", "member_count", "content_hash", "summary", "raw", "sync_log_id", "received_at"}},
	{"common.sessions", &models.Session{}, []string{"id", "user_id", "user_agent", "ip", "created_at", "last_seen_at", "expires_at", "revoked_at"}},
	{"common.officer_actions", &models.OfficerAction{}, []string{"id", "actor_player_id", "action", "target_type", "target_id", "target_name", "before_json", "after_json", "created_at"}},
	{"patt.recurring_events", &models.RecurringEvent{}, []string{"id", "label", "event_type", "day_of_week", "default_start_time", "default_duration_minutes", "discord_channel_id", "raid_helper_template_id", "is_active", "display_on_public", "created_at", "updated_at"}},
	{"common.dm_outbox", &models.DMOutbox{}, []string{"id", "recipient_discord_id", "kind", "payload", "status", "attempts", "last_error", "next_attempt_at", "released_by_player_id", "created_at", "updated_at", "sent_at"}},
	{"common.bot_status", &models.BotStatus{}, []string{"id", "instance", "connected", "state", "last_ready_at", "guild_name", "member_count", "latency_ms", "last_error", "last_member_sync_at", "last_member_sync", "last_role_sync_at", "last_role_sync", "updated_at"}},
}

func TestEveryModelIsInTheSeedList(t *testing.T) {
	require.Len(t, models.All(), len(seedSchema), "models.All and the seed schema list differ in length")
}

func TestMigrateCreatesTheSeedSchema(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, db *gorm.DB, _ string) {
		require.NoError(t, migrations.Migrate(db))
		namer := models.NamerOf(db)
		m := db.Migrator()
		for _, want := range seedSchema {
			schemaName, tableName, _ := strings.Cut(want.table, ".")
			require.Equal(t, namer.QualifiedName(schemaName, tableName), models.Table(db, want.model), "table name of %T", want.model)
			require.True(t, m.HasTable(want.model), "table %s", want.table)
			for _, col := range want.columns {
				require.True(t, m.HasColumn(want.model, col), "column %s.%s", want.table, col)
			}
		}
	})
}

func TestStatusOfEmptyAndMigratedDatabase(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, db *gorm.DB, _ string) {
		status, err := migrations.Status(db)
		require.NoError(t, err)
		require.Len(t, status, len(migrations.IDs()))
		for _, s := range status {
			require.False(t, s.Applied, s.ID)
		}
		require.ErrorIs(t, migrations.Down(db), migrations.ErrNoneApplied)

		require.NoError(t, migrations.Migrate(db))
		status, err = migrations.Status(db)
		require.NoError(t, err)
		for i, s := range status {
			require.True(t, s.Applied, s.ID)
			require.Equal(t, migrations.IDs()[i], s.ID)
		}
	})
}

func TestIDsAreNumberedInOrder(t *testing.T) {
	ids := migrations.IDs()
	require.NotEmpty(t, ids)
	require.True(t, sort.StringsAreSorted(ids), "steps run in ID order: %v", ids)
	// Areas own number ranges (0020s identity, 0030s voting, …), so numbers
	// may jump, but they never repeat and never go back.
	last := 0
	for _, id := range ids {
		require.Regexp(t, `^\d{4}_[a-z0-9_]+$`, id)
		n, err := strconv.Atoi(id[:4])
		require.NoError(t, err)
		require.Greater(t, n, last, "step %s out of sequence", id)
		last = n
	}
}

func TestMigrateTwiceIsANoop(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		before, err := migrations.Status(db)
		require.NoError(t, err)
		counts := rowCounts(t, db)

		require.NoError(t, migrations.Migrate(db))

		after, err := migrations.Status(db)
		require.NoError(t, err)
		require.Equal(t, before, after)
		require.Equal(t, counts, rowCounts(t, db))
	})
}

func TestDownAllTheWayAndUpAgain(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, db *gorm.DB, _ string) {
		require.NoError(t, migrations.Migrate(db))
		ids := migrations.IDs()

		// One step at a time, newest first: only the newest applied step goes.
		for i := len(ids) - 1; i >= 0; i-- {
			require.NoError(t, migrations.Down(db), "down from %s", ids[i])
			status, err := migrations.Status(db)
			require.NoError(t, err)
			for j, s := range status {
				require.Equal(t, j < i, s.Applied, "after rolling back %s: %s", ids[i], s.ID)
			}
		}
		require.ErrorIs(t, migrations.Down(db), migrations.ErrNoneApplied)
		for _, want := range seedSchema {
			require.False(t, db.Migrator().HasTable(want.model), "%s left behind", want.table)
		}

		require.NoError(t, migrations.Migrate(db))
		requireReferenceCounts(t, db)

		require.NoError(t, migrations.RollbackAll(db))
		require.NoError(t, migrations.Migrate(db))
		requireReferenceCounts(t, db)
	})
}

func TestReferenceData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		requireReferenceCounts(t, db)

		var gl models.GuildRank
		require.NoError(t, db.Where("name = ?", "Guild Leader").First(&gl).Error)
		require.Equal(t, 5, gl.Level)
		require.Equal(t, 5, gl.SchedulingWeight)
		require.NotNil(t, gl.WowRankIndex)
		require.Equal(t, 0, *gl.WowRankIndex)
		require.Equal(t, "Guild master", *gl.Description)
		require.Nil(t, gl.DiscordRoleID)

		var ranks []models.GuildRank
		require.NoError(t, db.Order("level").Find(&ranks).Error)
		for i, want := range models.SeedRanks {
			require.Equal(t, want.Name, ranks[i].Name)
			require.Equal(t, want.Level, ranks[i].Level)
			require.Equal(t, want.SchedulingWeight, ranks[i].SchedulingWeight)
			require.Equal(t, want.WowRankIndex, *ranks[i].WowRankIndex)
		}

		var roles []models.Role
		require.NoError(t, db.Order("id").Find(&roles).Error)
		require.Equal(t, []string{"Tank", "Healer", "Melee DPS", "Ranged DPS"}, names(roles, func(r models.Role) string { return r.Name }))
		require.Equal(t, "Melee DPS", roles[2].DisplayName)

		var classes []models.Class
		require.NoError(t, db.Order("id").Find(&classes).Error)
		require.Equal(t, "Death Knight", classes[0].Name)
		require.Equal(t, "Warrior", classes[12].Name)
		require.Equal(t, "#C69B6D", *classes[12].ColorHex)
		for _, c := range classes {
			require.Regexp(t, `^#[0-9A-F]{6}$`, *c.ColorHex, c.Name)
		}

		var balance models.Specialization
		require.NoError(t, db.Preload("Class").Preload("DefaultRole").Where("name = ?", "Balance").First(&balance).Error)
		require.Equal(t, "Druid", balance.Class.Name)
		require.Equal(t, "Ranged DPS", balance.DefaultRole.Name)

		// Every spec in the seed order, with its class and role.
		var specs []models.Specialization
		require.NoError(t, db.Preload("Class").Preload("DefaultRole").Order("id").Find(&specs).Error)
		require.Len(t, specs, len(models.SeedSpecializations))
		for i, want := range models.SeedSpecializations {
			require.Equal(t, want.Name, specs[i].Name)
			require.Equal(t, want.Class, specs[i].Class.Name)
			require.Equal(t, want.DefaultRole, specs[i].DefaultRole.Name)
		}
	})
}

// An imported database that already holds ranks keeps the officers' edits;
// the seed only fills what is missing.
func TestReferenceDataKeepsOfficerEdits(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, db *gorm.DB, _ string) {
		require.NoError(t, migrations.Migrate(db))
		require.NoError(t, migrations.RollbackTo(db, "0008_patt_scheduling")) // remove the reference rows only
		var count int64
		require.NoError(t, db.Model(&models.GuildRank{}).Count(&count).Error)
		require.Zero(t, count)

		edited := models.GuildRank{Name: "Officer", Level: 4, SchedulingWeight: 9}
		require.NoError(t, db.Create(&edited).Error)
		require.NoError(t, db.Create(&models.Role{Name: "Tank", DisplayName: "Meat Shield"}).Error)

		require.NoError(t, migrations.Migrate(db))
		requireReferenceCounts(t, db)
		var officer models.GuildRank
		require.NoError(t, db.First(&officer, edited.ID).Error)
		require.Equal(t, 9, officer.SchedulingWeight)
		require.Equal(t, 1, *officer.WowRankIndex)
		require.Equal(t, "Guild leadership team", *officer.Description)
		var tank models.Role
		require.NoError(t, db.Where("name = ?", "Tank").First(&tank).Error)
		require.Equal(t, "Meat Shield", tank.DisplayName)
	})
}

func requireReferenceCounts(t *testing.T, db *gorm.DB) {
	t.Helper()
	for model, want := range map[any]int64{
		&models.GuildRank{}:      5,
		&models.Role{}:           4,
		&models.Class{}:          13,
		&models.Specialization{}: 39,
	} {
		var n int64
		require.NoError(t, db.Model(model).Count(&n).Error)
		require.Equal(t, want, n, "%T rows", model)
	}
}

func rowCounts(t *testing.T, db *gorm.DB) map[string]int64 {
	t.Helper()
	counts := map[string]int64{}
	for _, s := range seedSchema {
		var n int64
		require.NoError(t, db.Model(s.model).Count(&n).Error)
		counts[s.table] = n
	}
	return counts
}

func names[T any](rows []T, name func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = name(r)
	}
	return out
}

// A step that fails leaves the database as it was: all pending steps run in
// one transaction, and DDL is transactional on both dialects.
func TestFailedMigrationLeavesNothingBehind(t *testing.T) {
	dbtest.EachEmpty(t, func(t *testing.T, db *gorm.DB, _ string) {
		// A stray table where 0004 wants to create one makes 0004 fail.
		if models.DialectOf(db) == models.Postgres {
			require.NoError(t, db.Exec("CREATE SCHEMA guild_identity").Error)
		}
		stray := models.Table(db, &models.DiscordUser{})
		require.NoError(t, db.Exec("CREATE TABLE "+stray+" (id INTEGER)").Error)

		require.Error(t, migrations.Migrate(db))

		status, err := migrations.Status(db)
		require.NoError(t, err)
		for _, s := range status {
			require.False(t, s.Applied, s.ID)
		}
		require.False(t, db.Migrator().HasTable(&models.GuildRank{}), "0002 was rolled back with the failed run")
	})
}
