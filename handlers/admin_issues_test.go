package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/models"
	guildsync "patt/sync"
)

func TestAdminIssuesPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, off := seedMember(t, db, "Officer4", 4)
		_, mem := seedMember(t, db, "Member2", 2)
		now := time.Now().UTC()

		// An orphan character, a critical issue, and a suggestion.
		bank := models.Character{Name: "Pattbank", RealmSlug: "senjin"}
		require.NoError(t, db.Create(&bank).Error)
		crit := models.AuditIssue{IssueType: "roster_gone", Severity: "critical", Summary: "Roster fetch failed twice", IssueHash: "crit-1", CreatedAt: now}
		require.NoError(t, db.Create(&crit).Error)
		role := "Member"
		du := models.DiscordUser{DiscordID: "555", Username: "rocketman99", IsPresent: true, HighestGuildRole: &role}
		require.NoError(t, db.Create(&du).Error)
		note := "Rocket's DH"
		rock := models.Character{Name: "Rockdh", RealmSlug: "senjin", AddonNote: &note}
		require.NoError(t, db.Create(&rock).Error)
		_, err := guildsync.MatchIdentities(context.Background(), db, now, false)
		require.NoError(t, err)
		_, err = guildsync.CheckIntegrity(context.Background(), db, now)
		require.NoError(t, err)

		resp, _ := newBrowser(t, app).loginAs(s, mem).get("/admin/issues")
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		b := newBrowser(t, app).loginAs(s, off)
		resp, body := b.get("/admin/issues")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, "Pattbank")
		require.Contains(t, body, "Possible match: Rockdh")
		critAt, warnAt := strings.Index(body, `data-severity="critical"`), strings.Index(body, `data-severity="warning"`)
		require.True(t, critAt >= 0 && warnAt > critAt, "critical issues come first")

		var orphan models.AuditIssue
		require.NoError(t, db.Where("issue_type = ? AND wow_character_id = ?", guildsync.IssueOrphanWow, bank.ID).Take(&orphan).Error)
		path := "/admin/issues/" + strconv.Itoa(orphan.ID)
		resp, body = b.htmxSend("POST", path+"/dismiss", url.Values{})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "dismissed")
		resp, body = b.htmxSend("POST", path+"/resolve", url.Values{})
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		require.Contains(t, body, "already resolved")
		_, err = guildsync.CheckIntegrity(context.Background(), db, now.Add(time.Hour))
		require.NoError(t, err)
		var n int64
		require.NoError(t, db.Model(&models.AuditIssue{}).Where("wow_character_id = ? AND issue_type = ? AND resolved_at IS NULL", bank.ID, guildsync.IssueOrphanWow).Count(&n).Error)
		require.Zero(t, n, "a dismissed finding is not opened again")

		var sugg models.AuditIssue
		require.NoError(t, db.Where("issue_type = ? AND resolved_at IS NULL", guildsync.IssueSuggestion).Take(&sugg).Error)
		resp, body = b.htmxSend("POST", "/admin/issues/"+strconv.Itoa(sugg.ID)+"/accept", url.Values{})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Contains(t, body, "Link made")
		var pc models.PlayerCharacter
		require.NoError(t, db.Where("character_id = ?", rock.ID).Take(&pc).Error)
		require.Equal(t, guildsync.LinkOfficer, *pc.LinkSource)

		resp, _ = b.postForm("/admin/issues/999999/resolve", url.Values{})
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
}
