package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/bot"
	"patt/bot/fakediscord"
	"patt/bot/outbox"
	"patt/dbtest"
	"patt/models"
	"patt/notify"
	"patt/onboarding"
)

const auditChannel = "900000000000000600"

// clock is the onboarding service's time, moved by the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// onbWorld is a connected bot with onboarding, the roster and a clock.
type onbWorld struct {
	db    *gorm.DB
	b     *bot.Bot
	onb   *onboarding.Service
	clk   *clock
	chars map[string]int
	lines []string // the transcript
}

func newOnbWorld(t *testing.T, db *gorm.DB) *onbWorld {
	t.Helper()
	setup(t, db)
	fake.AddChannel(auditChannel, "audit")
	setGates(t, db, true, true, true)
	w := &onbWorld{db: db, clk: &clock{t: time.Now().UTC().Truncate(time.Second)}, chars: map[string]int{}}
	var druid, priest models.Class
	require.NoError(t, db.Where("name = ?", "Druid").Take(&druid).Error)
	require.NoError(t, db.Where("name = ?", "Priest").Take(&priest).Error)
	member := rankID(t, db, "Member")
	for _, c := range []struct {
		name, realm string
		class       int
	}{{"Trogmoon", "senjin", druid.ID}, {"Trogalt", "senjin", priest.ID}, {"Trogmoon", "stormrage", priest.ID}, {"Shadowmain", "senjin", priest.ID}} {
		ch := models.Character{Name: c.name, RealmSlug: c.realm, ClassID: &c.class, GuildRankID: &member}
		require.NoError(t, db.Create(&ch).Error)
		w.chars[c.name+"-"+c.realm] = ch.ID
	}
	w.start(t)
	return w
}

// start (re)creates the bot and its onboarding service and connects: a
// restart of the process.
func (w *onbWorld) start(t *testing.T) {
	t.Helper()
	w.b = newBot(t, w.db, nil)
	log := slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{t}), nil))
	w.onb = onboarding.New(w.db, onboarding.Config{GuildName: "Pull All The Things", BaseURL: "https://patt.example",
		AuditChannelID: auditChannel}, log, w.clk.Now, func() notify.Notifier { return w.b })
	b := w.b
	w.b.SetOnboarding(w.onb, func() {
		if _, err := outbox.Deliver(context.Background(), w.db, w.clk.Now(), b.SendDM); err != nil {
			t.Errorf("deliver: %v", err)
		}
	})
	connect(t, w.b)
}

func (w *onbWorld) session(t *testing.T, discordID string) models.OnboardingSession {
	t.Helper()
	var s models.OnboardingSession
	require.NoError(t, w.db.Where("discord_id = ?", discordID).Take(&s).Error)
	return s
}

func (w *onbWorld) say(format string, args ...any) {
	w.lines = append(w.lines, fmt.Sprintf(format, args...))
}

// describe is one message as a member sees it, for the transcript.
func describe(m fakediscord.Message) string {
	var parts []string
	if m.Content != "" {
		parts = append(parts, strconv.Quote(m.Content))
	}
	for _, e := range m.Embeds {
		parts = append(parts, fmt.Sprintf("embed %q", e["title"]))
	}
	for _, row := range m.Components {
		for _, c := range row["components"].([]any) {
			cm := c.(map[string]any)
			if cm["type"].(float64) == 2 {
				parts = append(parts, fmt.Sprintf("[button %s → %s]", cm["label"], cm["custom_id"]))
			} else {
				var opts []string
				for _, o := range cm["options"].([]any) {
					opts = append(opts, o.(map[string]any)["label"].(string))
				}
				parts = append(parts, fmt.Sprintf("[select %s: %s]", cm["custom_id"], strings.Join(opts, " | ")))
			}
		}
	}
	return strings.Join(parts, " ")
}

// lastDM waits for the n-th message (1-based) the bot sent the member.
func (w *onbWorld) botDM(t *testing.T, uid string, n int) fakediscord.Message {
	t.Helper()
	var got fakediscord.Message
	require.Eventually(t, func() bool {
		k := 0
		for _, m := range fake.DMsTo(uid) {
			if m.AuthorID == fake.Bot.ID && !m.Ephemeral {
				k++
				if k == n {
					got = m
					return true
				}
			}
		}
		return false
	}, 5*time.Second, 10*time.Millisecond, "bot DM #%d to %s", n, uid)
	w.say("bot → DM #%d: %s", n, describe(got))
	return got
}

// answered waits for the bot's answer to an interaction.
func (w *onbWorld) answered(t *testing.T, in *fakediscord.Interaction) *fakediscord.Response {
	t.Helper()
	require.True(t, in.Wait(5*time.Second), "the bot did not answer interaction %s (%s)", in.ID, in.CustomID)
	r := fake.Answer(in)
	switch r.Type {
	case 7:
		m, _ := fake.Message(in.MessageID)
		w.say("bot answers %s with type 7 (update): %s", in.CustomID, describe(m))
	case 9:
		w.say("bot answers %s with type 9 (modal %q)", in.CustomID, r.Data["title"])
	default:
		w.say("bot answers %s with type %d: %v", in.CustomID, r.Type, r.Data["content"])
	}
	assert.Empty(t, in.Refusals, "the fake refused an answer")
	return r
}

func member(id, name string) *fakediscord.User { return &fakediscord.User{ID: id, Username: name} }

// joinAndSayYes runs the conversation up to the main's name question.
func (w *onbWorld) joinAndSayYes(t *testing.T, uid, nick string) models.OnboardingSession {
	t.Helper()
	fake.Join(member(uid, strings.ToLower(nick)), nick)
	w.say("%s joins the server", nick)
	welcome := w.botDM(t, uid, 1)
	require.Len(t, welcome.Embeds, 1)
	assert.Equal(t, "Welcome to Pull All The Things! 🎮", welcome.Embeds[0]["title"])
	sess := w.session(t, uid)
	assert.Equal(t, onboarding.StateAskedInGuild, sess.State)
	in, err := fake.Click(uid, welcome.ID, onboarding.ComponentID(onboarding.ActYes, sess.ID))
	require.NoError(t, err)
	w.say("%s clicks Yes", nick)
	r := w.answered(t, in)
	require.Equal(t, 7, r.Type)
	assert.Equal(t, onboarding.StateAskedMain, w.session(t, uid).State)
	return sess
}

func TestOnboardingHappyPathTranscript(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newOnbWorld(t, db)
		uid := "900000000000003001"
		sess := w.joinAndSayYes(t, uid, "Trog")
		m, _ := fake.Message(w.botDM(t, uid, 1).ID)
		assert.Empty(t, m.Components, "the answered welcome loses its buttons")
		assert.Contains(t, m.Content, "What's your main character's name?")

		_, err := fake.UserSays(uid, "Trogmoon-Senjin")
		require.NoError(t, err)
		w.say("Trog types %q", "Trogmoon-Senjin")
		pick := w.botDM(t, uid, 2)
		assert.Contains(t, pick.Content, "I found 2 character(s) named **Trogmoon**")
		in, err := fake.Choose(uid, pick.ID, onboarding.ComponentID(onboarding.ActMain, sess.ID), strconv.Itoa(w.chars["Trogmoon-senjin"]))
		require.NoError(t, err)
		w.say("Trog picks Trogmoon — senjin (Druid)")
		w.answered(t, in)
		m, _ = fake.Message(pick.ID)
		assert.Contains(t, m.Content, "Found **Trogmoon** on **senjin** — Druid! 🎉")
		assert.Equal(t, onboarding.StateAskedAlts, w.session(t, uid).State)

		in, err = fake.Click(uid, pick.ID, onboarding.ComponentID(onboarding.ActAlts, sess.ID))
		require.NoError(t, err)
		w.say("Trog clicks Add alts")
		require.Equal(t, 9, w.answered(t, in).Type)
		in, err = fake.SubmitModal(in, map[string]string{"alts": "Trogalt"})
		require.NoError(t, err)
		w.say("Trog submits the form: alts = %q", "Trogalt")
		require.Equal(t, 7, w.answered(t, in).Type)

		done := w.botDM(t, uid, 3)
		require.Len(t, done.Embeds, 1)
		assert.Equal(t, "You're officially set up! 🎉", done.Embeds[0]["title"])

		sess = w.session(t, uid)
		assert.Equal(t, onboarding.StateProvisioned, sess.State)
		require.NotNil(t, sess.VerifiedPlayerID)
		var p models.Player
		require.NoError(t, db.Preload("Characters").Take(&p, *sess.VerifiedPlayerID).Error)
		assert.Equal(t, "Trog", p.DisplayName, "the player is named as the member shows on Discord")
		require.Len(t, p.Characters, 2)
		for _, pc := range p.Characters {
			require.NotNil(t, pc.LinkSource)
			assert.Equal(t, onboarding.LinkSourceOnboarding, *pc.LinkSource)
		}
		require.NotNil(t, p.MainCharacterID)
		assert.Equal(t, w.chars["Trogmoon-senjin"], *p.MainCharacterID)
		require.NotNil(t, p.GuildRankID)
		assert.Equal(t, rankID(t, db, "Member"), *p.GuildRankID, "rank derived from the characters")
		var inv models.InviteCode
		require.NoError(t, db.Where("player_id = ?", p.ID).Take(&inv).Error)
		assert.Equal(t, "auto_onboarding", inv.GeneratedBy)
		require.NotNil(t, inv.OnboardingSessionID)
		assert.Equal(t, sess.ID, *inv.OnboardingSessionID)
		assert.WithinDuration(t, w.clk.Now().Add(7*24*time.Hour), *inv.ExpiresAt, time.Second)
		assert.Contains(t, done.Embeds[0]["description"], inv.Code)
		assert.Contains(t, done.Embeds[0]["description"], "https://patt.example/register?code="+inv.Code)
		assert.True(t, sess.WebsiteInviteSent)
		assert.True(t, sess.RosterEntriesCreated)
		assert.True(t, sess.DiscordRoleAssigned)
		assert.Contains(t, fake.MemberRoles(uid), roleMember, "the rank's role was given")
		require.NotEmpty(t, fake.CallsTo("PUT /guilds/"+fake.GuildID+"/members/"+uid+"/roles/"+roleMember))

		if os.Getenv("PATT_TRANSCRIPT") != "" {
			require.NoError(t, os.WriteFile(os.Getenv("PATT_TRANSCRIPT"), []byte(strings.Join(w.lines, "\n")+"\n"), 0o644))
		}
		for _, l := range w.lines {
			t.Log(l)
		}
	})
}

func TestOnboardingDoubleClicksTakeEachStepOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newOnbWorld(t, db)
		uid := "900000000000003002"
		fake.Join(member(uid, "twice"), "Twice")
		welcome := w.botDM(t, uid, 1)
		sess := w.session(t, uid)
		yes := onboarding.ComponentID(onboarding.ActYes, sess.ID)
		// Both clicks reach Discord before the bot answered either.
		in1, in2, err := fake.DoubleClick(uid, welcome.ID, yes)
		require.NoError(t, err)
		w.answered(t, in1)
		w.answered(t, in2)
		assert.Equal(t, onboarding.StateAskedMain, w.session(t, uid).State)
		var prompts int64
		require.NoError(t, db.Model(&models.DMOutbox{}).Where("recipient_discord_id = ?", uid).Count(&prompts).Error)
		assert.EqualValues(t, 1, prompts, "one welcome, nothing queued twice")

		_, err = fake.UserSays(uid, "Trogmoon")
		require.NoError(t, err)
		pick := w.botDM(t, uid, 2)
		in, err := fake.Choose(uid, pick.ID, onboarding.ComponentID(onboarding.ActMain, sess.ID), strconv.Itoa(w.chars["Trogmoon-senjin"]))
		require.NoError(t, err)
		w.answered(t, in)
		noAlts := onboarding.ComponentID(onboarding.ActNoAlts, sess.ID)
		in1, in2, err = fake.DoubleClick(uid, pick.ID, noAlts)
		require.NoError(t, err)
		w.answered(t, in1)
		w.answered(t, in2)

		assert.Equal(t, onboarding.StateProvisioned, w.session(t, uid).State)
		var players, codes, links int64
		require.NoError(t, db.Model(&models.Player{}).Count(&players).Error)
		require.NoError(t, db.Model(&models.InviteCode{}).Count(&codes).Error)
		require.NoError(t, db.Model(&models.PlayerCharacter{}).Count(&links).Error)
		assert.EqualValues(t, 1, players, "one player")
		assert.EqualValues(t, 1, codes, "one invite code")
		assert.EqualValues(t, 1, links, "one link")
		w.botDM(t, uid, 3)
		time.Sleep(50 * time.Millisecond)
		n := 0
		for _, m := range fake.DMsTo(uid) {
			if len(m.Embeds) > 0 && m.Embeds[0]["title"] == "You're officially set up! 🎉" {
				n++
			}
		}
		assert.Equal(t, 1, n, "one set-up DM")
	})
}

func TestOnboardingResumesAfterARestartAndNudges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newOnbWorld(t, db)
		uid := "900000000000003003"
		sess := w.joinAndSayYes(t, uid, "Resty")
		_, err := fake.UserSays(uid, "trogmoon (druid)")
		require.NoError(t, err)
		pick := w.botDM(t, uid, 2)
		in, err := fake.Choose(uid, pick.ID, onboarding.ComponentID(onboarding.ActMain, sess.ID), strconv.Itoa(w.chars["Trogmoon-senjin"]))
		require.NoError(t, err)
		w.answered(t, in)

		// The process stops and starts again: nothing was in memory.
		require.NoError(t, w.b.Close(context.Background()))
		w.start(t)

		// An hour of silence: the checker nudges with the question the
		// member is on.
		w.clk.Add(61 * time.Minute)
		st, err := w.onb.Check(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 1, st.Nudged)
		deliver(t, db, w.b, w.clk.Now())
		nudge := w.botDM(t, uid, 3)
		assert.Contains(t, nudge.Content, "Still there?")
		assert.Contains(t, nudge.Content, "Do you have alts in the guild?")
		// The member answers on the nudge; the old message works too.
		in, err = fake.Click(uid, nudge.ID, onboarding.ComponentID(onboarding.ActNoAlts, sess.ID))
		require.NoError(t, err)
		w.answered(t, in)
		assert.Equal(t, onboarding.StateProvisioned, w.session(t, uid).State)
		in, err = fake.Click(uid, pick.ID, onboarding.ComponentID(onboarding.ActNoAlts, sess.ID))
		require.NoError(t, err)
		w.answered(t, in)
		m, _ := fake.Message(pick.ID)
		require.Len(t, m.Embeds, 1)
		assert.Equal(t, "You're set up! 🎉", m.Embeds[0]["title"], "a stale button shows where the session is")
	})
}

func TestOnboardingClosedDMsEscalate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newOnbWorld(t, db)
		uid := "900000000000003004"
		u := member(uid, "closed")
		u.ClosedDMs = true
		fake.Join(u, "Closed")
		require.Eventually(t, func() bool {
			var n int64
			db.Model(&models.DMOutbox{}).Where("recipient_discord_id = ? AND status = ?", uid, outbox.StatusFailed).Count(&n)
			return n == 1
		}, 5*time.Second, 10*time.Millisecond, "the welcome fails for good (50007)")
		st, err := w.onb.Check(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 1, st.Declined)
		assert.Equal(t, 1, st.Escalated)
		sess := w.session(t, uid)
		assert.Equal(t, onboarding.StateDeclined, sess.State)
		require.NotNil(t, sess.EscalatedAt)
		require.NotNil(t, sess.AuditIssueID)
		var issue models.AuditIssue
		require.NoError(t, db.Take(&issue, *sess.AuditIssueID).Error)
		assert.Equal(t, onboarding.IssueType, issue.IssueType)
		var post *fakediscord.Message
		for _, m := range fake.Messages() {
			if m.ChannelID == auditChannel {
				post = &m
			}
		}
		require.NotNil(t, post, "posted to the audit channel")
		assert.Contains(t, post.Embeds[0]["description"], "<@"+uid+">")
		assert.Empty(t, post.Components, "nothing to approve for a member the bot cannot reach")
		// Nothing is retried: the next run does nothing.
		st, err = w.onb.Check(context.Background())
		require.NoError(t, err)
		assert.Equal(t, onboarding.Stats{}, st)
	})
}

// claimOwned runs a member through to a main another player owns.
func (w *onbWorld) claimOwned(t *testing.T, uid, nick string) models.OnboardingSession {
	t.Helper()
	sess := w.joinAndSayYes(t, uid, nick)
	_, err := fake.UserSays(uid, "Shadowmain")
	require.NoError(t, err)
	pick := w.botDM(t, uid, 2)
	in, err := fake.Choose(uid, pick.ID, onboarding.ComponentID(onboarding.ActMain, sess.ID), strconv.Itoa(w.chars["Shadowmain-senjin"]))
	require.NoError(t, err)
	w.answered(t, in)
	in, err = fake.Click(uid, pick.ID, onboarding.ComponentID(onboarding.ActNoAlts, sess.ID))
	require.NoError(t, err)
	w.answered(t, in)
	m, _ := fake.Message(pick.ID)
	assert.Equal(t, "Thanks! An officer will take it from here 👍", m.Embeds[0]["title"])
	sess = w.session(t, uid)
	require.Equal(t, onboarding.StatePending, sess.State)
	require.NotNil(t, sess.EscalationReason)
	st, err := w.onb.Check(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, st.Escalated)
	return w.session(t, uid)
}

func auditPost(t *testing.T, sessionID int) fakediscord.Message {
	t.Helper()
	for _, m := range fake.Messages() {
		if m.ChannelID == auditChannel && len(m.Embeds) > 0 && m.Embeds[0]["footer"].(map[string]any)["text"] == fmt.Sprintf("Session ID: %d", sessionID) {
			return m
		}
	}
	t.Fatalf("no audit post for session %d", sessionID)
	return fakediscord.Message{}
}

func TestOnboardingEscalationApproveAndReject(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newOnbWorld(t, db)
		// Shadowmain belongs to a roster player without a Discord account.
		owner := models.Player{DisplayName: "Shadow", IsActive: true, Timezone: "America/Chicago"}
		require.NoError(t, db.Create(&owner).Error)
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: owner.ID, CharacterID: w.chars["Shadowmain-senjin"]}).Error)
		officerID, memberID := "900000000000003100", "900000000000003101"
		fake.AddMember(member(officerID, "boss"), "Boss", roleOfficer)
		fake.AddMember(member(memberID, "pleb"), "Pleb", roleMember)

		uid := "900000000000003005"
		sess := w.claimOwned(t, uid, "Shady")
		post := auditPost(t, sess.ID)
		approve := onboarding.ComponentID(onboarding.ActApprove, sess.ID)

		// A member without an officer's role is told no.
		in, err := fake.Click(memberID, post.ID, approve)
		require.NoError(t, err)
		r := w.answered(t, in)
		require.Equal(t, 4, r.Type)
		assert.Equal(t, float64(64), r.Data["flags"], "ephemeral")
		assert.Equal(t, onboarding.StatePending, w.session(t, uid).State)

		in, err = fake.Click(officerID, post.ID, approve)
		require.NoError(t, err)
		require.Equal(t, 7, w.answered(t, in).Type)
		sess = w.session(t, uid)
		assert.Equal(t, onboarding.StateResolved, sess.State)
		require.NotNil(t, sess.ResolvedBy)
		assert.Equal(t, "Boss", *sess.ResolvedBy)
		require.NotNil(t, sess.VerifiedPlayerID)
		assert.Equal(t, owner.ID, *sess.VerifiedPlayerID, "the member joins the roster's player")
		var p models.Player
		require.NoError(t, db.Take(&p, owner.ID).Error)
		require.NotNil(t, p.DiscordUserID)
		var issue models.AuditIssue
		require.NoError(t, db.Take(&issue, *sess.AuditIssueID).Error)
		assert.NotNil(t, issue.ResolvedAt, "the audit issue is resolved")
		m, _ := fake.Message(post.ID)
		assert.Empty(t, m.Components, "the decided post loses its buttons")
		assert.Contains(t, m.Embeds[0]["description"], "Approved by Boss")

		// Reject: who and why are kept.
		uid2 := "900000000000003006"
		sess2 := w.claimOwned(t, uid2, "Sneaky")
		post2 := auditPost(t, sess2.ID)
		in, err = fake.Click(officerID, post2.ID, onboarding.ComponentID(onboarding.ActReject, sess2.ID))
		require.NoError(t, err)
		require.Equal(t, 9, w.answered(t, in).Type)
		in, err = fake.SubmitModal(in, map[string]string{"reason": "Not our Shadowmain; already set up."})
		require.NoError(t, err)
		require.Equal(t, 7, w.answered(t, in).Type)
		sess2 = w.session(t, uid2)
		assert.Equal(t, onboarding.StateRejected, sess2.State)
		assert.Equal(t, "Boss", *sess2.ResolvedBy)
		assert.Equal(t, "Not our Shadowmain; already set up.", *sess2.ResolutionNote)
		var links int64
		require.NoError(t, db.Model(&models.PlayerCharacter{}).Where("character_id = ?", w.chars["Shadowmain-senjin"]).Count(&links).Error)
		assert.EqualValues(t, 1, links, "rejecting links nothing")
	})
}

func TestOnboardingLeaveClosesAndRejoinStartsClean(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := newOnbWorld(t, db)
		uid := "900000000000003007"
		sess := w.joinAndSayYes(t, uid, "Leaver")
		_, err := fake.UserSays(uid, "Nobodyhere")
		require.NoError(t, err)
		w.botDM(t, uid, 2)
		fake.Leave(uid)
		require.Eventually(t, func() bool { return w.session(t, uid).State == onboarding.StateClosed }, 5*time.Second, 10*time.Millisecond)
		assert.Equal(t, "left_server", *w.session(t, uid).ClosedReason)

		fake.Join(member(uid, "leaver"), "Leaver")
		w.botDM(t, uid, 3)
		again := w.session(t, uid)
		assert.Equal(t, sess.ID, again.ID, "one row per member, for ever")
		assert.Equal(t, onboarding.StateAskedInGuild, again.State)
		assert.Nil(t, again.ReportedMainName, "nothing stale survives a re-join")
		assert.Nil(t, again.ClosedReason)
	})
}
