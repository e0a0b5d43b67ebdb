package handlers

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"patt/auth"
	"patt/browsertest"
	"patt/dbtest"
	"patt/models"
)

// A new member follows the invite link, registers, logs out and in again,
// and picks their main character and spec on /profile, as a person would.
func TestAccountFlowInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	db, _ := dbtest.Migrated(t, models.SQLite)
	app, s := testApp(t, db)
	base := browsertest.Serve(t, app)

	var member models.GuildRank
	require.NoError(t, db.Where("level = 2").Take(&member).Error)
	p := models.Player{DisplayName: "Trog", IsActive: true, Timezone: "America/New_York", GuildRankID: &member.ID}
	require.NoError(t, db.Create(&p).Error)
	pala := seedOwnedCharacter(t, db, "Trogmoon", "Paladin", &p)
	seedOwnedCharacter(t, db, "Trogfrost", "Mage", &p)
	holy := profileSpecID(t, db, "Paladin", "Holy")
	inv, err := auth.CreateInvite(db, p.ID, nil, s.Now(), 0)
	require.NoError(t, err)

	// Register through the invite link: the code is already filled in.
	var code string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/register?code="+strings.ToLower(inv.Code)),
		chromedp.WaitVisible(`#reg-username`, chromedp.ByQuery),
		chromedp.Value(`#reg-code`, &code, chromedp.ByQuery),
	))
	require.Equal(t, inv.Code, code)
	browsertest.Screenshot(t, ctx, "register.png")
	var who string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys(`#reg-username`, "TrogDiscord", chromedp.ByQuery),
		chromedp.SendKeys(`#reg-password`, "securepw1", chromedp.ByQuery),
		chromedp.SendKeys(`#reg-password2`, "securepw1", chromedp.ByQuery),
		chromedp.Click(`form[action="/register"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.nav-user__name`, chromedp.ByQuery),
		chromedp.Text(`.nav-user__name`, &who, chromedp.ByQuery),
	))
	require.Equal(t, "Trog", who)

	// Log out (a POST form in the header), then log in again.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(`.nav-user__logout button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash--success`, chromedp.ByQuery),
		chromedp.Navigate(base+"/login?next=/profile"),
		chromedp.WaitVisible(`#login-username`, chromedp.ByQuery),
		chromedp.SendKeys(`#login-username`, "trogdiscord", chromedp.ByQuery),
		chromedp.SendKeys(`#login-password`, "wrong-password", chromedp.ByQuery),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.auth-card .flash--error`, chromedp.ByQuery),
	))
	browsertest.Screenshot(t, ctx, "login.png")
	var path string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelector('#login-password').value = ''`, nil),
		chromedp.SendKeys(`#login-password`, "securepw1", chromedp.ByQuery),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#profile-characters`, chromedp.ByQuery),
		chromedp.Evaluate(`location.pathname`, &path),
	))
	require.Equal(t, "/profile", path, "next brought us back to /profile")

	// Choosing the paladin leaves only paladin specs in the spec list.
	var visibleGroups []string
	require.NoError(t, chromedp.Run(ctx,
		// profile.js binds on DOMContentLoaded; under -race the page can be
		// visible before that, so wait until the filter is bound.
		chromedp.WaitReady(`#profile-main_character_id[data-spec-filter-bound]`, chromedp.ByQuery),
		chromedp.Evaluate(`(() => { const s = document.querySelector('#profile-main_character_id');
			s.value = '`+strconv.Itoa(pala.ID)+`'; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, nil),
		chromedp.Evaluate(`[...document.querySelectorAll('#profile-main_spec_id optgroup')].filter(g => !g.hidden).map(g => g.label)`, &visibleGroups),
	))
	require.Equal(t, []string{"Paladin"}, visibleGroups)

	var saved, banner string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelector('#profile-main_spec_id').value = '`+strconv.Itoa(holy)+`'`, nil),
		chromedp.Click(`#profile-characters button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#profile-characters .flash--success`, chromedp.ByQuery),
		chromedp.Text(`#profile-characters .flash--success`, &saved, chromedp.ByQuery),
		chromedp.Text(`#profile-banner`, &banner, chromedp.ByQuery),
	))
	require.Contains(t, saved, "Character settings saved")
	require.Contains(t, banner, "Trogmoon — Sen'jin", "the banner updated in place")
	require.Contains(t, banner, "Holy")

	var got models.Player
	require.NoError(t, db.Take(&got, p.ID).Error)
	require.NotNil(t, got.MainCharacterID)
	require.Equal(t, pala.ID, *got.MainCharacterID)
	require.Equal(t, holy, *got.MainSpecID)

	// A reload shows the saved choice.
	var selected string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(base+"/profile"),
		chromedp.WaitVisible(`#profile-main_character_id`, chromedp.ByQuery),
		chromedp.Value(`#profile-main_spec_id`, &selected, chromedp.ByQuery),
	))
	require.Equal(t, strconv.Itoa(holy), selected)
	browsertest.Screenshot(t, ctx, "profile.png")

	// A refused password change comes back into its card (htmx swaps the
	// 422 fragment), with the message beside the field.
	var fieldErr string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys(`#profile-current-password`, "securepw1", chromedp.ByQuery),
		chromedp.SendKeys(`#profile-new-password`, "another-pw-1", chromedp.ByQuery),
		chromedp.SendKeys(`#profile-confirm-password`, "another-pw-2", chromedp.ByQuery),
		chromedp.Click(`#profile-password button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#profile-confirm-password-error`, chromedp.ByQuery),
		chromedp.Text(`#profile-confirm-password-error`, &fieldErr, chromedp.ByQuery),
		chromedp.Evaluate(`location.pathname`, &path),
	))
	require.Equal(t, "New passwords do not match", fieldErr)
	require.Equal(t, "/profile", path)
	// Back to the top, so the sticky header is not painted mid-page.
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.style.scrollBehavior = "auto"; window.scrollTo(0, 0)`, nil)))
	browsertest.WaitFor(t, ctx, "the page scrolled to the top", `window.scrollY === 0`)
	browsertest.Screenshot(t, ctx, "profile_error.png")
}
