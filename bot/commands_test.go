package bot_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/bot"
	"patt/bot/fakediscord"
	"patt/dbtest"
	"patt/models"
	"patt/onboarding"
)

const roleHelper = "900000000000000777" // may manage roles, but no officer rank

func runCommand(t *testing.T, w *onbWorld, user, channel, name string, opts map[string]string) *fakediscord.Response {
	t.Helper()
	in, err := fake.Command(user, channel, name, opts)
	require.NoError(t, err)
	r := w.answered(t, in)
	if r.Type == 4 {
		assert.Equal(t, float64(64), r.Data["flags"], "officers' answers are ephemeral")
	}
	return r
}

func TestOfficerSlashCommands(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newOnbWorld(t, db)
		perm := strconv.FormatInt(bot.OfficerPermissions, 10)
		fake.SetRolePermissions(roleOfficer, perm)
		fake.AddRole(roleHelper, "Helper", 3)
		fake.SetRolePermissions(roleHelper, perm)
		officer, helper, pleb := "900000000000004001", "900000000000004002", "900000000000004003"
		fake.AddMember(member(officer, "boss"), "Boss", roleOfficer)
		fake.AddMember(member(helper, "helper"), "Helper", roleHelper)
		fake.AddMember(member(pleb, "pleb"), "Pleb", roleMember)

		// Registered for the guild on READY, officers only, never in DMs;
		// a reconnect overwrites with the same list.
		require.Eventually(t, func() bool { return len(fake.Commands()) == 4 }, 5*time.Second, 10*time.Millisecond)
		fake.ForgetSessions()
		fake.DropConnections()
		require.Eventually(t, func() bool { return len(fake.CallsTo("PUT /applications/")) == 2 }, 10*time.Second, 20*time.Millisecond)
		require.Eventually(t, w.b.Connected, 5*time.Second, 10*time.Millisecond)
		var names []string
		for _, c := range fake.Commands() {
			names = append(names, c.Name)
			require.NotNil(t, c.DefaultMemberPermissions)
			assert.Equal(t, perm, *c.DefaultMemberPermissions)
			require.NotNil(t, c.DMPermission)
			assert.False(t, *c.DMPermission)
		}
		assert.ElementsMatch(t, []string{"onboard-status", "onboard-resolve", "onboard-dismiss", "onboard-retry"}, names)
		for _, c := range fake.CallsTo("PUT /applications/") {
			assert.Equal(t, "/applications/"+fake.Bot.ID+"/guilds/"+fake.GuildID+"/commands", c.Path)
		}

		// Hidden from a plain member; refused to a non-officer who sees it;
		// refused politely in DMs.
		_, err := fake.Command(pleb, auditChannel, "onboard-status", nil)
		require.Error(t, err)
		r := runCommand(t, w, helper, auditChannel, "onboard-status", nil)
		assert.Equal(t, "Only officers can use the onboarding commands.", r.Data["content"])
		_, err = fake.Command(officer, "", "onboard-status", nil)
		require.Error(t, err, "not offered in DMs")
		fake.SetIgnoreCommandVisibility(true)
		r = runCommand(t, w, officer, "", "onboard-status", nil)
		assert.Equal(t, "These commands work in the guild's server, not in direct messages.", r.Data["content"])
		fake.SetIgnoreCommandVisibility(false)

		r = runCommand(t, w, officer, auditChannel, "onboard-status", nil)
		assert.Equal(t, "✅ No pending onboarding sessions.", r.Data["content"])

		// A member stuck on the main question: status, then resolve with
		// the autocompleted character.
		stuck := "900000000000004010"
		w.joinAndSayYes(t, stuck, "Stuck")
		r = runCommand(t, w, officer, auditChannel, "onboard-status", nil)
		assert.Contains(t, r.Data["content"], "<@"+stuck+"> — main: *(not reported)* | asked_main | 0 attempts")
		in, err := fake.Autocomplete(officer, auditChannel, "onboard-resolve", "character", "TROG")
		require.NoError(t, err)
		r = w.answered(t, in)
		require.Equal(t, 8, r.Type)
		choices := r.Data["choices"].([]any)
		require.Len(t, choices, 3, "Trogalt and both Trogmoons")
		var trogmoon string
		for _, c := range choices {
			cm := c.(map[string]any)
			if cm["name"] == "Trogmoon — senjin (Druid)" {
				trogmoon = cm["value"].(string)
			}
		}
		require.Equal(t, strconv.Itoa(w.chars["Trogmoon-senjin"]), trogmoon)
		r = runCommand(t, w, officer, auditChannel, "onboard-resolve", map[string]string{"member": stuck, "character": trogmoon})
		assert.Contains(t, r.Data["content"], "✅ <@"+stuck+"> has been provisioned.\n• Characters linked: 1")
		s := w.session(t, stuck)
		assert.Equal(t, onboarding.StateResolved, s.State)
		assert.Equal(t, "Boss", *s.ResolvedBy)
		var pc models.PlayerCharacter
		require.NoError(t, db.Where("character_id = ?", w.chars["Trogmoon-senjin"]).Take(&pc).Error)
		assert.Equal(t, *s.VerifiedPlayerID, pc.PlayerID)
		assert.Equal(t, onboarding.LinkSourceOfficer, *pc.LinkSource)
		r = runCommand(t, w, officer, auditChannel, "onboard-resolve", map[string]string{"member": stuck})
		assert.Equal(t, "No active onboarding session found for <@"+stuck+">.", r.Data["content"])

		// Dismiss is a state of its own.
		gone := "900000000000004011"
		w.joinAndSayYes(t, gone, "Gone")
		r = runCommand(t, w, officer, auditChannel, "onboard-dismiss", map[string]string{"member": gone})
		assert.Contains(t, r.Data["content"], "✅ Dismissed onboarding session for <@"+gone+">")
		assert.Equal(t, onboarding.StateDismissed, w.session(t, gone).State)
		r = runCommand(t, w, officer, auditChannel, "onboard-status", map[string]string{"member": gone})
		assert.Contains(t, r.Data["content"], "dismissed")

		// Retry: not yet on the roster, then there.
		late := "900000000000004012"
		sess := w.joinAndSayYes(t, late, "Late")
		_, err = fake.UserSays(late, "Trogalt")
		require.NoError(t, err)
		pick := w.botDM(t, late, 2)
		in, err = fake.Choose(late, pick.ID, onboarding.ComponentID(onboarding.ActMain, sess.ID), strconv.Itoa(w.chars["Trogalt-senjin"]))
		require.NoError(t, err)
		w.answered(t, in)
		require.NoError(t, db.Model(&models.Character{}).Where("id = ?", w.chars["Trogalt-senjin"]).Update("removed_at", time.Now()).Error)
		in, err = fake.Click(late, pick.ID, onboarding.ComponentID(onboarding.ActNoAlts, sess.ID))
		require.NoError(t, err)
		w.answered(t, in)
		r = runCommand(t, w, officer, auditChannel, "onboard-retry", map[string]string{"member": late})
		assert.Contains(t, r.Data["content"], "Still couldn't match")
		require.NoError(t, db.Model(&models.Character{}).Where("id = ?", w.chars["Trogalt-senjin"]).Update("removed_at", nil).Error)
		r = runCommand(t, w, officer, auditChannel, "onboard-retry", map[string]string{"member": late})
		assert.Equal(t, "✅ <@"+late+"> was verified and provisioned successfully.", r.Data["content"])
		assert.Equal(t, onboarding.StateProvisioned, w.session(t, late).State)
	})
}
