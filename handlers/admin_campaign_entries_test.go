package handlers

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/voting"
)

// An entry posted under another campaign's address is a 404 and stays as it
// was (the edit used to rename it first and answer 404 after).
func TestAdminEntryUpdateChecksTheCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, officerU := seedMember(t, db, "Officer", 4)
		a := voteCampaign(t, s, nil, false, "A1", "A2")
		b := voteCampaign(t, s, nil, false, "B1", "B2")
		off := newBrowser(t, app).loginAs(s, officerU)

		resp, _ := off.postForm(fmt.Sprintf("/admin/campaigns/%d/entries/%d", a.ID, b.Entries[0].ID), url.Values{"name": {"Hijacked"}})
		assert.Equal(t, 404, resp.StatusCode)
		b, err := voting.Get(db, b.ID)
		require.NoError(t, err)
		assert.Equal(t, "B1", b.Entries[0].Name, "nothing written")

		// The same edit at the right address works.
		resp, _ = off.postForm(fmt.Sprintf("/admin/campaigns/%d/entries/%d", b.ID, b.Entries[0].ID), url.Values{"name": {"Renamed"}})
		assert.Equal(t, 303, resp.StatusCode)
		b, err = voting.Get(db, b.ID)
		require.NoError(t, err)
		assert.Equal(t, "Renamed", b.Entries[0].Name)
	})
}
