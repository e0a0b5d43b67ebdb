package handlers

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/identity"
	"patt/models"
)

// The authorization matrix walks every registered route, so a new route
// without the right check fails here rather than in production:
//
//   - admin pages (/admin…): a visitor is sent to /login?next=…, ranks 1–3
//     get 403, officers and the guild leader get neither 401 nor 403;
//   - the admin API (/api/v1/admin…, /api/identity…): a visitor gets 401,
//     ranks 1–3 get 403, officers neither;
//   - every state-changing route (POST/PUT/PATCH/DELETE) anywhere: a visitor
//     with a valid CSRF token but no session never gets a 2xx, except the
//     public ones listed in publicWrites.
//
// Path parameters are filled with the id of rows that exist (matrixID), so
// handlers get past their 404s where they can.

const matrixID = 900

// publicWrites are the state-changing routes a visitor may use.
var publicWrites = map[string]bool{
	"POST /login":                true,
	"POST /register":             true,
	"POST /api/v1/auth/login":    true,
	"POST /api/v1/auth/register": true,
	"POST /logout":               true, // ends nothing for a visitor; never a 2xx anyway
}

// isAddonUpload: the PATTSync addon authenticates with its API key, not a
// session; its own tests check the key.
func isAddonUpload(path string) bool { return strings.Contains(path, "/addon") }

var paramPattern = regexp.MustCompile(`:[A-Za-z_][A-Za-z0-9_]*(<[^>]*>)?\??|\*|\+`)

func fillParams(path string) string {
	return paramPattern.ReplaceAllStringFunc(path, func(p string) string {
		if p == "*" || p == "+" {
			return "x"
		}
		return fmt.Sprint(matrixID)
	})
}

func isAdminPage(path string) bool { return path == "/admin" || strings.HasPrefix(path, "/admin/") }

func isAdminAPI(path string) bool {
	return strings.HasPrefix(path, "/api/v1/admin") || strings.HasPrefix(path, "/api/identity")
}

// seedMatrixTargets inserts one row with id matrixID in the tables routes
// take ids of.
func seedMatrixTargets(t *testing.T, db *gorm.DB) {
	t.Helper()
	now := time.Now().UTC()
	rows := []any{
		&models.GuildRank{ID: matrixID, Name: "Matrix", Level: matrixID},
		&models.Role{ID: matrixID, Name: "Matrix", DisplayName: "Matrix"},
		&models.Player{ID: matrixID, DisplayName: "Matrix Target", IsActive: true},
		&models.Character{ID: matrixID, Name: "Matrixchar", RealmSlug: "senjin"},
		&models.DiscordUser{ID: matrixID, DiscordID: "900900", Username: "matrix", IsPresent: true},
		&models.RaidSeason{ID: matrixID, Name: "Matrix Season", StartDate: models.DateOf(now), IsActive: true},
		&models.Campaign{ID: matrixID, Title: "Matrix Vote", StartAt: now, DurationHours: 24, MinRankToVote: 1},
		&models.CampaignEntry{ID: matrixID, CampaignID: ptrTo(matrixID), Name: "Matrix Entry"},
		&models.RaidEvent{ID: matrixID, Title: "Matrix Raid", EventDate: models.DateOf(now), StartTimeUTC: now, EndTimeUTC: now.Add(2 * time.Hour)},
		&models.RecurringEvent{ID: matrixID, Label: "Matrix Night", DayOfWeek: 6, DefaultStartTime: models.TimeOfDay{Hour: 20}, DefaultDurationMinutes: 120},
		&models.MitoQuote{ID: matrixID, Quote: "Matrix"},
		&models.MitoTitle{ID: matrixID, Title: "Matrix"},
		&models.AuditIssue{ID: matrixID, IssueType: "matrix", Summary: "Matrix", IssueHash: "matrix"},
	}
	for _, r := range rows {
		require.NoError(t, db.Omit("Characters", "Entries").Create(r).Error, "%T", r)
	}
}

func ptrTo[T any](v T) *T { return &v }

type matrixRoute struct{ method, path string }

func matrixRoutes(t *testing.T, routes []struct{ Method, Path string }) []matrixRoute {
	seen := map[string]bool{}
	var out []matrixRoute
	for _, r := range routes {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			continue
		}
		admin := isAdminPage(r.Path) || isAdminAPI(r.Path)
		if !admin && r.Method == http.MethodGet {
			continue
		}
		key := r.Method + " " + r.Path
		if !seen[key] {
			seen[key] = true
			out = append(out, matrixRoute{r.Method, r.Path})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		// Deletes last, so one officer's delete does not 404 the next checks.
		di, dj := strings.Contains(out[i].path, "delete") || out[i].method == http.MethodDelete,
			strings.Contains(out[j].path, "delete") || out[j].method == http.MethodDelete
		if di != dj {
			return !di
		}
		return out[i].method+out[i].path < out[j].method+out[j].path
	})
	return out
}

// matrixRequest sends one request as a browser would: the session cookie
// (if any) and a valid CSRF token, so only the route's own checks decide.
func matrixRequest(b *browser, method, path string) (*http.Response, string) {
	url := fillParams(path)
	var req *http.Request
	if method == http.MethodGet {
		req = httptest.NewRequest(method, url, nil)
	} else if strings.HasPrefix(path, "/api/") {
		req = httptest.NewRequest(method, url, strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, url, strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set(csrfHeader, b.csrf)
	return b.send(req)
}

// guildLeaderOnly are the admin routes above Officer (issue 10): the rank
// table and the audit log. An officer is refused there (never a 2xx); the
// Guild Leader gets through.
var guildLeaderOnly = map[string]bool{
	"GET /admin/audit":               true,
	"POST /api/v1/admin/ranks":       true,
	"PATCH /api/v1/admin/ranks/:id":  true,
	"DELETE /api/v1/admin/ranks/:id": true,
}

func TestAuthorizationMatrix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		seedMatrixTargets(t, db)

		var registered []struct{ Method, Path string }
		for _, r := range app.GetRoutes(true) {
			registered = append(registered, struct{ Method, Path string }{r.Method, r.Path})
		}
		routes := matrixRoutes(t, registered)
		require.NotEmpty(t, routes)
		var adminCount int
		for _, r := range routes {
			if isAdminPage(r.path) || isAdminAPI(r.path) {
				adminCount++
			}
		}
		require.Greater(t, adminCount, 20, "the admin routes are found")
		t.Logf("%d routes checked, %d of them admin", len(routes), adminCount)

		type viewer struct {
			name  string
			level int // 0 = visitor
		}
		viewers := []viewer{{"anonymous", 0}, {"Initiate", 1}, {"Member", 2}, {"Veteran", 3}, {"Officer", 4}, {"Guild Leader", 5}}
		for _, v := range viewers {
			b := newBrowser(t, app)
			if v.level == 0 {
				b.get("/") // a CSRF token, no session
			} else {
				_, user := seedMember(t, db, "Matrix "+v.name, v.level)
				b.loginAs(s, user)
			}
			require.NotEmpty(t, b.csrf)
			for _, r := range routes {
				if v.level > 0 && !isAdminPage(r.path) && !isAdminAPI(r.path) {
					continue // only visitors are checked there (and /logout would end this session)
				}
				resp, body := matrixRequest(b, r.method, r.path)
				code := resp.StatusCode
				where := fmt.Sprintf("%s %s as %s → %d", r.method, fillParams(r.path), v.name, code)
				switch {
				case isAdminAPI(r.path):
					switch {
					case v.level == 0 && code != http.StatusUnauthorized:
						t.Errorf("%s: admin API must answer 401 to a visitor", where)
					case v.level > 0 && v.level < OfficerLevel && code != http.StatusForbidden:
						t.Errorf("%s: admin API must answer 403 below Officer", where)
					case guildLeaderOnly[r.method+" "+r.path] && v.level < identity.GuildLeaderLevel:
						if code < 300 {
							t.Errorf("%s: only the Guild Leader may use this route", where)
						}
					case v.level >= OfficerLevel && (code == http.StatusUnauthorized || code == http.StatusForbidden):
						t.Errorf("%s: officers must get through (%.200s)", where, body)
					}
				case isAdminPage(r.path):
					loc := resp.Header.Get("Location")
					switch {
					case v.level == 0 && (code != http.StatusFound || !strings.HasPrefix(loc, "/login?next=")):
						t.Errorf("%s (Location %q): admin pages send a visitor to /login?next=…", where, loc)
					case v.level > 0 && v.level < OfficerLevel && code != http.StatusForbidden:
						t.Errorf("%s: admin pages answer 403 below Officer", where)
					case guildLeaderOnly[r.method+" "+r.path] && v.level < identity.GuildLeaderLevel:
						if code < 300 {
							t.Errorf("%s: only the Guild Leader may use this page", where)
						}
					case v.level >= OfficerLevel && (code == http.StatusUnauthorized || code == http.StatusForbidden ||
						strings.HasPrefix(loc, "/login")):
						t.Errorf("%s: officers must get through (%.200s)", where, body)
					}
				default: // a state-changing route outside the admin area
					if v.level == 0 && code >= 200 && code < 300 && !publicWrites[r.method+" "+r.path] && !isAddonUpload(r.path) {
						t.Errorf("%s: a visitor changed state without logging in", where)
					}
				}
			}
		}
	})
}
