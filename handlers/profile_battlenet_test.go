package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/battlenet/fakebattlenet"
	"patt/dbtest"
	"patt/models"
	"patt/onboarding"
)

// Battle.net ownership proof from /profile: the account's guild
// characters are claimed (link_source battlenet, confidence 1.0), the
// member's own are confirmed, one linked to another player is left alone
// and opens an audit issue; a callback this browser did not start is
// refused; without credentials the button says so.
func TestProfileBattleNetClaim(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		bnet := fakebattlenet.New("bnet-client", "bnet-secret")
		t.Cleanup(bnet.Close)
		bnet.RedirectURIs = []string{s.Config.BaseURL + "/profile/battlenet/callback"}
		p, user := seedMember(t, db, "Trog", 2)
		other, _ := seedMember(t, db, "Shadow", 2)
		chars := map[string]int{}
		for _, n := range []string{"Trogmoon", "Trogalt", "Shadowmain"} {
			c := models.Character{Name: n, RealmSlug: "senjin"}
			require.NoError(t, db.Create(&c).Error)
			chars[n] = c.ID
		}
		manual := "manual"
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: p.ID, CharacterID: chars["Trogalt"], LinkSource: &manual}).Error)
		require.NoError(t, db.Create(&models.PlayerCharacter{PlayerID: other.ID, CharacterID: chars["Shadowmain"], LinkSource: &manual}).Error)

		b := newBrowser(t, app).loginAs(s, user)
		resp, body := b.get("/profile/battlenet")
		assert.Equal(t, http.StatusConflict, resp.StatusCode, "no Blizzard credentials")
		assert.Contains(t, body, "Battle.net sign-in is not set up")

		s.Config.BlizzardClientID, s.Config.BlizzardClientSecret = "bnet-client", "bnet-secret"
		s.Config.BattleNetAuthorizeURL, s.Config.BlizzardOAuthURL, s.Config.BlizzardAPIURL = bnet.URL+"/authorize", bnet.URL+"/token", bnet.URL
		bnet.SignIn(fakebattlenet.Character{Name: "Trogmoon", RealmSlug: "senjin", Level: 80},
			fakebattlenet.Character{Name: "trogalt", RealmSlug: "Senjin", Level: 80},
			fakebattlenet.Character{Name: "Shadowmain", RealmSlug: "senjin", Level: 80},
			fakebattlenet.Character{Name: "Elsewhere", RealmSlug: "stormrage", Level: 10})

		// The browser goes to Battle.net and comes back with a code.
		resp, _ = b.get("/profile/battlenet")
		require.Equal(t, http.StatusFound, resp.StatusCode)
		auth, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(auth.String(), bnet.URL+"/authorize?"))
		assert.Equal(t, "wow.profile", auth.Query().Get("scope"))
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		back, err := noFollow.Get(auth.String())
		require.NoError(t, err)
		back.Body.Close()
		require.Equal(t, http.StatusFound, back.StatusCode)
		cb, err := url.Parse(back.Header.Get("Location"))
		require.NoError(t, err)
		require.NotEmpty(t, cb.Query().Get("code"))

		// Someone else's browser cannot use it.
		resp, _ = newBrowser(t, app).loginAs(s, user).get(cb.RequestURI())
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "no state cookie")

		resp, _ = b.get(cb.RequestURI())
		require.Equal(t, http.StatusFound, resp.StatusCode)
		assert.Equal(t, "/profile?flash=err-battlenet-conflict", resp.Header.Get("Location"))
		link := func(char int) models.PlayerCharacter {
			var pc models.PlayerCharacter
			require.NoError(t, db.Where("character_id = ?", char).Take(&pc).Error)
			return pc
		}
		for _, n := range []string{"Trogmoon", "Trogalt"} {
			pc := link(chars[n])
			assert.Equal(t, p.ID, pc.PlayerID, n)
			assert.Equal(t, onboarding.LinkSourceBattleNet, *pc.LinkSource, n)
			assert.Equal(t, 1.0, *pc.Confidence, n)
		}
		stolen := link(chars["Shadowmain"])
		assert.Equal(t, other.ID, stolen.PlayerID, "never taken from its owner")
		assert.Equal(t, "manual", *stolen.LinkSource)
		var issues []models.AuditIssue
		require.NoError(t, db.Where("issue_type = ?", onboarding.IssueBattleNetConflict).Find(&issues).Error)
		require.Len(t, issues, 1)
		assert.Contains(t, issues[0].Summary, "Shadowmain")

		// The code and the state were single-use.
		resp, _ = b.get(cb.RequestURI())
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		_, body = b.get("/profile?flash=err-battlenet-conflict")
		assert.Contains(t, body, "belong to another player")
		_, body = b.get("/profile")
		assert.Contains(t, body, `href="/profile/battlenet"`, "the Link Battle.net button")
	})
}
